package preprocess

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"math"
	"testing"
)

// goXHeight is the Go Regular x-height per em (1062/2048 units).
const goXHeight = 0.519

func prepared(t *testing.T, img image.Image) Result {
	t.Helper()
	res, err := Prepare(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// rotatePage turns a page's content by deg clockwise within a canvas of the
// same size (white corners), like a slightly crooked scan.
func rotatePage(g *image.Gray, deg float64) *image.Gray {
	w, h := float64(g.Rect.Dx()), float64(g.Rect.Dy())
	return warp(g, aboutCentres(w, h, w, h, -deg), g.Rect.Dx(), g.Rect.Dy())
}

func TestCrop(t *testing.T) {
	page, _ := pageText(t, 900, 1200, 20)
	tests := []struct {
		name     string
		img      image.Image
		crop     bool
		pageW    float64 // expected page width (px) in the input, before Scale
		pageAsp  float64 // expected width/height of the output
		maxError float64
	}{
		{"photo on wooden table", viaJPEG(t, photograph(page, table(1400, 1100, 1), rotatedQuad(700, 550, 660, 880, 6, 0.05)), 85), true, 660, 0.75, 0.06},
		{"photo, straight", photograph(page, table(1200, 1000, 2), rotatedQuad(600, 500, 600, 800, 0, 0)), true, 600, 0.75, 0.03},
		{"clean scan", page, false, 900, 0.75, 0.01},
		{"no page at all", table(800, 600, 3), false, 800, 800.0 / 600, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := prepared(t, tt.img)
			if res.Cropped != tt.crop {
				t.Fatalf("Cropped = %v, want %v", res.Cropped, tt.crop)
			}
			w, h := float64(res.Image.Rect.Dx()), float64(res.Image.Rect.Dy())
			if asp := w / h; math.Abs(asp-tt.pageAsp) > tt.maxError*tt.pageAsp {
				t.Errorf("aspect %.3f, want %.3f", asp, tt.pageAsp)
			}
			if pw := w / res.Scale; math.Abs(pw-tt.pageW) > tt.maxError*tt.pageW {
				t.Errorf("page width %.0f (out %.0f / scale %.2f), want %.0f", pw, w, res.Scale, tt.pageW)
			}
		})
	}
}

// TestCropShadow: a shadow band over the top of the photo makes the shaded
// paper as dark as the lit table, so a global threshold takes it for
// background and the crop used to lose the top third of the page (header,
// reference numbers, title). The whole page must be kept.
func TestCropShadow(t *testing.T) {
	page, _ := pageText(t, 900, 1200, 20)
	for _, tt := range []struct {
		name               string
		y0, slope, depth   float64
		quadDeg, quadPersp float64
	}{
		{"band over the top third", 380, 0.05, 0.65, 3, 0.04},
		{"diagonal shadow", 700, -0.4, 0.6, -5, 0},
		{"deep soft shadow", 450, 0.1, 0.65, 0, 0.06},
	} {
		t.Run(tt.name, func(t *testing.T) {
			photo := photograph(page, table(1400, 1100, 4), rotatedQuad(700, 560, 660, 880, tt.quadDeg, tt.quadPersp))
			img := viaJPEG(t, shadow(photo, tt.y0, tt.slope, tt.depth, 80), 85)
			res := prepared(t, img)
			if !res.Cropped {
				t.Fatal("not cropped")
			}
			w, h := float64(res.Image.Rect.Dx()), float64(res.Image.Rect.Dy())
			if asp := w / h; math.Abs(asp-0.75) > 0.06*0.75 {
				t.Errorf("aspect %.3f, want 0.75: part of the page is missing", asp)
			}
			if ph := h / res.Scale; math.Abs(ph-880) > 0.06*880 {
				t.Errorf("page height %.0f, want 880", ph)
			}
		})
	}
}

// TestSafetyNet: quads that lose part of a page are refused.
func TestSafetyNet(t *testing.T) {
	page, _ := pageText(t, 900, 1200, 20)
	whole := rotatedQuad(700, 560, 660, 880, 0, 0)
	small := toGray(photograph(page, table(1400, 1100, 5), whole))
	lower := whole // the lit lower two thirds only: 660×587, too square
	lower[0].y, lower[1].y = whole[0].y+880/3, whole[1].y+880/3
	if textOutside(small, whole) {
		t.Error("whole page: text reported outside")
	}
	if !textOutside(small, lower) {
		t.Error("lower part of the page: text outside not noticed")
	}
	if !documentShaped(whole) || documentShaped(lower) {
		t.Errorf("documentShaped: whole %v, lower %v", documentShaped(whole), documentShaped(lower))
	}
}

// uprightMargin reports the turn margin of an image: > 0 when its text lines are horizontal.
func uprightMargin(g *image.Gray) float64 {
	small := boxDown(g, max(1, max(g.Rect.Dx(), g.Rect.Dy())/workLong))
	ink, _ := glyphs(binarize(small))
	return findOrientation(ink).margin
}

func TestQuarterTurn(t *testing.T) {
	page, _ := pageText(t, 850, 1100, 22)
	tests := []struct {
		name  string
		img   image.Image
		turns []int
	}{
		{"upright", page, []int{0}},
		{"scan turned 90", rotateBy(page, 90), []int{90}},
		{"scan turned 270", rotateBy(page, 270), []int{90}},
		{"photo turned 93", viaJPEG(t, photograph(page, table(1300, 1000, 4), rotatedQuad(650, 500, 640, 830, 93, 0.04)), 85), []int{90}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := prepared(t, tt.img)
			if res.Turned != tt.turns[0] {
				t.Errorf("Turned = %d, want %d", res.Turned, tt.turns[0])
			}
			if m := uprightMargin(res.Image); m < turnMargin {
				t.Errorf("output not upright: rows-vs-columns gap margin %.2f", m)
			}
		})
	}
}

