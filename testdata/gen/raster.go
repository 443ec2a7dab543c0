package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// raster draws elements onto an RGBA image at dpi, offset by ox, oy mm.
type raster struct {
	img    *image.RGBA
	dpi    float64
	ox, oy float64
}

// Rasterize renders d at dpi; the result is *image.Gray when d.Gray.
func Rasterize(d *Doc, dpi float64) image.Image {
	w, h := int(d.W/25.4*dpi+0.5), int(d.H/25.4*dpi+0.5)
	r := &raster{img: image.NewRGBA(image.Rect(0, 0, w, h)), dpi: dpi}
	r.doc(d)
	if !d.Gray {
		return r.img
	}
	g := image.NewGray(r.img.Bounds())
	draw.Draw(g, g.Bounds(), r.img, image.Point{}, draw.Src)
	return g
}

func (r *raster) px(mm float64) float64 { return mm / 25.4 * r.dpi }

// pt converts a page position to pixels.
func (r *raster) pt(x, y float64) (float64, float64) { return r.px(x + r.ox), r.px(y + r.oy) }

func (r *raster) doc(d *Doc) {
	bg := d.Bg
	if bg.A == 0 {
		bg = white
	}
	r.rect(Rect{W: d.W, H: d.H, Fill: bg})
	for _, e := range d.Els {
		switch e := e.(type) {
		case Text:
			r.text(d, e)
		case Rect:
			r.rect(e)
		case Poly:
			r.poly(e)
		case Ellipse:
			r.ellipse(e)
		case Sub:
			in := &raster{img: r.img, dpi: r.dpi, ox: r.ox + e.X, oy: r.oy + e.Y}
			in.doc(e.D)
		}
	}
}

func (r *raster) fill(x0, y0, x1, y1 float64, c color.RGBA) {
	rc := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
	if rc.Dx() == 0 {
		rc.Max.X++
	}
	if rc.Dy() == 0 {
		rc.Max.Y++
	}
	draw.Draw(r.img, rc, image.NewUniform(c), image.Point{}, draw.Over)
}

func (r *raster) rect(e Rect) {
	x0, y0 := r.pt(e.X, e.Y)
	x1, y1 := r.pt(e.X+e.W, e.Y+e.H)
	if e.Fill.A > 0 {
		r.fill(x0, y0, x1, y1, e.Fill)
	}
	if e.Line > 0 {
		t := math.Max(1, r.px(e.Line))
		r.fill(x0, y0, x1, y0+t, e.C)
		r.fill(x0, y1-t, x1, y1, e.C)
		r.fill(x0, y0, x0+t, y1, e.C)
		r.fill(x1-t, y0, x1, y1, e.C)
	}
}

func (r *raster) poly(e Poly) {
	t := math.Max(1, r.px(e.Width))
	for i := 1; i < len(e.Pts); i++ {
		ax, ay := r.pt(e.Pts[i-1][0], e.Pts[i-1][1])
		bx, by := r.pt(e.Pts[i][0], e.Pts[i][1])
		if ay == by || ax == bx {
			r.fill(math.Min(ax, bx), math.Min(ay, by)-t/2, math.Max(ax, bx)+t/2, math.Max(ay, by)+t/2, e.C)
			continue
		}
		n := int(math.Hypot(bx-ax, by-ay)) + 1
		for k := 0; k <= n; k++ {
			x := ax + (bx-ax)*float64(k)/float64(n)
			y := ay + (by-ay)*float64(k)/float64(n)
			r.fill(x-t/2, y-t/2, x+t/2, y+t/2, e.C)
		}
	}
}

func (r *raster) ellipse(e Ellipse) {
	cx, cy := r.pt(e.X, e.Y)
	rx, ry := r.px(e.RX), r.px(e.RY)
	for y := -ry; y <= ry; y++ {
		half := rx * math.Sqrt(math.Max(0, 1-y*y/(ry*ry)))
		r.fill(cx-half, cy+y, cx+half, cy+y+1, e.Fill)
	}
}

func (r *raster) text(d *Doc, e Text) {
	f := face(d.file(e.St), e.St.Size, r.dpi)
	x, y := r.pt(e.X, e.Y)
	adv := fix(font.MeasureString(f, e.S))
	switch e.St.Al {
	case Center:
		x -= adv / 2
	case Right:
		x -= adv
	}
	c := e.St.C
	if c.A == 0 {
		c = black
	}
	dr := font.Drawer{Dst: r.img, Src: image.NewUniform(c), Face: f,
		Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	dr.DrawString(e.S)
}
