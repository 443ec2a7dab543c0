package preprocess

import (
	"image"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestComponents checks the run-based labelling against a plain flood fill
// on random bitmaps, dense and sparse, 4- and 8-connected: same labels for
// every pixel, same boxes and areas.
func TestComponents(t *testing.T) {
	for _, tc := range []struct {
		w, h    int
		density float64
	}{{1, 1, 1}, {7, 1, 0.5}, {1, 9, 0.5}, {40, 30, 0.1}, {40, 30, 0.45}, {64, 48, 0.6}, {33, 17, 0.9}} {
		for _, conn8 := range []bool{false, true} {
			rng := rand.New(rand.NewPCG(uint64(tc.w), uint64(tc.h)))
			b := bitmap{w: tc.w, h: tc.h, pix: make([]uint8, tc.w*tc.h)}
			for i := range b.pix {
				if rng.Float64() < tc.density {
					b.pix[i] = 1
				}
			}
			wantLabels, wantComps := floodComponents(b, conn8)
			runs, comps := components(b, conn8)
			got := make([]int32, len(b.pix))
			for _, r := range runs {
				for x := r.x0; x < r.x1; x++ {
					got[int(r.y)*b.w+int(x)] = r.label
				}
			}
			if !slices.Equal(got, wantLabels) || !slices.Equal(comps, wantComps) {
				t.Errorf("%dx%d density %.2f conn8 %v: labels or components differ from a flood fill\ngot  %v\nwant %v",
					tc.w, tc.h, tc.density, conn8, comps, wantComps)
			}
		}
	}
}

// floodComponents is the reference: a per-pixel flood fill, labels in
// raster order of each component's first pixel.
func floodComponents(b bitmap, conn8 bool) ([]int32, []comp) {
	labels := make([]int32, len(b.pix))
	var comps []comp
	for start, v := range b.pix {
		if v == 0 || labels[start] != 0 {
			continue
		}
		l := int32(len(comps) + 1)
		c := comp{minX: b.w, minY: b.h, maxX: -1, maxY: -1}
		labels[start] = l
		stack := []int{start}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%b.w, i/b.w
			c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
			c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
			c.area++
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if (dx == 0 && dy == 0) || (!conn8 && dx != 0 && dy != 0) || nx < 0 || ny < 0 || nx >= b.w || ny >= b.h {
						continue
					}
					if j := ny*b.w + nx; b.pix[j] != 0 && labels[j] == 0 {
						labels[j] = l
						stack = append(stack, j)
					}
				}
			}
		}
		comps = append(comps, c)
	}
	return labels, comps
}

// TestDarkerThanLocal checks the sliding window sums against direct sums
// over each pixel's clipped 31×31 window, on images smaller and larger
// than the window, and tall enough to be cut in bands.
func TestDarkerThanLocal(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // four bands of rows, whatever the machine
	for _, size := range []image.Point{{5, 3}, {20, 50}, {31, 40}, {32, 40}, {90, 70}, {30, 1100}} {
		rng := rand.New(rand.NewPCG(uint64(size.X), 1))
		// a stride wider than the image, as views of a JPEG's Y plane have
		g := &image.Gray{Pix: make([]uint8, (size.X+3)*size.Y), Stride: size.X + 3, Rect: image.Rectangle{Max: size}}
		for i := range g.Pix {
			g.Pix[i] = uint8(rng.IntN(256))
		}
		got := darkerThanLocal(g, 85, 12)
		marked := 0
		for y := range size.Y {
			for x := range size.X {
				var s, n uint32
				for wy := max(0, y-15); wy < min(size.Y, y+16); wy++ {
					for wx := max(0, x-15); wx < min(size.X, x+16); wx++ {
						s += uint32(g.Pix[wy*g.Stride+wx])
						n++
					}
				}
				v := uint32(g.Pix[y*g.Stride+x])
				want := v*n*100 < s*85 && (v+12)*n < s
				if (got.pix[y*size.X+x] == 1) != want {
					t.Fatalf("%v: pixel (%d,%d) marked %v, want %v", size, x, y, !want, want)
				}
				if want {
					marked++
				}
			}
		}
		if marked == 0 {
			t.Fatalf("%v: no pixel marked: the test image proves nothing", size)
		}
	}
}
