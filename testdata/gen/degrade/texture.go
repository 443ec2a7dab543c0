package degrade

import (
	"math"
	"math/rand/v2"
)

// rgb is a colour in 8-bit sRGB units, kept as floats for blending.
type rgb [3]float32

// lattice hashes an integer grid point to [0,1). A hash rather than a stored
// grid lets the texture extend over any frame size at no memory cost.
func lattice(ix, iy int64, seed uint32) float32 {
	h := uint32(ix)*0x8da6b343 ^ uint32(iy)*0xd8163841 ^ seed*0xcb1ab31f
	h ^= h >> 13
	h *= 0x5bd1e995
	h ^= h >> 15
	return float32(h&0xffffff) / (1 << 24)
}

// valueNoise interpolates lattice values with a smoothstep so the result
// has no visible grid creases.
func valueNoise(x, y float64, seed uint32) float32 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int64(fx), int64(fy)
	tx, ty := float32(x-fx), float32(y-fy)
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a := lattice(ix, iy, seed) + (lattice(ix+1, iy, seed)-lattice(ix, iy, seed))*tx
	b := lattice(ix, iy+1, seed) + (lattice(ix+1, iy+1, seed)-lattice(ix, iy+1, seed))*tx
	return a + (b-a)*ty
}

// fbm sums octaves of value noise; natural surfaces have detail at every
// scale with roughly 1/f amplitude.
func fbm(x, y float64, seed uint32, octaves int) float32 {
	var sum, norm float32
	amp := float32(1)
	for o := range octaves {
		sum += amp * valueNoise(x, y, seed+uint32(o)*7919)
		norm += amp
		x, y, amp = x*2.03, y*2.03, amp*0.5
	}
	return sum / norm
}

func mix(a, b rgb, t float32) rgb {
	return rgb{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}

// vary perturbs a palette colour so no two tables look identical.
func vary(c rgb, r *rand.Rand) rgb {
	k := float32(0.85 + 0.25*r.Float64())
	for i := range c {
		c[i] *= k * float32(0.95+0.1*r.Float64())
	}
	return c
}

// pick returns a random dark/light colour pair from a palette.
func pick(r *rand.Rand, palette [][2]rgb) (rgb, rgb) {
	p := palette[r.IntN(len(palette))]
	return vary(p[0], r), vary(p[1], r)
}

// Surfaces an agent might photograph a document on. All are darker than
// paper, as in practice; a white desk would need a different detector test.
var (
	woods = [][2]rgb{
		{{150, 105, 65}, {195, 152, 105}}, // oak
		{{70, 45, 30}, {115, 78, 52}},     // walnut
		{{165, 125, 82}, {205, 170, 122}}, // pine
		{{95, 55, 40}, {140, 88, 62}},     // cherry
		{{105, 100, 95}, {150, 145, 135}}, // grey-washed laminate
	}
	fabrics = [][2]rgb{
		{{30, 38, 70}, {50, 62, 105}},      // navy
		{{85, 22, 30}, {125, 40, 48}},      // burgundy
		{{70, 75, 45}, {105, 110, 70}},     // olive
		{{95, 95, 100}, {135, 135, 140}},   // grey
		{{150, 135, 110}, {180, 165, 140}}, // linen
	}
	desks = [][2]rgb{
		{{40, 40, 44}, {62, 62, 68}},       // black desk
		{{80, 86, 92}, {105, 112, 118}},    // grey formica
		{{120, 130, 120}, {150, 160, 148}}, // pale green office desk
		{{140, 120, 95}, {165, 145, 118}},  // beige counter
	}
)

// backgroundTexture returns a random surface as a function of pixel
// position, meant for a coarse field.
func backgroundTexture(r *rand.Rand) func(x, y float64, out []float32) {
	seed := r.Uint32()
	switch r.IntN(3) {
	case 0:
		return wood(r, seed)
	case 1:
		return fabric(r, seed)
	default:
		return desk(r, seed)
	}
}

// wood stretches noise along a random grain direction and adds warped
// growth rings and plank seams.
func wood(r *rand.Rand, seed uint32) func(x, y float64, out []float32) {
	dark, light := pick(r, woods)
	sin, cos := math.Sincos(r.Float64() * math.Pi)
	ring := 40 + 80*r.Float64()
	plank := 500 + 900*r.Float64()
	return func(x, y float64, out []float32) {
		u, v := x*cos+y*sin, -x*sin+y*cos
		grain := fbm(u/600, v/14, seed, 4)
		warp := float64(fbm(u/900, v/300, seed+1, 3))
		rings := float32(0.5 + 0.5*math.Sin(2*math.Pi*(v/ring+3*warp)))
		t := 0.7*grain + 0.3*rings
		if math.Mod(math.Abs(v), plank) < 6 {
			t *= 0.35
		}
		c := mix(dark, light, t)
		copy(out, c[:])
	}
}

// fabric is a woven grid modulated by low-frequency mottling and folds.
func fabric(r *rand.Rand, seed uint32) func(x, y float64, out []float32) {
	dark, light := pick(r, fabrics)
	period := 16 + 12*r.Float64()
	sin, cos := math.Sincos((r.Float64() - 0.5) * 0.6)
	return func(x, y float64, out []float32) {
		u, v := x*cos+y*sin, -x*sin+y*cos
		weave := float32(math.Sin(2*math.Pi*u/period) * math.Sin(2*math.Pi*v/period))
		folds := fbm(x/700, y/700, seed, 3)
		t := 0.5 + 0.2*weave + 0.6*(folds-0.5) + 0.3*(fbm(x/40, y/40, seed+9, 2)-0.5)
		c := mix(dark, light, min(max(t, 0), 1))
		copy(out, c[:])
	}
}

// desk is a nearly flat surface with faint blotches and fine speckle.
func desk(r *rand.Rand, seed uint32) func(x, y float64, out []float32) {
	dark, light := pick(r, desks)
	return func(x, y float64, out []float32) {
		t := 0.7*fbm(x/500, y/500, seed, 4) + 0.3*fbm(x/12, y/12, seed+5, 2)
		c := mix(dark, light, t)
		copy(out, c[:])
	}
}
