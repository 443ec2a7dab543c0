package degrade

import (
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// A4 in millimetres: French administrations scan everything on A4 glass.
const a4W, a4H = 210.0, 297.0

func scanJPEGs(pages []image.Image, seed int64) ([][]byte, error) {
	if len(pages) == 0 {
		return nil, errors.New("degrade: no pages to scan")
	}
	r := newRand(seed)
	out := make([][]byte, len(pages))
	for i, p := range pages {
		jpg, err := scanPage(r, p)
		if err != nil {
			return nil, fmt.Errorf("degrade: scan page %d: %w", i+1, err)
		}
		out[i] = jpg
	}
	return out, nil
}

// scanPage produces the JPEG a multifunction printer would store: a slightly
// skewed page on grey-ish paper, a touch soft, with sensor grain and dust,
// sometimes in greyscale mode.
func scanPage(r *rand.Rand, page image.Image) ([]byte, error) {
	src, err := opaqueRGBA(page)
	if err != nil {
		return nil, err
	}
	dpi := uniform(r, 200, 300)
	quad, w, h := scanLayout(r, src.Rect.Dx(), src.Rect.Dy(), dpi)
	src, toPage, scale, err := pageMapping(src, quad)
	if err != nil {
		return nil, err
	}
	paper := float32(uniform(r, 0.9, 0.95))
	lid := uniform(r, 205, 235)
	falloff := uniform(r, -0.03, 0.03)
	sc := &scene{
		w: w, h: h, page: src, toPage: toPage, scale: scale,
		paper: [3]float32{paper, paper, paper},
		gain:  [3]float32{1, 1, 1},
		flare: float32(uniform(r, 10, 25)),
		bg: newField(w, h, 64, 3, func(_, _ float64, out []float32) {
			out[0], out[1], out[2] = float32(lid), float32(lid), float32(lid)
		}),
		// The lamp is a bar moving down the page; its intensity varies
		// slightly across the bar, i.e. along x.
		light: newField(w, h, 64, 1, func(x, _ float64, out []float32) {
			out[0] = float32(1 + falloff*(x/float64(w)-0.5))
		}),
	}
	img := sc.render()
	gaussianBlur(img, uniform(r, 0.4, 0.7))
	noiseModel{read: 1.5, shot: 0.08}.apply(img, r)
	dust(r, img)
	quality := 75 + r.IntN(11)
	if r.Float64() < 0.3 {
		return encodeJPEG(toGray(img), quality)
	}
	return encodeJPEG(img, quality)
}

// scanLayout returns the page corners on the scanner glass at dpi. An
// A4-shaped page fills the glass; anything else (an ID card, a payslip
// stub) is assumed rendered at 300 dpi and laid near the corner, as people
// do. Either way it ends up a little skewed and shifted.
func scanLayout(r *rand.Rand, pw, ph int, dpi float64) ([4]point, int, int) {
	bw, bh := a4W/25.4*dpi, a4H/25.4*dpi
	fw, fh := float64(pw), float64(ph)
	a4Like := math.Abs(math.Max(fw, fh)/math.Min(fw, fh)/(a4H/a4W)-1) < 0.06
	if a4Like && pw > ph { // a landscape sheet: the glass image is landscape too
		bw, bh = bh, bw
	}
	var cx, cy, s float64
	if a4Like {
		s, cx, cy = bw/fw, bw/2, bh/2
	} else {
		s = math.Min(dpi/300, 0.95*math.Min(bw/fw, bh/fh))
		mm := dpi / 25.4
		cx, cy = uniform(r, 3, 12)*mm+fw*s/2, uniform(r, 3, 12)*mm+fh*s/2
	}
	cx += signed(r, 0, 1.5) * dpi / 25.4
	cy += signed(r, 0, 1.5) * dpi / 25.4
	q := [4]point{{-fw / 2, -fh / 2}, {fw / 2, -fh / 2}, {fw / 2, fh / 2}, {-fw / 2, fh / 2}}
	q = rotate(q, signed(r, 0.3, 1.5)*math.Pi/180)
	for i, p := range q {
		q[i] = point{cx + p.X*s, cy + p.Y*s}
	}
	return q, int(math.Round(bw)), int(math.Round(bh))
}

// dust sprinkles the small dark specks that glass dirt and paper fibres
// leave on every real scan.
func dust(r *rand.Rand, img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for range 40 + r.IntN(200) {
		cx, cy := uniform(r, 0, float64(w)), uniform(r, 0, float64(h))
		rad := uniform(r, 0.5, 1.8)
		v := uint8(uniform(r, 20, 140))
		for y := max(0, int(cy-rad)); y <= min(h-1, int(cy+rad)); y++ {
			for x := max(0, int(cx-rad)); x <= min(w-1, int(cx+rad)); x++ {
				if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) > rad {
					continue
				}
				p := img.Pix[y*img.Stride+x*4:][:3]
				p[0], p[1], p[2] = min(p[0], v), min(p[1], v), min(p[2], v)
			}
		}
	}
}

// toGray applies Rec. 601 luma weights, the ones JPEG itself uses.
func toGray(img *image.RGBA) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		src, dst := img.Pix[y*img.Stride:][:w*4], g.Pix[y*g.Stride:][:w]
		for x := range dst {
			p := src[x*4:]
			dst[x] = uint8((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
		}
	}
	return g
}