// rotateBy turns a gray image by a multiple of 90° clockwise.
func rotateBy(g *image.Gray, deg int) *image.Gray {
	for ; deg > 0; deg -= 90 {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		r := image.NewGray(image.Rect(0, 0, h, w))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r.Pix[x*r.Stride+h-1-y] = g.Pix[y*g.Stride+x]
			}
		}
		g = r
	}
	return g
}

func TestSkew(t *testing.T) {
	page, _ := pageText(t, 1000, 1300, 24)
	for _, deg := range []float64{3, -2, 7, 0.1} {
		res := prepared(t, rotatePage(page, deg))
		want := deg
		if math.Abs(deg) <= minSkew {
			want = 0 // not worth a resample
		}
		if math.Abs(res.Skew-want) > 0.5 {
			t.Errorf("rotated %.1f°: Skew = %.2f, want %.1f ± 0.5", deg, res.Skew, want)
		}
		if res.Cropped || res.Turned != 0 {
			t.Errorf("rotated %.1f°: Cropped=%v Turned=%d, want neither", deg, res.Cropped, res.Turned)
		}
	}
}

func TestScale(t *testing.T) {
	for _, em := range []float64{20, 46, 90} {
		page, _ := pageText(t, 1400, 1900, em)
		res := prepared(t, page)
		// x-height of the output from the font's metrics, not our estimator
		xh := goXHeight * em * res.Scale
		if xh < minXHeight-3 || xh > maxXHeight+3 {
			t.Errorf("em %.0f px: Scale %.2f puts x-height at %.1f px, want %d..%d", em, res.Scale, xh, minXHeight, maxXHeight)
		}
		if w := float64(res.Image.Rect.Dx()); math.Abs(w-1400*res.Scale) > 2 {
			t.Errorf("em %.0f px: output width %.0f, want %.0f", em, w, 1400*res.Scale)
		}
	}
}

