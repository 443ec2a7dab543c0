package preprocess

import "image"

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
// mean and at least minDiff levels below it.
func darkerThanLocal(g *image.Gray, pct, minDiff uint32) bitmap {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	integ := integral(g)
	b := bitmap{w: w, h: h, pix: make([]uint8, w*h)}
	const r = 15
	for y := 0; y < h; y++ {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x++ {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			s := integ[y1*(w+1)+x1] - integ[y0*(w+1)+x1] - integ[y1*(w+1)+x0] + integ[y0*(w+1)+x0]
			n := uint32((y1 - y0) * (x1 - x0))
			v := uint32(row[x])
			if v*n*100 < s*pct && (v+minDiff)*n < s {
				b.pix[y*w+x] = 1
			}
		}
	}
	return b
}

// integral returns the (w+1)×(h+1) summed-area table of g.
func integral(g *image.Gray) []uint32 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	in := make([]uint32, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		var rs uint32
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x++ {
			rs += uint32(row[x])
			in[(y+1)*(w+1)+x+1] = in[y*(w+1)+x+1] + rs
		}
	}
	return in
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

// components labels the foreground of b (8-connected if conn8, else
// 4-connected) with an explicit stack. Labels are 1-based; comps[l-1]
// describes label l.
func components(b bitmap, conn8 bool) (labels []int32, comps []comp) {
	labels = make([]int32, len(b.pix))
	var stack []int
	for start, v := range b.pix {
		if v == 0 || labels[start] != 0 {
			continue
		}
		l := int32(len(comps) + 1)
		c := comp{minX: b.w, minY: b.h, maxX: -1, maxY: -1}
		labels[start] = l
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%b.w, i/b.w
			c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
			c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
			c.area++
			stack = b.pushNeighbours(stack, labels, x, y, l, conn8)
		}
		comps = append(comps, c)
	}
	return labels, comps
}

// pushNeighbours labels and pushes the unlabelled foreground neighbours of (x, y).
func (b bitmap) pushNeighbours(stack []int, labels []int32, x, y int, l int32, conn8 bool) []int {
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			if (dx == 0 && dy == 0) || (!conn8 && dx != 0 && dy != 0) {
				continue
			}
			nx, ny := x+dx, y+dy
			if nx < 0 || ny < 0 || nx >= b.w || ny >= b.h {
				continue
			}
			if j := ny*b.w + nx; b.pix[j] != 0 && labels[j] == 0 {
				labels[j] = l
				stack = append(stack, j)
			}
		}
	}
	return stack
}
