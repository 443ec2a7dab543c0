package degrade

import (
	"image"
	"math"
	"math/rand/v2"
)

// noiseModel is the per-pixel noise of an image sensor: a constant read
// noise plus photon (shot) noise growing with the square root of the signal,
// split into a part common to all channels (luma grain) and a per-channel
// part (chroma blotches, strong on small phone sensors at high ISO).
type noiseModel struct {
	read, shot, chroma float32
}

// gaussTable holds precomputed standard normal deviates: drawing 36 M
// deviates with NormFloat64 per 12 MP photo would cost more than the
// whole render, and a 64 Ki table indexed by a fast xorshift is
// statistically indistinguishable at this scale.
type gaussTable struct {
	dev   [1 << 16]float32
	state uint32
}

func newGaussTable(rng *rand.Rand) *gaussTable {
	g := &gaussTable{state: rng.Uint32() | 1}
	for i := range g.dev {
		g.dev[i] = float32(rng.NormFloat64())
	}
	return g
}

func (g *gaussTable) next() float32 {
	s := g.state
	s ^= s << 13
	s ^= s >> 17
	s ^= s << 5
	g.state = s
	return g.dev[s>>16]
}

// apply adds noise to every pixel of img in place.
func (n noiseModel) apply(img *image.RGBA, rng *rand.Rand) {
	g := newGaussTable(rng)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		row := img.Pix[y*img.Stride:][:w*4]
		for x := 0; x < len(row); x += 4 {
			p := row[x : x+3]
			v := (float32(p[0]) + 2*float32(p[1]) + float32(p[2])) / 4
			sigma := n.read + n.shot*float32(math.Sqrt(float64(v)))
			luma := g.next() * sigma
			for c := range p {
				p[c] = clamp8(float32(p[c]) + luma + g.next()*sigma*n.chroma)
			}
		}
	}
}
