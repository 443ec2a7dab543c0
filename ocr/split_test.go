package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"
)

func TestBlankBand(t *testing.T) {
	// page draws text-like bars 20 px tall every 40 px on white, with a
	// gap of gap px from row gapAt, and vertical rules if asked.
	page := func(w, h, gapAt, gap int, rules bool) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				v := uint8(255)
				if y%40 < 20 && x%7 < 4 && (y < gapAt || y >= gapAt+gap) {
					v = 30
				}
				if rules && x%500 < 3 {
					v = 0
				}
				g.Pix[y*g.Stride+x] = v
			}
		}
		return g
	}
	for _, tt := range []struct {
		name   string
		img    *image.Gray
		lo, hi int // the cut must fall in [lo, hi]; 0, 0: no cut
	}{
		{"A4 with a paragraph break", page(2000, 3000, 1480, 60, false), 1500, 1540},
		{"table rules cross the break", page(2000, 3000, 1480, 60, true), 1500, 1540},
		{"only line gaps", page(2000, 3000, 0, 0, false), 1200, 1800},
		{"card", page(1600, 1000, 0, 0, false), 0, 0},
		{"no blank row in the middle", page(2000, 3000, 0, 0, false), -1, -1},
	} {
		if tt.lo < 0 {
			// a picture over the middle fifth: nothing to cut through
			for y := 1150; y < 1850; y++ {
				for x := range 2000 {
					tt.img.Pix[y*tt.img.Stride+x] = 90
				}
			}
			tt.lo, tt.hi = 0, 0
		}
		got := blankBand(tt.img)
		if got < tt.lo || got > tt.hi {
			t.Errorf("%s: cut at %d, want within [%d, %d]", tt.name, got, tt.lo, tt.hi)
		}
		if got > 0 {
			for _, v := range tt.img.Pix[got*tt.img.Stride : got*tt.img.Stride+tt.img.Rect.Dx()] {
				if v == 30 {
					t.Errorf("%s: the cut at %d goes through text", tt.name, got)
					break
				}
			}
		}
	}
}

// TestRecognizeSplit reads a tall page with two slots free, so in two
// halves, and with one: the text and the lines' boxes must agree.
func TestRecognizeSplit(t *testing.T) {
	var lines []string
	for range 5 {
		lines = append(lines, sample...)
	}
	img := renderLines(t, lines)
	if blankBand(img) == 0 {
		t.Fatal("the test page has no cut: it would not test the split")
	}
	read := func(slots int) Result {
		p, err := NewPool(slots, "fra", 3)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		res, err := p.Recognize(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	whole, split := read(1), read(2)
	wantLines, gotLines := whole.Lines(60), split.Lines(60)
	if len(gotLines) != len(lines) || len(wantLines) != len(lines) {
		t.Fatalf("read %d lines in halves, %d whole, want %d:\n%s", len(gotLines), len(wantLines), len(lines), split.Text)
	}
	for i := range gotLines {
		g, w := gotLines[i], wantLines[i]
		if g.Text != w.Text {
			t.Errorf("line %d: %q in halves, %q whole", i+1, g.Text, w.Text)
		}
		if d := g.Box.Min.Sub(w.Box.Min); max(d.X, -d.X, d.Y, -d.Y) > 3 {
			t.Errorf("line %d: box %v in halves, %v whole", i+1, g.Box, w.Box)
		}
	}
	if !slices.Equal(strings.Fields(split.Text), strings.Fields(whole.Text)) {
		t.Errorf("texts differ:\nhalves:\n%s\nwhole:\n%s", split.Text, whole.Text)
	}
}
