package pipeline

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"
	"unicode"

	"coffre/mrz"
)

// MRZReader reads a machine-readable zone (the OCR-B lines at the foot of
// identity documents) again, knowing only its alphabet: the page's reading
// takes '<' for «, K or nothing, and a single wrong character fails a
// check digit.
type MRZReader interface {
	// ReadMRZ reads band of img enlarged by scale and returns the lines
	// read.
	ReadMRZ(ctx context.Context, img *image.Gray, band image.Rectangle, scale float64) (string, error)
}

// mrzHeights are the character heights (px) the MRZ band is read at, in
// turn, until its check digits hold. On the corpus cards 24 px lost
// characters; 32 and 40 px each read zones right that the other did not.
var mrzHeights = []float64{32, 40}

// Line is one line of a page's reading and where it lies on the page.
type Line struct {
	Text string
	Box  image.Rectangle
	// ConfidentChars counts the letters and digits of the line's words
	// read with at least ConfidentWordConf confidence.
	ConfidentChars int
}

// readMRZ appends to each page's text a second reading of its MRZ band,
// when the page's reading saw one. The classifiers find the MRZ in the
// text, so they treat it like the MRZ of a born-digital PDF. A page the
// readability gate refused is read too: its zone still tells its type,
// and a zone whose check digits hold proves the page legible after all.
// It frees the page images: no stage after it needs them.
func (p *Pipeline) readMRZ(ctx context.Context, r *run) error {
	for i := range r.pages {
		pg := &r.pages[i]
		if pg.img != nil && p.MRZReader != nil {
			verified, err := p.readBand(ctx, pg)
			if err != nil {
				return fmt.Errorf("page %d: %w", i+1, err)
			}
			if verified {
				pg.unreadable = "" // the check digits prove the page legible
			}
		}
		pg.img, pg.lines = nil, nil
	}
	return nil
}

// readBand reads pg's MRZ band, if its reading saw one, at each of
// mrzHeights until the check digits hold, and reports whether they did.
func (p *Pipeline) readBand(ctx context.Context, pg *page) (verified bool, err error) {
	band, h, ok := mrzBand(pg.lines, pg.img.Rect)
	if !ok {
		return false, nil
	}
	for _, px := range mrzHeights {
		text, err := p.MRZReader.ReadMRZ(ctx, pg.img, band, px/float64(h))
		if err != nil {
			return false, err
		}
		if text = strings.TrimSpace(text); text != "" {
			pg.text += "\n\n" + text
		}
		if verifies(text) {
			return true, nil
		}
	}
	return false, nil
}

// verifies reports whether text holds a zone whose check digits hold.
func verifies(text string) bool {
	for _, lines := range mrz.Find(text) {
		if z, err := mrz.Read(lines); err == nil && z.Verified() {
			return true
		}
	}
	return false
}

// mrzBand returns the region around the lines that look like an MRZ,
// grown by about a line in every direction when the page's reading may
// have missed one of them (only a margin when it saw them all: the visual
// zone's lines would cost the MRZ pass time), and the lines' typical
// height.
func mrzBand(lines []Line, bounds image.Rectangle) (band image.Rectangle, lineHeight int, ok bool) {
	var heights []int
	long := 0 // lines of a 2-line zone (36 or 44 characters)
	for _, l := range lines {
		if mrzLike(l.Text) {
			band = band.Union(l.Box)
			heights = append(heights, l.Box.Dy())
			if len(strings.ReplaceAll(l.Text, " ", "")) >= 34 {
				long++
			}
		}
	}
	if len(heights) == 0 {
		return image.Rectangle{}, 0, false
	}
	slices.Sort(heights)
	h := heights[len(heights)/2]
	dx, dy := h*3/4, h*3/4 // every line of the zone was seen: a margin
	if len(heights) < 3 && long < 2 {
		// A missed line lies a line pitch (1.45 h on the corpus
		// cards) beyond those seen. With its glyphs 2 px from the edge
		// of a band grown by 1.25 h, its 6s read as 0s; a band grown
		// by a pitch and more than a line's margin reads it right.
		dx, dy = h*5/4, h*11/4
	}
	band = image.Rect(band.Min.X-dx, band.Min.Y-dy, band.Max.X+dx, band.Max.Y+dy).Intersect(bounds)
	return band, h, !band.Empty()
}

// mrzLike tells an MRZ line as the page's reading renders it: a long run
// of capitals and digits with fillers ('<', or what OCR made of them), or
// a long unbroken one.
func mrzLike(text string) bool {
	text = mrz.LowerFillers(text)
	compact := strings.ReplaceAll(text, " ", "")
	if len(compact) < 20 {
		return false
	}
	mrz, digits := 0, 0
	for _, c := range compact {
		switch {
		case c >= 'A' && c <= 'Z', c == '<', c == '«', c == '‹':
			mrz++
		case unicode.IsDigit(c):
			mrz++
			digits++
		}
	}
	if mrz*10 < len([]rune(compact))*9 {
		return false
	}
	fillers := strings.ContainsAny(compact, "<«‹") || strings.Contains(compact, "KKK")
	return fillers || (!strings.Contains(text, " ") && len(compact) >= 28 && digits >= 4)
}
