package main

// letter is the data-driven template shared by the look-alikes: a sender
// block, references, an addressee, a title, key/value lines, a table and
// paragraphs of text.
type letter struct {
	Org    []string    // sender block; the first line is bold
	Refs   [][2]string // references at the top right
	To     []string    // addressee lines
	Title  []string
	KVs    [][2]string
	Table  [][]string // first row is the header
	Widths []float64
	Totals [][2]string // key/value lines after the table
	Paras  []string
	Footer string
}

// render lays the letter out on d; leaders selects dot leaders.
func (l letter) render(d *Doc, leaders bool) {
	f := Flow{D: d, X: 15, Y: 12, W: 85}
	for i, s := range l.Org {
		st := stSmall
		if i == 0 {
			st = St{Size: 11, W: Bold}
		}
		f.Line(st, s)
	}
	r := Flow{D: d, X: 118, Y: 12, W: 77}
	for _, kv := range l.Refs {
		r.KV(stSmall, St{Size: 8, W: Bold}, kv[0], kv[1], false)
	}
	r.Y = max(r.Y+10, 48)
	for _, s := range l.To {
		r.Line(stBody, s)
	}
	b := Flow{D: d, X: 15, Y: max(f.Y, r.Y) + 12, W: 180}
	for _, t := range l.Title {
		b.Line(St{Size: 13, W: Bold, Al: Center}, t)
	}
	b.Gap(4)
	for _, kv := range l.KVs {
		b.KV(stBody, stBodyB, kv[0], kv[1], leaders)
	}
	if len(l.Table) > 0 {
		b.Gap(4)
		b.Table(stSmall, l.Widths, l.Table, true, true)
	}
	for _, kv := range l.Totals {
		b.KV(stBody, stBodyB, kv[0], kv[1], leaders)
	}
	for _, p := range l.Paras {
		b.Gap(3)
		b.Para(stBody, p)
	}
	if l.Footer != "" {
		for i, s := range d.Wrap(stTiny, 180, l.Footer) {
			d.Put(15, 280+float64(i)*3, St{Size: 6.5, C: gray}, s)
		}
	}
}
