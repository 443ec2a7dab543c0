package main

import (
	"image/color"
	"strings"
)

// A Doc is one page laid out in millimetres. Its elements are drawn in
// order by both back ends: the rasteriser (clean PNG, photos, scans) and
// the PDF writer (born-digital documents).
type Doc struct {
	W, H float64
	Fam  string     // font family of Reg and Bold text
	Gray bool       // store the clean rendering as grayscale
	Bg   color.RGBA // background; zero means white
	Els  []El
}

// An El is something drawn on a page; X/Y are millimetres from the
// top-left corner, text Y is the baseline.
type El interface{}

// Align of a text element relative to its X.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
	Right
)

// St is a text style.
type St struct {
	Size float64 // points
	W    Weight
	Al   Align
	C    color.RGBA // zero means black
}

// Text is a single line of text.
type Text struct {
	X, Y float64
	St   St
	S    string
}

// Rect is a filled and/or stroked rectangle.
type Rect struct {
	X, Y, W, H float64
	Fill       color.RGBA // alpha 0: no fill
	Line       float64    // stroke width, 0: none
	C          color.RGBA
}

// Poly is an open polyline.
type Poly struct {
	Pts   [][2]float64
	Width float64
	C     color.RGBA
}

// Ellipse is a filled ellipse centred on X, Y.
type Ellipse struct {
	X, Y, RX, RY float64
	Fill         color.RGBA
}

// Sub places another page (a card on a photocopy) at X, Y.
type Sub struct {
	X, Y float64
	D    *Doc
}

var (
	black = color.RGBA{0, 0, 0, 255}
	gray  = color.RGBA{110, 110, 110, 255}
	light = color.RGBA{225, 225, 225, 255}
	white = color.RGBA{255, 255, 255, 255}
)

func newA4(fam string) *Doc { return &Doc{W: 210, H: 297, Fam: fam, Gray: true} }

// file returns the font file used by style st on d.
func (d *Doc) file(st St) string { return fontFile(d.Fam, st.W) }

// Put adds one line of text.
func (d *Doc) Put(x, y float64, st St, s string) { d.Els = append(d.Els, Text{x, y, st, s}) }

// Box adds a stroked rectangle.
func (d *Doc) Box(x, y, w, h, line float64) {
	d.Els = append(d.Els, Rect{X: x, Y: y, W: w, H: h, Line: line, C: black})
}

// Fill adds a filled rectangle.
func (d *Doc) Fill(x, y, w, h float64, c color.RGBA) {
	d.Els = append(d.Els, Rect{X: x, Y: y, W: w, H: h, Fill: c})
}

// HLine adds a horizontal rule.
func (d *Doc) HLine(x, y, w, width float64) {
	d.Els = append(d.Els, Poly{Pts: [][2]float64{{x, y}, {x + w, y}}, Width: width, C: black})
}

// Width is the width in mm of s in style st.
func (d *Doc) Width(st St, s string) float64 { return textWidth(d.file(st), st.Size, s) }

// Wrap splits text into lines no wider than w.
func (d *Doc) Wrap(st St, w float64, text string) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		try := strings.TrimSpace(cur + " " + word)
		if cur != "" && d.Width(st, try) > w {
			lines = append(lines, cur)
			try = word
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// lead is the line height in mm for a size in points.
func lead(size float64) float64 { return size * 0.3528 * 1.3 }
