package preprocess

import "image"

// Uneven light: a shadow or a lamp on one side leaves part of the paper
// grey. Tesseract binarises a page with one global (Otsu) threshold and
// then reads a shaded header as a black block: on the corpus it lost the
// title and the numéro allocataire of two photos. flatten divides each
// pixel by the paper's brightness around it, measured on a coarse grid, so
// paper becomes evenly white and ink keeps its contrast.
const (
	lightCell = 48   // grid cell, px: larger than a glyph, smaller than a shadow
	evenLight = 1.15 // brightest/darkest paper below this: leave the page alone
	paperTo   = 240  // the level paper is brought to
)

// flatten evens the lighting of g in place, when it is uneven.
func flatten(g *image.Gray) {
	bg, cols, rows := paperGrid(g)
	lo, hi := 255.0, 0.0
	for _, v := range bg {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo <= 0 || hi/lo < evenLight {
		return
	}
	gain := make([]float64, len(bg)) // the factor that brings each cell's paper to paperTo
	for i, v := range bg {
		gain[i] = paperTo / max(v, 1)
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	c0, c1, ax := gridWeights(w, cols)
	rowGain := make([]float64, cols)
	for y := range h {
		r0, r1, ay := gridStep(y, rows)
		for c := range cols {
			rowGain[c] = gain[r0*cols+c]*(1-ay) + gain[r1*cols+c]*ay
		}
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			k := rowGain[c0[x]]*(1-ax[x]) + rowGain[c1[x]]*ax[x]
			row[x] = uint8(min(255, float64(v)*k))
		}
	}
}

// gridStep returns the two grid cells around pixel i (cell centres lie at
// lightCell/2 + k·lightCell) and the weight of the second.
func gridStep(i, cells int) (int, int, float64) {
	f := min(max(float64(i)/lightCell-0.5, 0), float64(cells-1))
	lo := int(f)
	return lo, min(lo+1, cells-1), f - float64(lo)
}

// gridWeights is gridStep for every pixel of a row, computed once.
func gridWeights(w, cols int) ([]int, []int, []float64) {
	c0, c1, ax := make([]int, w), make([]int, w), make([]float64, w)
	for x := range w {
		c0[x], c1[x], ax[x] = gridStep(x, cols)
	}
	return c0, c1, ax
}

// paperGrid estimates the paper's brightness per cell: a high percentile
// of the cell (paper outnumbers ink); a cell much darker than its
// brightest neighbour is filled by a photo or a dark band, and takes the
// paper's level from that neighbour.
func paperGrid(g *image.Gray) ([]float64, int, int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	cols, rows := max(1, (w+lightCell-1)/lightCell), max(1, (h+lightCell-1)/lightCell)
	cell := make([]float64, cols*rows)
	var hist [256]int
	for cy := range rows {
		for cx := range cols {
			hist = [256]int{}
			n := 0
			for y := cy * lightCell; y < min(h, (cy+1)*lightCell); y += 2 {
				for x := cx * lightCell; x < min(w, (cx+1)*lightCell); x += 2 {
					hist[g.Pix[y*g.Stride+x]]++
					n++
				}
			}
			cell[cy*cols+cx] = float64(percentile(hist, float64(n), 0.9))
		}
	}
	out := make([]float64, len(cell))
	for cy := range rows {
		for cx := range cols {
			m := 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if x, y := cx+dx, cy+dy; x >= 0 && y >= 0 && x < cols && y < rows {
						m = max(m, cell[y*cols+x])
					}
				}
			}
			own := cell[cy*cols+cx]
			if own < 0.8*m {
				own = m
			}
			out[cy*cols+cx] = own
		}
	}
	return out, cols, rows
}
