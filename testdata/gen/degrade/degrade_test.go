package degrade

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// testPage draws an A4 page at dpi: a black header band over the top 10 %
// (to read orientation back), a blank middle, and lines of "words" in the
// lower part (to give the blur test edges to measure).
func testPage(dpi float64) *image.RGBA {
	w, h := int(a4W/25.4*dpi), int(a4H/25.4*dpi)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, w, h/10), image.Black, image.Point{}, draw.Src)
	r := rand.New(rand.NewPCG(1, 2))
	line := max(3, int(dpi/12))
	for y := h * 60 / 100; y < h*95/100; y += 2 * line {
		for x := w / 10; x < w*9/10; {
			word := line * (2 + r.IntN(6))
			draw.Draw(img, image.Rect(x, y, min(x+word, w*9/10), y+line), image.Black, image.Point{}, draw.Src)
			x += word + line
		}
	}
	return img
}

func decode(t *testing.T, jpg []byte) *image.RGBA {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatalf("decode JPEG: %v", err)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

func luma(c color.RGBA) float64 {
	return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B)
}

// meanLuma averages over pixels selected by keep.
func meanLuma(img *image.RGBA, keep func(x, y int) bool) float64 {
	sum, n := 0.0, 0
	for y := 0; y < img.Rect.Dy(); y += 2 {
		for x := 0; x < img.Rect.Dx(); x += 2 {
			if keep(x, y) {
				sum += luma(img.RGBAAt(x, y))
				n++
			}
		}
	}
	return sum / float64(max(n, 1))
}

// insideQuad tests a convex quad, shrunk towards its centre by frac so that
// the antialiased border and blur do not leak into either class.
func insideQuad(q [4]point, frac float64, x, y int) bool {
	var c point
	for _, p := range q {
		c.X, c.Y = c.X+p.X/4, c.Y+p.Y/4
	}
	sign := 0.0
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		a = point{c.X + (a.X-c.X)*frac, c.Y + (a.Y-c.Y)*frac}
		b = point{c.X + (b.X-c.X)*frac, c.Y + (b.Y-c.Y)*frac}
		cross := (b.X-a.X)*(float64(y)+0.5-a.Y) - (b.Y-a.Y)*(float64(x)+0.5-a.X)
		if sign == 0 {
			sign = cross
		} else if sign*cross < 0 {
			return false
		}
	}
	return true
}

// onPage maps fractional page coordinates to the output using the quad
// bilinearly; the perspective here is mild enough for a probe window.
func onPage(q [4]point, s, t float64) point {
	top := point{q[0].X + (q[1].X-q[0].X)*s, q[0].Y + (q[1].Y-q[0].Y)*s}
	bot := point{q[3].X + (q[2].X-q[3].X)*s, q[3].Y + (q[2].Y-q[3].Y)*s}
	return point{top.X + (bot.X-top.X)*t, top.Y + (bot.Y-top.Y)*t}
}

func windowLuma(img *image.RGBA, p point, r int) float64 {
	return meanLuma(img, func(x, y int) bool {
		return math.Abs(float64(x)-p.X) <= float64(r) && math.Abs(float64(y)-p.Y) <= float64(r)
	})
}

// readOrientation parses the JPEG marker stream and the TIFF structure
// independently of the writer, honouring either byte order.
func readOrientation(jpg []byte) (int, error) {
	if len(jpg) < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return 0, errors.New("no SOI")
	}
	for i := 2; i+4 <= len(jpg) && jpg[i] == 0xFF && jpg[i+1] != 0xDA; {
		n := int(binary.BigEndian.Uint16(jpg[i+2:]))
		seg := jpg[i+4 : i+2+n]
		if jpg[i+1] == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 0, errors.New("no Exif APP1 segment")
}

func tiffOrientation(t []byte) (int, error) {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, errors.New("bad TIFF byte order")
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0, errors.New("bad TIFF magic")
	}
	ifd := int(bo.Uint32(t[4:]))
	for e := range int(bo.Uint16(t[ifd:])) {
		ent := t[ifd+2+12*e:]
		if bo.Uint16(ent) == 0x0112 && bo.Uint16(ent[2:]) == 3 && bo.Uint32(ent[4:]) == 1 {
			return int(bo.Uint16(ent[8:])), nil
		}
	}
	return 0, errors.New("no Orientation tag")
}

