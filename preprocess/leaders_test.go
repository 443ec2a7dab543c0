package preprocess

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// leaderPage renders lines on a white page at emPx per em and returns,
// for each line, the horizontal span of its run of dots ("....") if any.
func leaderPage(tb testing.TB, lines []string, emPx float64) (*image.Gray, []image.Rectangle) {
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
	step := int(emPx * 1.8)
	page := image.NewGray(image.Rect(0, 0, int(emPx*40), step*(len(lines)+2)))
	draw.Draw(page, page.Rect, image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: page, Src: image.Black, Face: face}
	var spans []image.Rectangle
	for i, line := range lines {
		x0, y := int(emPx), step*(i+1)+int(emPx)
		d.Dot = fixed.P(x0, y)
		d.DrawString(line)
		var span image.Rectangle
		if at := strings.Index(line, "....."); at >= 0 {
			end := at + len(line[at:]) - len(strings.TrimLeft(line[at:], "."))
			span = image.Rect(x0+d.MeasureString(line[:at]).Ceil(), y-int(emPx), x0+d.MeasureString(line[:end]).Ceil(), y+int(emPx)/3)
		}
		spans = append(spans, span)
	}
	return page, spans
}

// inkIn counts the dark pixels of g inside r.
func inkIn(g *image.Gray, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g.GrayAt(x, y).Y < 128 {
				n++
			}
		}
	}
	return n
}

func TestEraseLeaders(t *testing.T) {
	lines := []string{
		"Nombre de parts ........................................ 2,5",
		"Revenu fiscal de référence ............................ 17 827 €",
		"Fait à Montpellier... pour servir et valoir ce que de droit.",
		"Références : 25.13.A.1234.56 - n° 1.204.567 - i.i.i",
		"Situation de famille : Marié(e) ou pacsé(e), 2 enfants mineurs.",
		"IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", // MRZ fillers are evenly spaced too
	}
	for _, tc := range []struct {
		name string
		em   float64
		blur float64
	}{
		{"sharp", 30, 0},
		{"small", 18, 0},
		{"blurred photo", 30, 1.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, spans := leaderPage(t, lines, tc.em)
			if tc.blur > 0 {
				page = blurGray(page, tc.blur)
			}
			before := cloneGray(page)
			if runs := eraseLeaders(page); runs != 2 {
				t.Errorf("eraseLeaders erased %d runs, want the 2 leaders", runs)
			}
			changed := 0
			for i := range page.Pix {
				if page.Pix[i] != before.Pix[i] {
					x, y := i%page.Stride, i/page.Stride
					if !(image.Point{x, y}).In(spans[0]) && !(image.Point{x, y}).In(spans[1]) {
						changed++
					}
				}
			}
			if changed > 0 {
				t.Errorf("%d pixels changed outside the leaders: text was erased", changed)
			}
			for i, sp := range spans[:2] {
				if before, after := inkIn(before, sp), inkIn(page, sp); after > before/20 {
					t.Errorf("line %d: %d of %d dark pixels left in the leader", i, after, before)
				}
			}
		})
	}
}
