package ocr

import (
	"fmt"
	"image"
	"strings"
	"unicode"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/image/draw"
)

// Numbers are the fields that matter (amounts, parts, identifiers, dates),
// and the page's reading gets them wrong where it is unsure: a bold "1,5"
// read "4,5" at confidence 65 on a corpus photo is read right alone,
// enlarged, by an engine that knows only the characters of numbers.
const (
	numberChars  = "0123456789,./-€"
	rereadBelow  = 80 // word confidence under which a number is read again
	maxRereads   = 12 // per page, to bound the cost on a poor photo
	rereadMargin = 6  // px of context around the word
)

// rereadNumbers reads again, in place, the unsure words of boxes that hold
// digits, and keeps a new reading that is surer and of the same shape.
func rereadNumbers(c *gosseract.Client, img *image.Gray, boxes []gosseract.BoundingBox) error {
	n := 0
	for i := range boxes {
		b := &boxes[i]
		if b.Confidence >= rereadBelow || !strings.ContainsFunc(b.Word, unicode.IsDigit) || len(b.Word) > 16 {
			continue
		}
		if n++; n > maxRereads {
			return nil
		}
		word, conf, err := readNumber(c, img, b.Box)
		if err != nil {
			return fmt.Errorf("ocr: re-read number: %w", err)
		}
		if conf > b.Confidence && sameShape(word, b.Word) {
			b.Word, b.Confidence = word, conf
		}
	}
	return nil
}

// readNumber reads the region r of img, enlarged twice, as one line.
func readNumber(c *gosseract.Client, img *image.Gray, r image.Rectangle) (string, float64, error) {
	r = r.Inset(-rereadMargin).Intersect(img.Rect)
	big := image.NewGray(image.Rect(0, 0, 2*r.Dx(), 2*r.Dy()))
	draw.CatmullRom.Scale(big, big.Rect, img, r, draw.Src, nil)
	if err := setImage(c, big); err != nil {
		return "", 0, err
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil || len(boxes) != 1 {
		return "", 0, err // none or several words: not a reading of this one
	}
	return boxes[0].Word, boxes[0].Confidence, nil
}

// sameShape reports whether a re-reading can replace a word: as long, with
// its separators where they were, only digits changed.
func sameShape(reread, word string) bool {
	a, b := []rune(reread), []rune(word)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if unicode.IsDigit(a[i]) != unicode.IsDigit(b[i]) && unicode.IsDigit(b[i]) {
			return false
		}
		if !unicode.IsDigit(a[i]) && a[i] != b[i] {
			return false
		}
	}
	return true
}