func TestHomographyMapsCorners(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		var src, dst [4]point
		w, h := uniform(r, 10, 5000), uniform(r, 10, 5000)
		src = [4]point{{0, 0}, {w, 0}, {w, h}, {0, h}}
		for i := range dst {
			// Corners of a convex quad: jitter around a rectangle.
			dst[i] = point{src[i].X*0.7 + uniform(r, -0.1, 0.1)*w + 500, src[i].Y*0.7 + uniform(r, -0.1, 0.1)*h + 300}
		}
		hm, err := solveHomography(src, dst)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := hm.inverse()
		if err != nil {
			t.Fatal(err)
		}
		for i := range src {
			p, back := hm.apply(src[i]), inv.apply(dst[i])
			if math.Hypot(p.X-dst[i].X, p.Y-dst[i].Y) > 1e-6 || math.Hypot(back.X-src[i].X, back.Y-src[i].Y) > 1e-6 {
				t.Fatalf("corner %d: %v→%v (want %v), back %v", i, src[i], p, dst[i], back)
			}
		}
	}
}

func TestHomographyRejectsCollinear(t *testing.T) {
	src := [4]point{{0, 0}, {1, 0}, {2, 0}, {0, 1}}
	if _, err := solveHomography(src, src); err == nil {
		t.Fatal("collinear corners accepted")
	}
}

func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		mp   float64
		w, h int
	}{{0, 4000, 3000}, {12, 4000, 3000}, {5, 2592, 1944}, {8, 3264, 2448}} {
		if w, h := frameSize(c.mp); w != c.w || h != c.h {
			t.Errorf("frameSize(%v) = %d×%d, want %d×%d", c.mp, w, h, c.w, c.h)
		}
	}
}

// The stored pixels show the page turned clockwise by Rotate; with
// EXIFRotate, the tag turns it back upright, as a phone's photo.
func TestPhotoSizeAndOrientation(t *testing.T) {
	page := testPage(100)
	up := map[int]point{0: {0, -1}, 90: {1, 0}, 180: {0, 1}, 270: {-1, 0}}
	for _, rot := range []int{0, 90, 180, 270} {
		for _, exif := range []bool{false, true} {
			t.Run(fmt.Sprintf("rot%d_exif%v", rot, exif), func(t *testing.T) {
				o := PhotoOptions{Rotate: rot, EXIFRotate: exif, Megapixels: 2, Seed: int64(rot) + 3}
				jpg, geo, err := photo(page, o)
				if err != nil {
					t.Fatal(err)
				}
				img := decode(t, jpg)
				w, h := 1224, 1632 // portrait page → portrait frame
				if rot == 90 || rot == 270 {
					w, h = h, w
				}
				if abs(img.Rect.Dx()-w) > 1 || abs(img.Rect.Dy()-h) > 1 {
					t.Fatalf("size %v, want %d×%d", img.Rect.Size(), w, h)
				}
				checkOrientationTag(t, jpg, exif, rot)
				checkHeader(t, img, geo.quad, up[rot])
			})
		}
	}
}

func checkOrientationTag(t *testing.T, jpg []byte, exif bool, rot int) {
	t.Helper()
	got, err := readOrientation(jpg)
	if !exif {
		if err == nil {
			t.Fatalf("unexpected Orientation %d without EXIFRotate", got)
		}
		return
	}
	want := map[int]int{0: 1, 90: 8, 180: 3, 270: 6}[rot] // the turn back to upright
	if err != nil || got != want {
		t.Fatalf("Orientation = %d (%v), want %d", got, err, want)
	}
}

// checkHeader verifies that the page's black header band is dark in the
// pixels, its blank middle bright, and that the header lies in direction up
// from the page centre.
func checkHeader(t *testing.T, img *image.RGBA, q [4]point, up point) {
	t.Helper()
	head, mid := onPage(q, 0.5, 0.05), onPage(q, 0.5, 0.35)
	if l := windowLuma(img, head, 6); l > 90 {
		t.Errorf("header luma %.0f, want dark", l)
	}
	if l := windowLuma(img, mid, 6); l < 120 {
		t.Errorf("page middle luma %.0f, want bright", l)
	}
	d := point{head.X - mid.X, head.Y - mid.Y}
	if cos := (d.X*up.X + d.Y*up.Y) / math.Hypot(d.X, d.Y); cos < 0.9 {
		t.Errorf("page top points along %v, want %v", d, up)
	}
}

func abs(x int) int { return max(x, -x) }

