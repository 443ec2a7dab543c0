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
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := range h {
		fy := min(max(float64(y)/lightCell-0.5, 0), float64(rows-1))
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			fx := min(max(float64(x)/lightCell-0.5, 0), float64(cols-1))
			paper := gridAt(bg, cols, fx, fy)
			row[x] = uint8(min(255, float64(v)*paperTo/max(paper, 1)))
		}
	}
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

func gridAt(grid []float64, cols int, fx, fy float64) float64 {
	x0, y0 := int(fx), int(fy)
	x1, y1 := x0, y0
	if float64(x0) < fx {
		x1++
	}
	if float64(y0) < fy {
		y1++
	}
	ax, ay := fx-float64(x0), fy-float64(y0)
	top := grid[y0*cols+x0]*(1-ax) + grid[y0*cols+x1]*ax
	bot := grid[y1*cols+x0]*(1-ax) + grid[y1*cols+x1]*ax
	return top*(1-ay) + bot*ay
}
