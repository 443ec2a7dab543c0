package preprocess

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Synthetic documents for the tests: French text rendered with Go fonts on a
// white page, optionally photographed onto a textured table.

var frenchLines = []string{
	"AVIS D'IMPÔT SUR LE REVENU 2025 - Déclaration des revenus 2024",
	"Numéro fiscal : 12 34 567 890 123  Référence de l'avis : 25A1234567890",
	"Madame, Monsieur, nous vous prions de trouver ci-après le détail",
	"de votre situation : revenu fiscal de référence 28 412 euros.",
	"La caisse d'allocations familiales atteste que l'allocataire perçoit",
	"une aide personnalisée au logement d'un montant mensuel de 245,30 €.",
	"Fait à Montpellier, le 14 février 2025, pour servir et valoir ce que de droit.",
	"Nombre de parts : 2,5   Impôt net avant corrections : 1 204 €",
	"Les sommes dues seront prélevées à l'échéance sur votre compte bancaire.",
	"Pour toute question, contactez votre centre des finances publiques.",
}

// pageText renders random French lines (words drawn from frenchLines, so
// columns do not align as they would with repeated sentences) on a white
// w×h page with the given font size (px per em); it returns the page and the
// text drawn.
func pageText(tb testing.TB, w, h int, emPx float64) (*image.Gray, []string) {
	tb.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		tb.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: emPx, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		tb.Fatal(err)
	}
	defer face.Close()
	page := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(page, page.Rect, image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: page, Src: image.Black, Face: face}
	words := strings.Fields(strings.Join(frenchLines, " "))
	rng := rand.New(rand.NewPCG(uint64(w), uint64(emPx)))
	margin := int(float64(w) * 0.08)
	var drawn []string
	for y := margin + int(emPx); y < h-margin; y += int(emPx * 1.6) {
		line := words[rng.IntN(len(words))]
		for {
			next := line + " " + words[rng.IntN(len(words))]
			if d.MeasureString(next).Ceil() > w-2*margin {
				break
			}
			line = next
		}
		d.Dot = fixed.P(margin, y)
		d.DrawString(line)
		drawn = append(drawn, line)
	}
	return page, drawn
}

// table returns a textured dark "wooden table" background in colour.
func table(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	bg := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		grain := 20 * math.Sin(float64(y)/7+3*math.Sin(float64(y)/53))
		for x := 0; x < w; x++ {
			n := rng.Float64()*30 + grain
			i := y*bg.Stride + 4*x
			bg.Pix[i] = clamp8(95 + n)
			bg.Pix[i+1] = clamp8(60 + n*0.7)
			bg.Pix[i+2] = clamp8(35 + n*0.4)
			bg.Pix[i+3] = 255
		}
	}
	return bg
}

func clamp8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v+0.5))) }

// photograph pastes page onto bg so that its corners land on quad (TL, TR,
// BR, BL), with a slight shading so the paper is not perfectly uniform.
func photograph(page *image.Gray, bg *image.RGBA, quad [4]point) *image.RGBA {
	pw, ph := float64(page.Rect.Dx()), float64(page.Rect.Dy())
	toPage, _ := homography(quad, [4]point{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}})
	out := image.NewRGBA(bg.Rect)
	copy(out.Pix, bg.Pix)
	w, h := bg.Rect.Dx(), bg.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := toPage.apply(point{float64(x) + .5, float64(y) + .5})
			if p.x < 0 || p.y < 0 || p.x >= pw || p.y >= ph {
				continue
			}
			v := float64(bilinear(page, math.Min(math.Max(p.x-.5, 0), pw-1), math.Min(math.Max(p.y-.5, 0), ph-1)))
			v *= 0.88 + 0.1*float64(x)/float64(w) // light from the right
			i := y*out.Stride + 4*x
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = clamp8(v), clamp8(v*0.98), clamp8(v*0.94)
		}
	}
	return out
}

// rotatedQuad is a w×h page rotated by deg (clockwise) about (cx, cy), with
// the top edge shrunk by persp (0 = no perspective) to mimic a tilted phone.
func rotatedQuad(cx, cy, w, h, deg, persp float64) [4]point {
	top := w * (1 - persp) / 2
	q := [4]point{{-top, -h / 2}, {top, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}}
	m := translation(cx, cy).mul(rotation(deg))
	for i := range q {
		q[i] = m.apply(q[i])
	}
	return q
}

// blurGray applies a separable Gaussian blur of the given sigma.
func blurGray(g *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var s float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float64
			for i, kv := range k {
				v += kv * float64(g.Pix[y*g.Stride+min(max(x+i-r, 0), w-1)])
			}
			tmp[y*w+x] = v
		}
	}
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float64
			for i, kv := range k {
				v += kv * tmp[min(max(y+i-r, 0), h-1)*w+x]
			}
			out.Pix[y*out.Stride+x] = clamp8(v)
		}
	}
	return out
}

// darken scales every channel of img by f (a poorly lit photo).
func darken(img *image.RGBA, f float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = clamp8(float64(v) * f)
	}
	return out
}

// shadow darkens img by depth above the line y = y0 + slope·x, with a soft
// edge of the given width (px): the shadow of a hand or a phone, falling on
// page and table alike.
func shadow(img *image.RGBA, y0, slope, depth, soft float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := math.Min(math.Max((y0+slope*float64(x)-float64(y))/soft+0.5, 0), 1)
			f := 1 - depth*t*t*(3-2*t)
			i := y*img.Stride + 4*x
			for c := 0; c < 3; c++ {
				out.Pix[i+c] = clamp8(float64(img.Pix[i+c]) * f)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}

// viaJPEG round-trips img through JPEG like a phone would.
func viaJPEG(tb testing.TB, img image.Image, q int) image.Image {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// grayToRGBA promotes a page to colour for photograph-style processing.
func grayToRGBA(g *image.Gray) *image.RGBA {
	out := image.NewRGBA(g.Rect)
	draw.Draw(out, out.Rect, g, g.Rect.Min, draw.Src)
	return out
}
