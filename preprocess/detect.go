package preprocess

import (
	"image"
	"math"
	"sort"
)

// Plausibility limits for a detected page. Outside them we keep the whole
// frame: a wrong crop loses text, a missed crop only costs some OCR time.
const (
	minDocArea  = 0.20 // of the frame
	minSeedArea = 0.05 // well-lit paper that seeds the region growing
	maxDocArea  = 0.98 // above this the page already fills the frame (scan)
	minFill     = 0.90 // component and hull must fill their quad: it is a sheet
	minAspect   = 0.25 // short/long side
	// paper vs background mean levels after Otsu: relative, so that
	// underexposed photos still crop (the Dark gate judges them, not us)
	minContrast  = 0.25 // of the paper level
	minLevelDiff = 12
	minCornerCos = -0.5 // interior angles within 60°..120°
)

// findDocument looks for the sheet on small (and its chroma, may be nil):
// paper is brighter and less coloured than the background, so Otsu on
// luma-chroma finds its well-lit part, the largest bright component. A
// shadow or vignetting can make the rest of the paper as dark as the
// table, so that seed is grown over the edge map up to the page outline
// (flood), whose convex hull gives the quad (TL, TR, BR, BL in small
// coordinates). Quads that are not a whole document are refused: a crop
// that loses text is much worse than no crop.
func findDocument(small, chroma *image.Gray) ([4]point, bool) {
	var q [4]point
	w, h := small.Rect.Dx(), small.Rect.Dy()
	paper := paperness(small, chroma)
	t, lo, hi := otsu(histogram(paper.Pix, w, h, paper.Stride))
	if hi-lo < max(minLevelDiff, minContrast*hi) {
		return q, false
	}
	b := bitmap{w: w, h: h, pix: make([]uint8, w*h)}
	for i, v := range paper.Pix[:w*h] {
		if int(v) > t {
			b.pix[i] = 1
		}
	}
	if borderFraction(b) > maxBorderPaper {
		return q, false // paper reaches all edges: a scan or a tight photo
	}
	runs, comps := components(b, false)
	best := largest(comps)
	if best < 0 || float64(comps[best].area) < minSeedArea*float64(w*h) {
		return q, false
	}
	// Otsu only finds the well-lit paper: grow it over the edge map.
	region := flood(edgeMap(paper), runs, int32(best+1), w, h)
	hull, spanArea := outline(region, w, h, paperLabel)
	q = maxQuad(hull)
	ok := plausible(q, polyArea(hull), spanArea, float64(w*h)) && documentShaped(q) && !textOutside(small, q)
	return inset(q, edgeInset), ok
}

// Long/short side ratio of a whole document: A4 and passports 1.41, ID-1
// cards 1.59, letter 1.29, with some margin for perspective (a phone tilted
// 25° shortens one side by 10 %). A sheet cut across by a shadow edge is
// often squarer (an A4 losing its top third is 1.06) or longer.
const (
	minDocAspect = 1.15
	maxDocAspect = 2.1
)

// documentShaped reports whether the quad's aspect ratio is a document's.
func documentShaped(q [4]point) bool {
	w := (dist(q[0], q[1]) + dist(q[3], q[2])) / 2
	h := (dist(q[0], q[3]) + dist(q[1], q[2])) / 2
	r := math.Max(w, h) / math.Min(w, h)
	return r >= minDocAspect && r <= maxDocAspect
}

// Text outside the quad: glyphs farther than textMargin (of the quad's
// diagonal) beyond its edges count, nearer ones are the page edge itself
// (binarize marks the background along the paper as dark strokes).
const (
	textMargin      = 0.02
	textInk         = 60   // % of the local mean: print, not table texture
	maxTextOutside  = 0.02 // share of the glyphs
	minGlyphsToTell = 15   // fewer outside is noise (table texture, specks)
)

// textOutside reports whether a real share of the character-sized marks of
// the frame lies clearly outside q: the quad then missed part of the page.
func textOutside(small *image.Gray, q [4]point) bool {
	_, gl := glyphs(darkerThanLocal(small, textInk, 12))
	margin := textMargin * math.Max(dist(q[0], q[2]), dist(q[1], q[3]))
	out := 0
	for _, c := range gl {
		p := point{float64(c.minX+c.maxX+1) / 2, float64(c.minY+c.maxY+1) / 2}
		if outside(q, p) > margin {
			out++
		}
	}
	return out >= minGlyphsToTell && float64(out) > maxTextOutside*float64(len(gl))
}

// outside is how far p lies outside the convex quad q (TL, TR, BR, BL),
// ≤ 0 inside.
func outside(q [4]point, p point) float64 {
	d := math.Inf(-1)
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		d = math.Max(d, -cross(a, b, p)/dist(a, b))
	}
	return d
}

// edgeInset (small-image px) pulls the corners inside the paper: the Otsu
// edge pixels are part background, which would leave a dashed border that
// Tesseract reads as punctuation.
const edgeInset = 2

// inset moves each corner d pixels towards the quad's centre.
func inset(q [4]point, d float64) [4]point {
	var c point
	for _, p := range q {
		c.x, c.y = c.x+p.x/4, c.y+p.y/4
	}
	for i, p := range q {
		if l := dist(p, c); l > 2*d {
			q[i] = point{p.x + (c.x-p.x)*d/l, p.y + (c.y-p.y)*d/l}
		}
	}
	return q
}

