package ocr

import (
	"image"
	"strings"
)

// Cutting a page in two for two engines must not cut a line of text, nor
// a card whose layout is not in lines.
const (
	// An A4 page at reading size is 2,900–3,400 px tall; cards, about
	// 1,300, are read whole.
	minSplitHeight = 2000
	// The cut is looked for between 40 % and 60 % of the height, so that
	// the halves take about as long.
	splitFrom, splitTo = 0.4, 0.6
	// A row is blank when at most this share of its pixels is darker
	// than inkLevel: the vertical rules of a table cross every row.
	inkLevel   = 160
	maxRuleInk = 0.01
	// The gap between two lines of text at reading size is 8 px or more.
	minBlankRows = 8
)

// blankBand returns the row in the middle of the widest band of blank rows
// around the middle of img, or 0 when img is too short to be worth cutting
// or holds no such band.
func blankBand(img *image.Gray) int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if h < minSplitHeight {
		return 0
	}
	maxInk := int(maxRuleInk * float64(w))
	cut, widest, start := 0, minBlankRows-1, -1
	for y := int(splitFrom * float64(h)); y <= int(splitTo*float64(h)); y++ {
		ink := 0
		for _, v := range img.Pix[y*img.Stride : y*img.Stride+w] {
			if v < inkLevel {
				ink++
			}
		}
		switch {
		case ink <= maxInk && start < 0:
			start = y
		case ink > maxInk && start >= 0:
			if y-start > widest {
				cut, widest = (start+y)/2, y-start
			}
			start = -1
		}
	}
	return cut
}

// joined is the reading of a page from the readings of its top and bottom
// halves, cut at row cut: the bottom's boxes move down, and its blocks are
// numbered after the top's so that no line spans the cut.
func joined(top, bottom Result, cut int) Result {
	next := 0
	for _, w := range top.Words {
		next = max(next, w.Block+1)
	}
	words := append(make([]Word, 0, len(top.Words)+len(bottom.Words)), top.Words...)
	for _, w := range bottom.Words {
		w.Box = w.Box.Add(image.Pt(0, cut))
		w.Block += next
		words = append(words, w)
	}
	var texts []string
	for _, t := range []string{top.Text, bottom.Text} {
		if t != "" {
			texts = append(texts, t)
		}
	}
	return Result{Text: strings.Join(texts, "\n\n"), Words: words}
}