func TestQuality(t *testing.T) {
	page, _ := pageText(t, 900, 1200, 20)
	photo := photograph(page, table(1400, 1100, 5), rotatedQuad(700, 550, 700, 930, 3, 0.04))
	sharp := toGray(photo)
	tests := []struct {
		name                    string
		img                     image.Image
		blurry, tooBlurry, dark bool
		minC, maxC              float64
	}{
		{"sharp", viaJPEG(t, photo, 85), false, false, false, 80, 255},
		// σ 2 px here ≈ σ 6 px on a 12 MP photo of the same page
		{"blurred", blurGray(sharp, 2), true, true, false, 0, 255},
		{"dim but readable", viaJPEG(t, darken(photo, 0.5), 85), false, false, false, 40, 255},
		{"dark", viaJPEG(t, darken(photo, 0.15), 85), false, false, true, 0, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := prepared(t, tt.img).Quality
			if q.Blurry() != tt.blurry || q.TooBlurry() != tt.tooBlurry || q.Dark() != tt.dark {
				t.Errorf("%+v: Blurry=%v TooBlurry=%v Dark=%v, want %v %v %v", q, q.Blurry(), q.TooBlurry(), q.Dark(), tt.blurry, tt.tooBlurry, tt.dark)
			}
			if q.Contrast < tt.minC || q.Contrast > tt.maxC {
				t.Errorf("Contrast %.0f, want %.0f..%.0f", q.Contrast, tt.minC, tt.maxC)
			}
			// A dark photo shows no ink either: the pipeline asks Dark first.
			if q.Blank() && !tt.dark {
				t.Errorf("%+v: a page with text is Blank", q)
			}
		})
	}
	blankPage := image.NewGray(page.Bounds())
	for i := range blankPage.Pix {
		blankPage.Pix[i] = 245
	}
	blank := photograph(blankPage, table(1400, 1100, 5), rotatedQuad(700, 550, 700, 930, 3, 0.04))
	if q := prepared(t, viaJPEG(t, blank, 85)).Quality; !q.Blank() {
		t.Errorf("%+v: a photographed blank sheet is not Blank", q)
	}
	// A shadow across the sheet is darker than the paper, but no darker
	// than its surroundings: no ink.
	if q := prepared(t, viaJPEG(t, shadow(blank, 500, 0.2, 0.5, 150), 85)).Quality; !q.Blank() {
		t.Errorf("%+v: a blank sheet under a shadow is not Blank", q)
	}
}

// TestInkAwayFromEdges: a sliver of the table the crop left along the
// sides is no ink; a few strokes in the middle are.
func TestInkAwayFromEdges(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 700, 1000))
	for y := range 1000 {
		for x := range 700 {
			g.Pix[y*g.Stride+x] = 235
			if x < 6 || x >= 694 {
				g.Pix[y*g.Stride+x] = 90
			}
		}
	}
	if q := measure(g, binarize(g)); !q.Blank() {
		t.Errorf("%+v: a blank page with dark edges is not Blank", q)
	}
	for i := range 40 { // strokes of a short word or two
		x0, y0 := 200+(i%10)*30, 400+(i/10)*40
		for y := y0; y < y0+12; y++ {
			for x := x0; x < x0+3; x++ {
				g.Pix[y*g.Stride+x] = 60
			}
		}
	}
	if q := measure(g, binarize(g)); q.Blank() {
		t.Errorf("%+v: a page with a few strokes is Blank", q)
	}
}

func TestHomography(t *testing.T) {
	from := [4]point{{0, 0}, {100, 0}, {100, 140}, {0, 140}}
	to := [4]point{{12.5, 30}, {410, 5}, {455, 620}, {-3, 580}}
	m, ok := homography(from, to)
	if !ok {
		t.Fatal("solver failed")
	}
	for i := range from {
		if p := m.apply(from[i]); dist(p, to[i]) > 1e-9 {
			t.Errorf("corner %d maps to %v, want %v", i, p, to[i])
		}
	}
	// composition: m∘m⁻¹ is the identity on an interior point
	inv, _ := homography(to, from)
	if p := m.mul(inv).apply(point{200, 300}); dist(p, point{200, 300}) > 1e-9 {
		t.Errorf("m∘m⁻¹ moved a point to %v", p)
	}
	if _, ok := homography(from, [4]point{{0, 0}, {0, 0}, {0, 0}, {0, 0}}); ok {
		t.Error("degenerate quad accepted")
	}
}

