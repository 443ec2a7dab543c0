package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
)

// Render turns a specimen into file bytes for it.Rend and returns the
// extension and page count. For identity documents it first arranges the
// card sides on sheets, dropping fields that are not printed on them.
func Render(sp *Specimen, it Item) ([]byte, string, int, error) {
	pages := sp.Pages
	if sp.Card != nil {
		pages = arrange(sp, it)
	}
	switch it.Rend {
	case "digital":
		b, err := WritePDF(pages, sp.Meta)
		return b, "pdf", len(pages), err
	case "scan":
		imgs := make([]image.Image, len(pages))
		for i, p := range pages {
			imgs[i] = Rasterize(p, 150)
		}
		b, err := scanPDF(imgs, it)
		return b, "pdf", len(pages), err
	case "photo":
		b, err := photoJPEG(Rasterize(pages[0], photoDPI(pages[0], it)), it)
		if err == nil {
			b, err = fitJPEG(b, photoBudget(it))
		}
		return b, "jpg", 1, err
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, Rasterize(pages[0], cleanDPI(pages[0])))
	return buf.Bytes(), "png", 1, err
}

// cleanDPI is 600 dpi for a bare card, 200 for a page.
func cleanDPI(d *Doc) float64 {
	if d.W < 150 {
		return 600
	}
	return 200
}

// photoBudget is the largest JPEG kept for a photo of it.MP megapixels.
func photoBudget(it Item) int { return int(it.MP * 55000) }

// photoDPI gives the camera enough detail for the requested megapixels.
func photoDPI(d *Doc, it Item) float64 {
	if d.W < 150 {
		return 500
	}
	if it.MP >= 12 {
		return 300
	}
	return 220
}

// arrange places the sides of a card on the sheets chosen by it.Sheet:
// card (recto alone), pair (both sides on one small sheet), copy (both
// on a white A4 photocopy) or pages (one A4 page per side).
func arrange(sp *Specimen, it Item) []*Doc {
	c := sp.Card
	sheet := it.Sheet
	if c.Verso == nil && sheet == "pair" {
		sheet = "card"
	}
	if sheet == "pages" && it.Rend != "scan" || sheet == "pages" && c.Verso == nil {
		sheet = "copy"
	}
	if sheet == "card" && sp.Subtype == "cni" && sp.Layout == "cni-old" {
		sheet = "pair"
	}
	sp.Layout += "-" + sheet
	switch sheet {
	case "card":
		for _, k := range c.VersoKeys {
			delete(sp.Fields, k)
		}
		return []*Doc{c.Recto}
	case "pair":
		w, h := c.Recto.W, c.Recto.H
		d := &Doc{W: w + 16, H: 2*h + 24, Fam: c.Recto.Fam}
		d.Els = []El{Sub{8, 8, c.Recto}, Sub{8, h + 16, c.Verso}}
		return []*Doc{d}
	case "pages":
		return []*Doc{onA4(c.Recto, nil), onA4(c.Verso, nil)}
	}
	return []*Doc{onA4(c.Recto, c.Verso)}
}

// onA4 lays one or two card sides on a photocopy page.
func onA4(a, b *Doc) *Doc {
	d := newA4(a.Fam)
	d.Gray = false
	d.Els = append(d.Els, Sub{(210 - a.W) / 2, 30, a})
	if b != nil {
		d.Els = append(d.Els, Sub{(210 - b.W) / 2, 40 + a.H, b})
	}
	return d
}

// marshalTruth encodes the ground truth with sorted keys, indented.
func marshalTruth(t Truth) ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	return append(b, '\n'), err
}
