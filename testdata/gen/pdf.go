package main

import (
	"bytes"
	"image/color"
	"time"

	"github.com/go-pdf/fpdf"
)

// pdfMeta is the producer metadata written in a born-digital PDF.
type pdfMeta struct {
	Title, Author, Creator string
	Date                   time.Time
}

// WritePDF writes pages as a born-digital PDF with a real text layer.
func WritePDF(pages []*Doc, m pdfMeta) ([]byte, error) {
	first := pages[0]
	p := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: first.W, Ht: first.H}})
	p.SetCompression(true)
	p.SetCatalogSort(true) // deterministic object order
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	p.SetTitle(m.Title, true)
	p.SetAuthor(m.Author, true)
	p.SetCreator(m.Creator, true)
	p.SetProducer(m.Creator, true)
	p.SetCreationDate(m.Date)
	p.SetModificationDate(m.Date)
	fonts := map[string]bool{}
	for _, d := range pages {
		p.AddPageFormat("P", fpdf.SizeType{Wd: d.W, Ht: d.H})
		w := pdfw{p: p, fonts: fonts}
		w.doc(d)
	}
	var buf bytes.Buffer
	err := p.Output(&buf)
	return buf.Bytes(), err
}

type pdfw struct {
	p      *fpdf.Fpdf
	fonts  map[string]bool
	ox, oy float64
}

func (w *pdfw) doc(d *Doc) {
	if d.Bg.A > 0 {
		w.rect(Rect{W: d.W, H: d.H, Fill: d.Bg})
	}
	for _, e := range d.Els {
		switch e := e.(type) {
		case Text:
			w.text(d, e)
		case Rect:
			w.rect(e)
		case Poly:
			w.setDraw(e.C, e.Width)
			for i := 1; i < len(e.Pts); i++ {
				w.p.Line(e.Pts[i-1][0]+w.ox, e.Pts[i-1][1]+w.oy, e.Pts[i][0]+w.ox, e.Pts[i][1]+w.oy)
			}
		case Ellipse:
			w.p.SetFillColor(int(e.Fill.R), int(e.Fill.G), int(e.Fill.B))
			w.p.Ellipse(e.X+w.ox, e.Y+w.oy, e.RX, e.RY, 0, "F")
		case Sub:
			in := &pdfw{p: w.p, fonts: w.fonts, ox: w.ox + e.X, oy: w.oy + e.Y}
			in.doc(e.D)
		}
	}
}

func (w *pdfw) setDraw(c color.RGBA, width float64) {
	w.p.SetDrawColor(int(c.R), int(c.G), int(c.B))
	w.p.SetLineWidth(width)
}

func (w *pdfw) rect(e Rect) {
	style := ""
	if e.Fill.A > 0 {
		w.p.SetFillColor(int(e.Fill.R), int(e.Fill.G), int(e.Fill.B))
		style = "F"
	}
	if e.Line > 0 {
		w.setDraw(e.C, e.Line)
		style += "D"
	}
	if style != "" {
		w.p.Rect(e.X+w.ox, e.Y+w.oy, e.W, e.H, style)
	}
}

func (w *pdfw) text(d *Doc, e Text) {
	file := d.file(e.St)
	if e.St.W == OCR { // fpdf embeds TrueType only
		file = monoFile
	}
	if !w.fonts[file] {
		w.p.AddUTF8FontFromBytes(file, "", loadFont(file))
		w.fonts[file] = true
	}
	w.p.SetFont(file, "", e.St.Size)
	c := e.St.C
	w.p.SetTextColor(int(c.R), int(c.G), int(c.B))
	x := e.X
	switch e.St.Al {
	case Center:
		x -= textWidth(file, e.St.Size, e.S) / 2
	case Right:
		x -= textWidth(file, e.St.Size, e.S)
	}
	w.p.Text(x+w.ox, e.Y+w.oy, e.S)
}