// TestScaleAxes checks that the fast path for scalings gives the general
// warp's samples to the bit, rims and off-page areas included.
func TestScaleAxes(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 97, 61))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7919 % 251)
	}
	for _, c := range []struct {
		m    mat3
		w, h int
	}{
		{scaling(1 / 1.485), 144, 91},
		{scaling(2.5), 39, 24},
		{scaling(0.4), 243, 153},
		{translation(-7.25, 3.5).mul(scaling(0.8)), 140, 90}, // beyond every edge
		{translation(3.3, -2.1).mul(scaling(0.9)), 60, 50},
	} {
		want := image.NewGray(image.Rect(0, 0, c.w, c.h))
		warpRows(want, src, c.m)
		got := image.NewGray(want.Rect)
		scaleAxes(got, src, c.m)
		if i := bytesDiffer(got.Pix, want.Pix); i >= 0 {
			t.Errorf("m %v: pixel (%d,%d) is %d, want %d", c.m, i%c.w, i/c.w, got.Pix[i], want.Pix[i])
		}
	}
}

// bytesDiffer returns the first index where a and b differ, or -1.
func bytesDiffer(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	page, _ := pageText(t, 300, 400, 14)
	if _, err := Prepare(ctx, page); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := Prepare(context.Background(), image.NewGray(image.Rect(0, 0, 0, 0))); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty image: err = %v, want ErrEmpty", err)
	}
}

func TestTurn(t *testing.T) {
	// 1 2 3
	// 4 5 6
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(g.Pix, []uint8{1, 2, 3, 4, 5, 6})
	for _, tt := range []struct {
		deg  int
		w    int
		want []uint8
	}{
		{0, 3, []uint8{1, 2, 3, 4, 5, 6}},
		{90, 2, []uint8{4, 1, 5, 2, 6, 3}},
		{180, 3, []uint8{6, 5, 4, 3, 2, 1}},
		{270, 2, []uint8{3, 6, 2, 5, 1, 4}},
		{-90, 2, []uint8{3, 6, 2, 5, 1, 4}},
	} {
		r := Turn(g, tt.deg)
		if r.Rect.Dx() != tt.w || !bytes.Equal(r.Pix, tt.want) {
			t.Errorf("Turn(%d) = %dx%d %v, want width %d %v", tt.deg, r.Rect.Dx(), r.Rect.Dy(), r.Pix, tt.w, tt.want)
		}
	}
}

// TestTrimToText: a photographed page whose text covers a small part of it
// (a card photocopied on A4) is cut down to its text, all of it kept; a
// full page and a scan are not cut.
func TestTrimToText(t *testing.T) {
	block, _ := pageText(t, 360, 240, 14)
	card := image.NewGray(image.Rect(0, 0, 900, 1200))
	draw.Draw(card, card.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(card, image.Rect(450, 700, 810, 940), block, image.Point{}, draw.Src)
	full, _ := pageText(t, 900, 1200, 20)
	photo := func(page *image.Gray) image.Image {
		// the 900 px page is photographed 600 px wide
		return viaJPEG(t, photograph(page, table(1200, 1000, 2), rotatedQuad(600, 500, 600, 800, 0, 0)), 90)
	}
	for _, tc := range []struct {
		name    string
		page    *image.Gray
		img     image.Image
		k       float64 // input px per page px
		trimmed bool
	}{
		{"card photocopy, photographed", card, photo(card), 600.0 / 900, true},
		{"full page, photographed", full, photo(full), 600.0 / 900, false},
		{"card photocopy, scanned", card, card, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := prepared(t, tc.img)
			out := res.Image.Rect.Size()
			k := tc.k * res.Scale // output px per page px
			share := float64(out.X*out.Y) / (k * k * 900 * 1200)
			if trimmed := share < 0.9; trimmed != tc.trimmed {
				t.Fatalf("output %v at scale %.2f is %.0f %% of the page: trimmed %v, want %v", out, res.Scale, 100*share, trimmed, tc.trimmed)
			}
			// Every line of text is kept: as much ink as the page holds.
			if got, want := ink(res.Image), ink(tc.page)*k*k; math.Abs(got-want) > 0.25*want {
				t.Errorf("ink %.0f px, want about %.0f (the page's)", got, want)
			}
		})
	}
}

// ink counts the dark pixels of g.
func ink(g *image.Gray) float64 {
	n := 0
	for _, v := range g.Pix {
		if v < 128 {
			n++
		}
	}
	return float64(n)
}
