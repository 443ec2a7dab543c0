package preprocess

import (
	"math"
	"sort"
)

// orientation is what the projection-profile analysis decided.
type orientation struct {
	turned int     // 0 or 90 (clockwise)
	skew   float64 // degrees, positive = text rotated clockwise
	margin float64 // gap fraction of rows minus columns (turn confidence)
}

// turnMargin: the ink profile across text lines has empty bins between the
// lines, along the lines it has almost none (word gaps do not align).
// Measured on synthetic pages and 12 MP photos (em 14..80 px): upright
// gap fraction 0.36..0.49 across lines vs 0.00..0.02 along them; on the 26
// corpus photos |rows - columns| is 0.22..0.80 for every page with text
// (8 turned, all detected) and 0.00 for the blank and the two black photos.
// Turning needs the columns to win by 0.1, so noise-only pages stay put.
const turnMargin = 0.1

const maxSkew = 10.0 // degrees searched either way

// findOrientation decides between upright and quarter-turned text and finds
// the skew. The skew is the angle with the sharpest ink projection (sum of
// squares); the turn compares how much of each family's best profile is
// empty, which Latin letters' vertical stems cannot fake.
func findOrientation(b bitmap) orientation {
	rows := inkPoints(b)
	if len(rows) < 50 {
		return orientation{}
	}
	cols := inkPoints(b.rotate90())
	ra, ca := bestAngle(rows), bestAngle(cols)
	margin := gapFraction(profile(rows, ra)) - gapFraction(profile(cols, ca))
	if margin < -turnMargin {
		return orientation{turned: 90, skew: ca, margin: margin}
	}
	return orientation{skew: ra, margin: margin}
}

// inkPoints lists ink pixel centres, subsampled to at most ~30k points so
// the angle search stays a few milliseconds on dense pages.
func inkPoints(b bitmap) []point {
	n := 0
	for _, v := range b.pix {
		n += int(v)
	}
	step := max(1, n/30000)
	pts := make([]point, 0, n/step+1)
	k := 0
	for i, v := range b.pix {
		if v == 0 {
			continue
		}
		if k%step == 0 {
			pts = append(pts, point{float64(i%b.w) + 0.5, float64(i/b.w) + 0.5})
		}
		k++
	}
	return pts
}

// bestAngle searches ±maxSkew coarsely (0.5°) then finely (0.05°) for the
// angle whose projection has the largest sum of squares: maximal when all
// ink of a text line falls into the same few bins.
func bestAngle(pts []point) float64 {
	deg, score := 0.0, sumSquares(profile(pts, 0))
	for _, step := range []float64{0.5, 0.05} {
		lo, hi := -maxSkew, maxSkew
		if step < 0.5 {
			lo, hi = deg-0.5, deg+0.5
		}
		for a := lo; a <= hi+1e-9; a += step {
			if s := sumSquares(profile(pts, a)); s > score {
				deg, score = a, s
			}
		}
	}
	return deg
}

// profile projects points onto the normal of lines tilted by deg
// (clockwise), in 1 px bins.
func profile(pts []point, deg float64) []float64 {
	s, c := math.Sincos(deg * math.Pi / 180)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		v := p.y*c - p.x*s
		lo, hi = min(lo, v), max(hi, v)
	}
	hist := make([]float64, int(hi-lo)+1)
	for _, p := range pts {
		hist[int(p.y*c-p.x*s-lo)]++
	}
	return hist
}

func sumSquares(h []float64) float64 {
	var s float64
	for _, v := range h {
		s += v * v
	}
	return s
}

// gapFraction is the share of bins holding under a tenth of the mean.
func gapFraction(h []float64) float64 {
	var mean float64
	for _, v := range h {
		mean += v / float64(len(h))
	}
	n := 0
	for _, v := range h {
		if v < 0.1*mean {
			n++
		}
	}
	return float64(n) / float64(len(h))
}

// glyphs keeps the character-sized connected components of b. Text
// analysis then ignores page edges, rules, table borders and pictures:
// a single long straight edge (a page corner cut by the frame) otherwise
// outweighs all the text in the projection profile and fakes a skew.
func glyphs(b bitmap) (bitmap, []comp) {
	runs, comps := components(b, true)
	limit := min(b.w, b.h) / 8
	keep := make([]bool, len(comps)+1)
	var kept []comp
	for i, c := range comps {
		lo, hi := min(c.width(), c.height()), max(c.width(), c.height())
		// not specks or leader dots, not rules, not pictures
		if hi < 3 || hi > limit || hi > 10*lo || c.area < 4 {
			continue
		}
		keep[i+1] = true
		kept = append(kept, c)
	}
	out := bitmap{w: b.w, h: b.h, pix: make([]uint8, len(b.pix))}
	for _, r := range runs {
		if keep[r.label] {
			o := int(r.y) * b.w
			for x := r.x0; x < r.x1; x++ {
				out.pix[o+int(x)] = 1
			}
		}
	}
	return out, kept
}

// textHeight is the typical (interquartile mean) height of upright glyphs;
// 0 when there is no text.
func textHeight(glyphs []comp) float64 {
	if len(glyphs) < 10 {
		return 0
	}
	hs := make([]int, len(glyphs))
	for i, c := range glyphs {
		hs[i] = c.height()
	}
	// mean of the middle half: robust like the median, but sub-pixel,
	// which matters when text is only ~8 px tall at analysis scale.
	sort.Ints(hs)
	var s float64
	mid := hs[len(hs)/4 : len(hs)*3/4]
	for _, h := range mid {
		s += float64(h)
	}
	return s / float64(len(mid))
}

// xHeightRatio converts the typical component height to x-height: measured
// on Go-font French text (em 24..80 px, analysis at 1/3 scale) it is
// 1.1..1.2× the x-height, a mix of x-height letters and ascenders/capitals.
const xHeightRatio = 1.15

// scaleFor returns the resize factor that brings text to targetXHeight (or
// upscaleXHeight when it is small),
// given the upright analysis ink and its scale sA relative to the page.
func scaleFor(b bitmap, th, sA float64) float64 {
	// never produce more than maxOutPixels: upscaling a whole 12 MP frame
	// 2× costs ~1 s of warping and Tesseract time out of proportion.
	limit := math.Sqrt(maxOutPixels/(float64(b.w)*float64(b.h))) * sA

	if th == 0 {
		return 1
	}
	xh := th / xHeightRatio / sA // x-height in page pixels
	if xh >= minXHeight && xh <= maxXHeight {
		return 1 // already readable: don't pay for a resample
	}
	target := float64(targetXHeight)
	if xh < minXHeight {
		// Small text is brought just inside the band: Tesseract's time
		// grows with the pixel count, and 24 px read no more fields than
		// 16–18 px on the corpus. 16 rather than 18 lost nombre de parts
		// and identity dates on scans of the 300-document corpus.
		target = upscaleXHeight
	}
	return math.Min(limit, math.Min(maxScale, math.Max(minScale, target/xh)))
}