// maxBorderPaper: when nearly the whole frame border is paper there is no
// background to remove, and we skip the costly component labelling (it is
// most of Prepare's time on a clean A4 scan).
const maxBorderPaper = 0.95

// borderFraction is the share of foreground pixels on the frame's outer ring.
func borderFraction(b bitmap) float64 {
	n := 0
	for x := 0; x < b.w; x++ {
		n += int(b.pix[x]) + int(b.pix[(b.h-1)*b.w+x])
	}
	for y := 1; y < b.h-1; y++ {
		n += int(b.pix[y*b.w]) + int(b.pix[y*b.w+b.w-1])
	}
	return float64(n) / float64(2*b.w+2*b.h-4)
}

// paperness is luma minus chroma, so coloured backgrounds look darker.
func paperness(small, chroma *image.Gray) *image.Gray {
	if chroma == nil {
		return small
	}
	w, h := small.Rect.Dx(), small.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := int(small.Pix[y*small.Stride+x]) - 2*int(chroma.Pix[y*chroma.Stride+x])
			out.Pix[y*w+x] = uint8(max(v, 0))
		}
	}
	return out
}

func largest(comps []comp) int {
	best := -1
	for i, c := range comps {
		if best < 0 || c.area > comps[best].area {
			best = i
		}
	}
	return best
}

// outline returns the convex hull of component l and the area enclosed by
// its row spans (area with the holes left by text filled in).
func outline(labels []int32, w, h int, l int32) ([]point, float64) {
	var pts []point
	var span float64
	for y := 0; y < h; y++ {
		row := labels[y*w : (y+1)*w]
		first, last := -1, -1
		for x, v := range row {
			if v == l {
				if first < 0 {
					first = x
				}
				last = x
			}
		}
		if first >= 0 {
			// pixel outer edges, so the hull bounds the pixels' area
			pts = append(pts, point{float64(first), float64(y)}, point{float64(last + 1), float64(y)},
				point{float64(first), float64(y + 1)}, point{float64(last + 1), float64(y + 1)})
			span += float64(last - first + 1)
		}
	}
	return convexHull(pts), span
}

// convexHull is Andrew's monotone chain; the result is counter-clockwise in
// y-down coordinates' mathematical sense (clockwise on screen).
func convexHull(pts []point) []point {
	sort.Slice(pts, func(i, j int) bool {
		return pts[i].x < pts[j].x || (pts[i].x == pts[j].x && pts[i].y < pts[j].y)
	})
	if len(pts) < 3 {
		return pts
	}
	hull := make([]point, 0, 2*len(pts))
	for pass := 0; pass < 2; pass++ {
		start := len(hull)
		for _, p := range pts {
			for len(hull) >= start+2 && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
				hull = hull[:len(hull)-1]
			}
			hull = append(hull, p)
		}
		hull = hull[:len(hull)-1]
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return hull
}

func cross(o, a, b point) float64 {
	return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x)
}

// polyArea is the absolute shoelace area.
func polyArea(p []point) float64 {
	var s float64
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].x*p[j].y - p[j].x*p[i].y
	}
	return math.Abs(s) / 2
}

// maxQuad approximates the largest quadrilateral inscribed in the hull:
// start from the extremes along both diagonals, then move each corner in
// turn to the hull vertex that maximises the area until nothing improves.
// Returned in TL, TR, BR, BL order.
func maxQuad(hull []point) [4]point {
	var q [4]point
	if len(hull) < 4 {
		return q
	}
	dirs := [4]point{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	for i, d := range dirs {
		bestV := math.Inf(-1)
		for _, p := range hull {
			if v := p.x*d.x + p.y*d.y; v > bestV {
				bestV, q[i] = v, p
			}
		}
	}
	for iter := 0; iter < 4; iter++ {
		improved := false
		for i := range q {
			for _, p := range hull {
				c := q
				c[i] = p
				if polyArea(c[:]) > polyArea(q[:])+1e-9 && convex(c) {
					q, improved = c, true
				}
			}
		}
		if !improved {
			break
		}
	}
	return q
}

// convex reports whether the quad turns the same way at every corner.
func convex(q [4]point) bool {
	sign := 0.0
	for i := range q {
		c := cross(q[i], q[(i+1)%4], q[(i+2)%4])
		if c == 0 || sign*c < 0 {
			return false
		}
		sign = c
	}
	return true
}

// plausible applies the sheet checks to a candidate quad.
func plausible(q [4]point, hullArea, spanArea, frame float64) bool {
	a := polyArea(q[:])
	if !convex(q) || a < minDocArea*frame || a > maxDocArea*frame {
		return false
	}
	if a < minFill*hullArea || spanArea < minFill*hullArea {
		return false
	}
	w := (dist(q[0], q[1]) + dist(q[3], q[2])) / 2
	h := (dist(q[0], q[3]) + dist(q[1], q[2])) / 2
	if math.Min(w, h) < minAspect*math.Max(w, h) {
		return false
	}
	for i := range q {
		a, b, c := q[(i+3)%4], q[i], q[(i+1)%4]
		cos := ((a.x-b.x)*(c.x-b.x) + (a.y-b.y)*(c.y-b.y)) / (dist(a, b) * dist(c, b))
		if math.Abs(cos) > -minCornerCos {
			return false
		}
	}
	return true
}
