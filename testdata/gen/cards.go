package main

import (
	"image/color"
	"math"
)

// cardDesign is the data-driven look of an identity document side.
type cardDesign struct {
	W, H     float64
	Bg, Ink  color.RGBA // background tint and guilloche colour
	Bilingue bool       // "NOM / Surname" labels above values (else "Nom : value")
}

// cardField is one printed field of a card.
type cardField struct {
	Label, Value string
	X, Y         float64
}

var (
	designNewCNI    = cardDesign{85.6, 54, rgb(236, 232, 244), rgb(200, 185, 225), true}
	designSejour    = cardDesign{85.6, 54, rgb(232, 242, 236), rgb(180, 210, 190), true}
	designOldCNI    = cardDesign{105, 74, rgb(240, 236, 222), rgb(215, 200, 170), false}
	designPasseport = cardDesign{125, 88, rgb(238, 236, 246), rgb(205, 195, 230), true}
)

// newSide starts a card side with its background and guilloche.
func newSide(cd cardDesign, fam string, seed float64) *Doc {
	d := &Doc{W: cd.W, H: cd.H, Fam: fam, Bg: cd.Bg}
	for k := 0; k < 9; k++ {
		var pts [][2]float64
		for x := 0.0; x <= cd.W; x += 1.5 {
			y := cd.H*float64(k+1)/10 + 3*math.Sin(x/(6+float64(k))+seed+float64(k))
			pts = append(pts, [2]float64{x, y})
		}
		d.Els = append(d.Els, Poly{Pts: pts, Width: 0.12, C: cd.Ink})
	}
	d.Els = append(d.Els, Rect{W: cd.W, H: cd.H, Line: 0.3, C: cd.Ink})
	return d
}

// fields prints the card's labels and values.
func (cd cardDesign) fields(d *Doc, fs []cardField) {
	lab := St{Size: 4.2, C: rgb(70, 60, 110)}
	val := St{Size: 7.5, W: Bold}
	if cd.W > 100 {
		lab.Size, val.Size = 5.5, 8.5
	}
	for _, f := range fs {
		v := val
		for d.Width(v, f.Value) > d.W-f.X-2 {
			v.Size -= 0.25
		}
		if cd.Bilingue {
			d.Put(f.X, f.Y, lab, f.Label)
			d.Put(f.X, f.Y+val.Size*0.3528+0.6, v, f.Value)
			continue
		}
		d.Put(f.X, f.Y, St{Size: 7.5}, f.Label)
		d.Put(f.X+d.Width(St{Size: 7.5}, f.Label+" "), f.Y, St{Size: 8.5, W: Bold}, f.Value)
	}
}

// photo draws the holder's portrait placeholder.
func photo(d *Doc, x, y, w, h float64) {
	d.Fill(x, y, w, h, rgb(205, 205, 210))
	d.Els = append(d.Els, Ellipse{X: x + w/2, Y: y + h*0.38, RX: w * 0.22, RY: h * 0.2, Fill: rgb(150, 140, 135)},
		Ellipse{X: x + w/2, Y: y + h*0.86, RX: w * 0.4, RY: h * 0.14, Fill: rgb(90, 90, 100)})
}

// mrz prints the machine-readable zone in OCR-B, bottom-aligned on a
// white band, sized to fill the width.
func mrz(d *Doc, lines []string) {
	size := (d.W - 8) / textWidth(ocrFile, 1, lines[0])
	lh := size * 0.3528 * 1.25
	top := d.H - float64(len(lines))*lh - 3
	d.Fill(0, top, d.W, d.H-top, color.RGBA{d.Bg.R/4 + 190, d.Bg.G/4 + 190, d.Bg.B/4 + 190, 255})
	for i, l := range lines {
		d.Put(4, top+float64(i+1)*lh, St{Size: size, W: OCR}, l)
	}
	d.Els = append(d.Els, Rect{W: d.W, H: d.H, Line: 0.3, C: rgb(190, 185, 175)})
}

// header prints the title lines of a side, centred.
func header(d *Doc, lines ...string) {
	y := 5.0
	for i, l := range lines {
		st := St{Size: 6.5, W: Bold, Al: Center, C: rgb(30, 40, 120)}
		if i > 0 {
			st.Size = 5.2
		}
		if d.W > 100 {
			st.Size += 1.5
		}
		d.Put(d.W/2, y, st, l)
		y += st.Size*0.3528 + 1.2
	}
}
