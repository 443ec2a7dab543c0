package ocr

import (
	"context"
	"image"
	"image/draw"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// renderLines draws French text lines at a size Tesseract reads well.
func renderLines(t testing.TB, lines []string) *image.Gray {
	return renderLinesIn(t, goregular.TTF, lines)
}

// renderLinesIn draws lines with the font in fontData (TrueType or
// OpenType).
func renderLinesIn(t testing.TB, fontData []byte, lines []string) *image.Gray {
	t.Helper()
	f, err := opentype.Parse(fontData)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 32, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 1400, 80+60*len(lines)))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(40, 70+60*i)
		d.DrawString(l)
	}
	return img
}

var sample = []string{
	"DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES",
	"Avis d'impôt 2025 sur les revenus de l'année 2024",
	"Revenu fiscal de référence : 15 432 euros",
	"Nombre de parts : 1,5 ; numéro fiscal 12 34 567 890 123",
	"Ce document vous est adressé par la direction des impôts.",
	"Vous pouvez consulter votre espace particulier en ligne.",
	"La date limite de paiement est fixée au 15 septembre.",
}

func TestRecognize(t *testing.T) {
	p, err := NewPool(1, "fra", 6)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	res, err := p.Recognize(context.Background(), renderLines(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FINANCES PUBLIQUES", "revenus de l'année 2024", "15 432"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, res.Text)
		}
	}
	if got := strings.Count(res.Text, "\n") + 1; got != len(sample) {
		t.Errorf("got %d lines, want %d:\n%s", got, len(sample), res.Text)
	}
	if c := res.MeanConfidence(); c < 80 {
		t.Errorf("mean confidence %.0f on a clean page, want ≥ 80", c)
	}
}

func TestRecognizeCancelled(t *testing.T) {
	p, err := NewPool(1, "fra", 6)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	held := <-p.clients // every slot busy
	defer func() { p.clients <- held }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Recognize(ctx, renderLines(t, sample[:1])); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestWarm(t *testing.T) {
	for _, tc := range []struct {
		lang string
		ok   bool
	}{
		{"fra", true},
		{"zzz", false}, // no such model: the service fails at start, not on its first document
	} {
		t.Run(tc.lang, func(t *testing.T) {
			p, err := NewPool(2, tc.lang, 6)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := p.Warm(context.Background()); (err == nil) != tc.ok {
				t.Fatalf("Warm: err = %v, want ok %v", err, tc.ok)
			}
			if len(p.clients) != 2 {
				t.Fatalf("%d slots free after Warm, want 2", len(p.clients))
			}
		})
	}
}

func TestWarmCancelled(t *testing.T) {
	p, err := NewPool(2, "fra", 6)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	held := <-p.clients
	defer func() { p.clients <- held }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Warm(ctx); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(p.clients) != 1 {
		t.Fatalf("%d slots free after a cancelled Warm, want the 1 it found", len(p.clients))
	}
}

// rotateCW turns g clockwise by a multiple of 90 degrees.
func rotateCW(g *image.Gray, deg int) *image.Gray {
	for ; deg > 0; deg -= 90 {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		r := image.NewGray(image.Rect(0, 0, h, w))
		for y := range h {
			for x := range w {
				r.Pix[x*r.Stride+(h-1-y)] = g.Pix[y*g.Stride+x]
			}
		}
		g = r
	}
	return g
}

func TestUpsideDown(t *testing.T) {
	upright := renderLines(t, append(sample, sample...))
	turned := image.NewGray(upright.Rect)
	n := len(upright.Pix)
	for i, v := range upright.Pix {
		turned.Pix[n-1-i] = v
	}
	for _, tt := range []struct {
		name string
		img  *image.Gray
		want bool
	}{{"upright", upright, false}, {"upside down", turned, true}} {
		ud, conf, ok := UpsideDown(tt.img)
		if !ok || ud != tt.want || conf < 5 {
			t.Errorf("%s: upside down %v (confidence %.1f, ok %v), want %v with confidence ≥ 5", tt.name, ud, conf, ok, tt.want)
		}
	}
	blank := image.NewGray(image.Rect(0, 0, 500, 500))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if ud, conf, _ := UpsideDown(blank); ud || conf >= 5 {
		t.Errorf("blank page: upside down %v with confidence %.1f, want no confident verdict", ud, conf)
	}
}

func TestSameShape(t *testing.T) {
	for _, tt := range []struct {
		reread, word string
		want         bool
	}{
		{"1,5", "4,5", true},
		{"2024", "2O24", true}, // a letter read for a digit is repaired
		{"15", "1,5", false},   // the separator must stay
		{"1.5", "1,5", false},
		{"12", "123", false},
		{"1-5", "145", false}, // a digit may not become a separator
	} {
		if got := sameShape(tt.reread, tt.word); got != tt.want {
			t.Errorf("sameShape(%q, %q) = %v, want %v", tt.reread, tt.word, got, tt.want)
		}
	}
}
