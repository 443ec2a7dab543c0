package preprocess

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// TestSharpen compares Sharpen's running sums with the unsharp mask
// computed pixel by pixel, on sizes around the box's width, where its
// clipping at the edges matters, and on an image not at the origin.
func TestSharpen(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, 1, 1), image.Rect(0, 0, 3, 20), image.Rect(0, 0, 9, 9),
		image.Rect(0, 0, 10, 4), image.Rect(0, 0, 40, 31), image.Rect(5, 7, 30, 25),
	} {
		g := image.NewGray(r)
		for i := range g.Pix {
			g.Pix[i] = uint8(rng.IntN(256))
		}
		got := Sharpen(g)
		if got.Rect != r {
			t.Fatalf("%v: Sharpen returned %v", r, got.Rect)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				sum, n := 0, 0
				for yy := max(y-sharpenRadius, r.Min.Y); yy <= min(y+sharpenRadius, r.Max.Y-1); yy++ {
					for xx := max(x-sharpenRadius, r.Min.X); xx <= min(x+sharpenRadius, r.Max.X-1); xx++ {
						sum += int(g.GrayAt(xx, yy).Y)
						n++
					}
				}
				v := float64(g.GrayAt(x, y).Y)
				want := uint8(min(255, max(0, v+sharpenAmount*(v-float64(sum)/float64(n))+0.5)))
				if got := got.GrayAt(x, y).Y; got != want {
					t.Fatalf("%v: pixel (%d,%d) = %d, want %d", r, x, y, got, want)
				}
			}
		}
	}
}

// TestSharpenSteepens: across a blurred edge between paper and ink,
// sharpening darkens the ink side and lightens the paper side, and leaves
// flat paper alone.
func TestSharpenSteepens(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 40, 10))
	for y := range 10 {
		for x := range 40 {
			g.SetGray(x, y, color.Gray{uint8(min(220, max(40, 40+(x-15)*18)))}) // ink, a 10 px ramp, paper
		}
	}
	s := Sharpen(g)
	for _, c := range []struct {
		x    int
		want string
	}{{17, "darker"}, {23, "lighter"}, {2, "same"}, {37, "same"}} {
		before, after := g.GrayAt(c.x, 5).Y, s.GrayAt(c.x, 5).Y
		ok := map[string]bool{"darker": after < before, "lighter": after > before, "same": after == before}[c.want]
		if !ok {
			t.Errorf("x=%d: %d → %d, want %s", c.x, before, after, c.want)
		}
	}
}
