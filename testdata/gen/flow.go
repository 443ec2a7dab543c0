package main

import (
	"strings"
)

// Flow writes blocks top to bottom in a column of a page.
type Flow struct {
	D       *Doc
	X, Y, W float64
}

// Line writes s and moves down one line.
func (f *Flow) Line(st St, s string) {
	f.Y += lead(st.Size)
	x := f.X
	switch st.Al {
	case Center:
		x += f.W / 2
	case Right:
		x += f.W
	}
	f.D.Put(x, f.Y, st, s)
}

// Gap moves down by mm.
func (f *Flow) Gap(mm float64) { f.Y += mm }

// Para writes a wrapped paragraph.
func (f *Flow) Para(st St, text string) {
	for _, l := range f.D.Wrap(st, f.W, text) {
		f.Line(st, l)
	}
}

// KV writes "label ..... value" with the value flush right; leader picks
// dot leaders, otherwise blank space.
func (f *Flow) KV(st, vst St, label, value string, leader bool) {
	f.Y += lead(st.Size)
	f.D.Put(f.X, f.Y, st, label)
	vst.Al = Right
	f.D.Put(f.X+f.W, f.Y, vst, value)
	if !leader {
		return
	}
	lw := f.D.Width(st, label+" ")
	vw := f.D.Width(vst, " "+value)
	dot := f.D.Width(st, ".")
	if n := int((f.W - lw - vw) / dot); n > 2 {
		f.D.Put(f.X+lw, f.Y, st, strings.Repeat(".", n))
	}
}

// Rule draws a horizontal line across the column.
func (f *Flow) Rule(width float64) {
	f.Y += 1.5
	f.D.HLine(f.X, f.Y, f.W, width)
	f.Y += 0.5
}

// Table draws rows in columns of the given relative widths; the first row
// is a header when head is set. Columns after the first are right-aligned.
func (f *Flow) Table(st St, widths []float64, rows [][]string, head, grid bool) {
	total := 0.0
	for _, w := range widths {
		total += w
	}
	top := f.Y
	rh := lead(st.Size) + 1.2
	for i, row := range rows {
		s := st
		if head && i == 0 {
			s.W = Bold
			f.D.Fill(f.X, f.Y, f.W, rh, light)
		}
		x := f.X
		for j, cell := range row {
			cw := widths[j] / total * f.W
			if j == 0 {
				s.Al = Left
				f.D.Put(x+1, f.Y+rh-1.3, s, cell)
			} else {
				s.Al = Right
				f.D.Put(x+cw-1, f.Y+rh-1.3, s, cell)
			}
			x += cw
		}
		f.Y += rh
		if grid {
			f.D.HLine(f.X, f.Y, f.W, 0.15)
		}
	}
	if grid {
		f.D.Box(f.X, top, f.W, f.Y-top, 0.25)
	}
	f.Y += 1
}
