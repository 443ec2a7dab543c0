package preprocess

import (
	"image"
	"runtime"
	"sync"
)

// bitmap is a binary image, 1 = foreground.
type bitmap struct {
	w, h int
	pix  []uint8
}

func histogram(pix []uint8, w, h, stride int) [256]int {
	var hist [256]int
	for y := 0; y < h; y++ {
		for _, v := range pix[y*stride : y*stride+w] {
			hist[v]++
		}
	}
	return hist
}

// otsu returns the threshold maximising between-class variance, and the
// mean levels of the two classes (≤ t and > t).
func otsu(hist [256]int) (t int, lo, hi float64) {
	var total, sum float64
	for i, n := range hist {
		total += float64(n)
		sum += float64(i * n)
	}
	var wB, sumB, best float64
	for i, n := range hist {
		wB += float64(n)
		sumB += float64(i * n)
		wF := total - wB
		if wB == 0 || wF == 0 {
			continue
		}
		mB, mF := sumB/wB, (sum-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > best {
			best, t, lo, hi = v, i, mB, mF
		}
	}
	return t, lo, hi
}

// binarize marks ink: pixels clearly darker than their 31×31 neighbourhood
// mean. A local threshold survives shadows and uneven phone lighting that
// a global one does not.
func binarize(g *image.Gray) bitmap { return darkerThanLocal(g, 85, 12) }

// darkerThanLocal marks pixels below pct % of their 31×31 neighbourhood
// mean and at least minDiff levels below it. The window sums slide down
// the columns and along the row, so memory stays one row wide: a summed-
// area table of a 7 MP page weighed 28 MB and its page faults cost more
// than the sums.
func darkerThanLocal(g *image.Gray, pct, minDiff uint32) bitmap {
	const r = 15
	w, h := g.Rect.Dx(), g.Rect.Dy()
	b := bitmap{w: w, h: h, pix: make([]uint8, w*h)}
	row := func(y int) []uint8 { return g.Pix[y*g.Stride : y*g.Stride+w] }
	inBands(h, func(y0, y1 int) {
		cols := make([]uint32, w)     // sum of each column over the window's rows
		prefix := make([]uint32, w+1) // prefix sums of cols
		// The loop adds row y+r and removes row y-r-1: start with the
		// rows before y0's window that it will remove, and those of the
		// window it will not add.
		for y := max(0, y0-r-1); y < min(h, y0+r); y++ {
			for x, v := range row(y) {
				cols[x] += uint32(v)
			}
		}
		for y := y0; y < y1; y++ {
			if y+r < h {
				for x, v := range row(y + r) {
					cols[x] += uint32(v)
				}
			}
			if y-r-1 >= 0 {
				for x, v := range row(y - r - 1) {
					cols[x] -= uint32(v)
				}
			}
			for x, c := range cols {
				prefix[x+1] = prefix[x] + c
			}
			rows := uint32(min(h, y+r+1) - max(0, y-r))
			out, in := b.pix[y*w:(y+1)*w], row(y)
			mark := func(x int, s, n uint32) {
				if v := uint32(in[x]); v*n*100 < s*pct && (v+minDiff)*n < s {
					out[x] = 1
				}
			}
			// Away from the ends the window is whole: the same pixel
			// count everywhere, and no clipping to find it.
			lo, hi := min(r, w), max(min(r, w), w-r)
			for x := range lo {
				x1 := min(w, x+r+1)
				mark(x, prefix[x1], rows*uint32(x1))
			}
			n := rows * (2*r + 1)
			for x := lo; x < hi; x++ {
				mark(x, prefix[x+r+1]-prefix[x-r], n)
			}
			for x := hi; x < w; x++ {
				x0 := max(0, x-r)
				mark(x, prefix[w]-prefix[x0], rows*uint32(w-x0))
			}
		}
	})
	return b
}

// inBands runs f over the rows [0, h) cut into one band per core: the
// passes over a full-resolution page are independent from row to row, and
// an agent waiting for one photo would otherwise leave cores idle.
func inBands(h int, f func(y0, y1 int)) {
	n := max(1, min(runtime.GOMAXPROCS(0), h/256))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(h*i/n, h*(i+1)/n) })
	}
	wg.Wait()
}

// rotate90 turns a bitmap a quarter turn clockwise.
func (b bitmap) rotate90() bitmap {
	r := bitmap{w: b.h, h: b.w, pix: make([]uint8, len(b.pix))}
	for y := 0; y < b.h; y++ {
		for x := 0; x < b.w; x++ {
			r.pix[x*r.w+(b.h-1-y)] = b.pix[y*b.w+x]
		}
	}
	return r
}

// comp is a connected component's bounding box and pixel count.
type comp struct {
	minX, minY, maxX, maxY, area int
}

func (c comp) width() int  { return c.maxX - c.minX + 1 }
func (c comp) height() int { return c.maxY - c.minY + 1 }

// run is a horizontal stretch of foreground, pixels [x0, x1) of row y, and
// the component it belongs to (1-based label).
type run struct {
	y, x0, x1, label int32
}

// components finds the connected components of the foreground of b
// (8-connected if conn8, else 4-connected). It works on runs, not pixels:
// text is a few percent of a page, so a per-pixel label image (28 MB for a
// 7 MP page) and a flood fill cost far more than joining each run to the
// runs it touches on the row above. Labels are numbered in raster order of
// the components' first pixels; comps[l-1] describes label l, and runs
// come in raster order.
func components(b bitmap, conn8 bool) (runs []run, comps []comp) {
	var parent []int32 // union-find over provisional labels, 0-based
	find := func(l int32) int32 {
		for parent[l] != l {
			parent[l] = parent[parent[l]]
			l = parent[l]
		}
		return l
	}
	touch := int32(0) // runs must overlap; 8-connected, touching corners do too
	if conn8 {
		touch = 1
	}
	prev := 0 // first run of the previous row
	for y := range b.h {
		row := b.pix[y*b.w : (y+1)*b.w]
		first := len(runs)
		for x := 0; x < b.w; {
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < b.w && row[x] != 0 {
				x++
			}
			r := run{y: int32(y), x0: int32(x0), x1: int32(x), label: -1}
			for i := prev; i < first; i++ {
				p := runs[i]
				if p.x1+touch <= r.x0 {
					prev = i + 1 // no later run of this row reaches back here
					continue
				}
				if p.x0 >= r.x1+touch {
					break
				}
				pl := find(p.label)
				switch {
				case r.label < 0:
					r.label = pl
				case pl != r.label:
					lo, hi := min(pl, r.label), max(pl, r.label)
					parent[hi] = lo
					r.label = lo
				}
			}
			if r.label < 0 {
				r.label = int32(len(parent))
				parent = append(parent, r.label)
			}
			runs = append(runs, r)
		}
		prev = first
	}
	// Number the roots in order and gather each component's box and area.
	number := make([]int32, len(parent))
	for i := range runs {
		r := &runs[i]
		root := find(r.label)
		if number[root] == 0 {
			comps = append(comps, comp{minX: int(r.x0), minY: int(r.y), maxX: -1, maxY: -1})
			number[root] = int32(len(comps))
		}
		r.label = number[root]
		c := &comps[r.label-1]
		c.minX, c.maxX = min(c.minX, int(r.x0)), max(c.maxX, int(r.x1)-1)
		c.maxY = int(r.y)
		c.area += int(r.x1 - r.x0)
	}
	return runs, comps
}