func TestPhotoPageBrighterThanBackground(t *testing.T) {
	page := testPage(100)
	for seed := range int64(12) {
		jpg, geo, err := photo(page, PhotoOptions{Megapixels: 2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, jpg)
		in := meanLuma(img, func(x, y int) bool { return insideQuad(geo.quad, 0.95, x, y) })
		out := meanLuma(img, func(x, y int) bool { return !insideQuad(geo.quad, 1.05, x, y) })
		if in < out+20 {
			t.Errorf("seed %d: page luma %.0f not clearly above background %.0f", seed, in, out)
		}
		if area := quadArea(geo.quad) / float64(geo.w*geo.h); area < 0.3 || area > 0.85 {
			t.Errorf("seed %d: page covers %.0f %% of the frame", seed, 100*area)
		}
	}
}

func TestPhotoDark(t *testing.T) {
	page := testPage(100)
	all := func(int, int) bool { return true }
	for seed := range int64(4) {
		o := PhotoOptions{Megapixels: 2, Seed: seed}
		normal, _ := Photo(page, o)
		o.Dark = true
		dark, err := Photo(page, o)
		if err != nil {
			t.Fatal(err)
		}
		ln, ld := meanLuma(decode(t, normal), all), meanLuma(decode(t, dark), all)
		if ld > 25 || ln < 80 {
			t.Errorf("seed %d: dark mean luma %.1f, normal %.1f", seed, ld, ln)
		}
	}
}

// laplacianVariance is the classic focus measure: sharp edges produce
// large second derivatives.
func laplacianVariance(img *image.RGBA, keep func(x, y int) bool) float64 {
	var sum, sq, n float64
	l := func(x, y int) float64 { return luma(img.RGBAAt(x, y)) }
	for y := 1; y < img.Rect.Dy()-1; y++ {
		for x := 1; x < img.Rect.Dx()-1; x++ {
			if !keep(x, y) {
				continue
			}
			v := 4*l(x, y) - l(x-1, y) - l(x+1, y) - l(x, y-1) - l(x, y+1)
			sum, sq, n = sum+v, sq+v*v, n+1
		}
	}
	m := sum / n
	return sq/n - m*m
}

func TestPhotoBlurLowersLaplacianVariance(t *testing.T) {
	page := testPage(150)
	var prev float64
	for i, blur := range []float64{0, 2, 6} {
		jpg, geo, err := photo(page, PhotoOptions{Megapixels: 2, Seed: 5, Blur: blur})
		if err != nil {
			t.Fatal(err)
		}
		v := laplacianVariance(decode(t, jpg), func(x, y int) bool { return insideQuad(geo.quad, 0.9, x, y) })
		t.Logf("blur %v: variance of Laplacian %.1f", blur, v)
		if i > 0 && v > prev/2 {
			t.Errorf("blur %v: variance %.1f not well below %.1f", blur, v, prev)
		}
		prev = v
	}
}

func TestPhotoDeterministicAndValidated(t *testing.T) {
	page := testPage(50)
	a, _ := Photo(page, PhotoOptions{Megapixels: 0.5, Seed: 9})
	b, _ := Photo(page, PhotoOptions{Megapixels: 0.5, Seed: 9})
	c, _ := Photo(page, PhotoOptions{Megapixels: 0.5, Seed: 10})
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Error("same seed must give the same bytes, another seed other bytes")
	}
	for _, o := range []PhotoOptions{{Rotate: 45}, {Blur: -1}, {Megapixels: -3}} {
		if _, err := Photo(page, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := Photo(image.NewRGBA(image.Rect(0, 0, 0, 0)), PhotoOptions{}); err == nil {
		t.Error("empty page accepted")
	}
}

// A landscape ID card must give a landscape frame.
func TestPhotoLandscapeCard(t *testing.T) {
	card := image.NewRGBA(image.Rect(0, 0, 1011, 638))
	draw.Draw(card, card.Rect, image.NewUniform(color.RGBA{200, 210, 230, 255}), image.Point{}, draw.Src)
	img := decode(t, must(Photo(card, PhotoOptions{Megapixels: 2, Seed: 1})))
	if img.Rect.Dx() != 1632 || img.Rect.Dy() != 1224 {
		t.Fatalf("card photo is %v, want 1632×1224", img.Rect.Size())
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestScanPDF(t *testing.T) {
	card := image.NewRGBA(image.Rect(0, 0, 1011, 638))
	draw.Draw(card, card.Rect, image.NewUniform(color.RGBA{180, 200, 230, 255}), image.Point{}, draw.Src)
	pages := []image.Image{testPage(150), card}
	const seed = 42
	want, err := scanJPEGs(pages, seed)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := Scan(pages, seed)
	if err != nil {
		t.Fatal(err)
	}
	n, err := api.PageCount(bytes.NewReader(pdf), nil)
	if err != nil || n != len(pages) {
		t.Fatalf("page count %d (%v), want %d", n, err, len(pages))
	}
	got, err := api.ExtractImagesRaw(bytes.NewReader(pdf), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range got {
		if len(m) != 1 {
			t.Fatalf("page %d has %d images", i+1, len(m))
		}
		for _, im := range m {
			b := new(bytes.Buffer)
			if _, err := b.ReadFrom(im); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want[i]) {
				t.Errorf("page %d: embedded image differs from the scanner JPEG", i+1)
			}
			checkScanPage(t, i, decode(t, b.Bytes()))
		}
	}
}

// checkScanPage expects portrait A4 proportions at 200–300 dpi and a light
// page (the card lies on the portrait glass).
func checkScanPage(t *testing.T, i int, img *image.RGBA) {
	t.Helper()
	w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	dpi := w / (a4W / 25.4)
	if dpi < 199 || dpi > 301 || math.Abs(h/w-a4H/a4W) > 0.01 {
		t.Errorf("page %d: %v×%v is not A4 at 200–300 dpi", i+1, w, h)
	}
	if m := meanLuma(img, func(int, int) bool { return true }); m < 150 || m > 250 {
		t.Errorf("page %d: mean luma %.0f", i+1, m)
	}
}

func TestScanRejectsNoPages(t *testing.T) {
	if _, err := Scan(nil, 1); err == nil {
		t.Fatal("empty scan accepted")
	}
}

// TestPhoto12MPTiming renders the real size once; it is the guard on the
// < 3 s per photo budget (generous factor for loaded CI machines).
func TestPhoto12MPTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("12 MP render")
	}
	page := testPage(300)
	start := time.Now()
	jpg, err := Photo(page, PhotoOptions{Seed: 1, Rotate: 90})
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("12 MP photo in %v, %d KiB", d, len(jpg)/1024)
	if d > 10*time.Second {
		t.Errorf("12 MP photo took %v", d)
	}
}

// TestPreview writes downscaled PNGs for eyeballing when DEGRADE_PREVIEW
// names a directory.
func TestPreview(t *testing.T) {
	dir := os.Getenv("DEGRADE_PREVIEW")
	if dir == "" {
		t.Skip("set DEGRADE_PREVIEW=dir to write previews")
	}
	page := testPage(300)
	for i, o := range []PhotoOptions{{Seed: 1}, {Seed: 2, Rotate: 90}, {Seed: 3, Blur: 3}, {Seed: 4, Dark: true}, {Seed: 5}, {Seed: 6}} {
		img := decode(t, must(Photo(page, o)))
		writePNG(t, filepath.Join(dir, fmt.Sprintf("photo%d.png", i)), shrink(img, 4))
		if i == 0 {
			writePNG(t, filepath.Join(dir, "photo0_crop.png"), img.SubImage(image.Rect(1000, 1800, 2000, 2600)))
		}
	}
	jpgs, err := scanJPEGs([]image.Image{page}, 3)
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(dir, "scan0.png"), shrink(decode(t, jpgs[0]), 3))
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPhoto12MP(b *testing.B) {
	page := testPage(300)
	for i := range b.N {
		if _, err := Photo(page, PhotoOptions{Seed: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// The reduced-resolution path for strong blurs must agree with the direct
// convolution.
func TestFastBlurMatchesDirect(t *testing.T) {
	for _, sigma := range []float64{4, 6.5, 9} {
		direct, fast := testPage(60), testPage(60)
		separableBlur(direct, sigma)
		gaussianBlur(fast, sigma)
		worst := 0.0
		for i := range direct.Pix {
			worst = math.Max(worst, math.Abs(float64(direct.Pix[i])-float64(fast.Pix[i])))
		}
		t.Logf("sigma %v: max difference %.0f levels", sigma, worst)
		if worst > 8 {
			t.Errorf("sigma %v: fast blur differs by up to %.0f levels", sigma, worst)
		}
	}
}

func BenchmarkPhoto12MPBlur6(b *testing.B) {
	page := testPage(300)
	for i := range b.N {
		if _, err := Photo(page, PhotoOptions{Seed: int64(i), Blur: 6}); err != nil {
			b.Fatal(err)
		}
	}
}
