package preprocess

import (
	"image"
	"slices"
)

// Dot leaders ("Nombre de parts ........ 2,5") cost twice: Tesseract reads
// each row of dots as a long word of garbage, and its layout analysis then
// often drops the short value that ends the row — the very figure a field
// needs. A run of small, round, evenly spaced blobs on one baseline is
// never text, so it is whitened before OCR.
const (
	minLeaderDots = 5    // an ellipsis has 3 dots; a leader has many
	maxDotSize    = 0.65 // of the text height; blur fattens dots
	maxDotGap     = 1.6  // of the text height, between dots' left edges
)

// eraseLeaders whitens the dot leaders of g in place and reports how many
// runs it erased. It binarises with a local threshold: a fixed ink level,
// three times cheaper, missed the leaders of darker scans and photos and
// cost 11 points of nombre_parts on a 300-document corpus.
func eraseLeaders(g *image.Gray) int {
	ink, comps := components(binarize(g), true)
	th := textHeight(letterSized(comps))
	if th == 0 {
		return 0
	}
	var dots []int // indices into comps
	for i, c := range comps {
		lo, hi := min(c.width(), c.height()), max(c.width(), c.height())
		if float64(hi) <= maxDotSize*th && 2*lo >= hi && 2*c.area >= lo*hi {
			dots = append(dots, i)
		}
	}
	erase := make([]bool, len(comps)+1) // by label
	runs := 0
	for _, run := range leaderRuns(comps, dots, th) {
		runs++
		for _, i := range run {
			erase[i+1] = true
		}
	}
	if runs == 0 {
		return 0
	}
	for _, r := range ink {
		if erase[r.label] {
			o := int(r.y) * g.Stride
			for x := r.x0; x < r.x1; x++ {
				g.Pix[o+int(x)] = 0xff
			}
		}
	}
	return runs
}

// letterSized keeps the components tall enough to be letters, so that the
// text height is not pulled down by the dots themselves.
func letterSized(comps []comp) []comp {
	var out []comp
	for _, c := range comps {
		if h := c.height(); h >= 6 && h <= 200 && c.width() <= 4*h {
			out = append(out, c)
		}
	}
	return out
}

// leaderRuns groups dots into rows (same centre line within a fifth of the
// text height) and returns the runs of at least minLeaderDots dots spaced
// regularly along a row.
func leaderRuns(comps []comp, dots []int, th float64) [][]int {
	centre := func(i int) float64 { return float64(comps[i].minY+comps[i].maxY) / 2 }
	slices.SortFunc(dots, func(a, b int) int {
		if d := centre(a) - centre(b); d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
		return comps[a].minX - comps[b].minX
	})
	var runs [][]int
	for start := 0; start < len(dots); {
		end := start + 1
		for end < len(dots) && centre(dots[end])-centre(dots[end-1]) <= th/5 {
			end++
		}
		row := slices.Clone(dots[start:end])
		slices.SortFunc(row, func(a, b int) int { return comps[a].minX - comps[b].minX })
		runs = append(runs, evenRuns(comps, row, th)...)
		start = end
	}
	return runs
}

// evenRuns splits a row of dots, left to right, where the gap breaks the
// rhythm, and keeps the long runs.
func evenRuns(comps []comp, row []int, th float64) [][]int {
	var runs [][]int
	first := 0
	for i := 1; i <= len(row); i++ {
		if i < len(row) {
			gap := float64(comps[row[i]].minX - comps[row[i-1]].minX)
			prev := 0.0
			if i-first >= 2 {
				prev = float64(comps[row[i-1]].minX - comps[row[i-2]].minX)
			}
			steady := prev == 0 || (gap <= 1.5*prev && gap >= prev/1.5)
			if gap > 0 && gap <= maxDotGap*th && steady {
				continue
			}
		}
		if i-first >= minLeaderDots {
			runs = append(runs, row[first:i])
		}
		first = i
	}
	return runs
}
