package preprocess

import (
	"image"
	"testing"
)

func TestFlatten(t *testing.T) {
	// Paper lit from 240 on the right down to 120 on the left, with ink
	// strokes (a third of the paper's level) across it.
	g := image.NewGray(image.Rect(0, 0, 600, 400))
	for y := range 400 {
		for x := range 600 {
			paper := 120 + 120*float64(x)/599
			v := paper
			if y%40 < 6 && x%30 < 20 {
				v = paper / 3
			}
			g.Pix[y*g.Stride+x] = uint8(v)
		}
	}
	flatten(g)
	left, right := g.GrayAt(25, 20).Y, g.GrayAt(575, 20).Y // paper between strokes
	if d := int(left) - int(right); d < -15 || d > 15 {
		t.Errorf("paper after flatten: %d on the shaded side, %d on the lit side; want within 15", left, right)
	}
	if ink := g.GrayAt(10, 2).Y; ink > 120 {
		t.Errorf("shaded ink after flatten = %d, want it to stay dark (≤ 120)", ink)
	}

	even := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range even.Pix {
		even.Pix[i] = 230
	}
	even.Pix[0] = 10
	flatten(even)
	if even.Pix[0] != 10 || even.Pix[500] != 230 {
		t.Errorf("evenly lit page was changed: %d, %d", even.Pix[0], even.Pix[500])
	}
}
