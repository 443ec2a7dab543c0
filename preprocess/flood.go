package preprocess

import (
	"image"
	"math"
)

// Labels of the region growing in flood.
const (
	unknown    = 0
	paperLabel = 1
	background = 2
)

// logStep scales log luminance in edgeMap: a paper edge against a table
// (paper 1.4× brighter) gives ~45, a soft shadow across paper ~3.
const logStep = 32

// edgeMap is the Sobel gradient magnitude of log luminance, saturated to
// 255. A shadow, vignetting or a light gradient multiplies paper and
// background alike, so in log space the page outline keeps its height under
// any lighting while the shadow's own soft edge stays low.
func edgeMap(g *image.Gray) []uint8 {
	var lut [256]int32
	for v := range lut {
		lut[v] = int32(math.Round(logStep * math.Log(float64(v)+16)))
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	lg := make([]int32, w*h)
	for y := 0; y < h; y++ {
		for x, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			lg[y*w+x] = lut[v]
		}
	}
	out := make([]uint8, w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			a, b, c := lg[i-w-1], lg[i-w], lg[i-w+1]
			d, f := lg[i-1], lg[i+1]
			g, hh, k := lg[i+w-1], lg[i+w], lg[i+w+1]
			gx := (c + 2*f + k) - (a + 2*d + g)
			gy := (g + 2*hh + k) - (a + 2*b + c)
			out[i] = uint8(min(255, (abs32(gx)+abs32(gy))/2))
		}
	}
	return out
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// flood is a marker watershed on the edge map: the paper seed (pixels of
// the seed runs labelled l) and the background (the frame's outer ring outside the
// seed) grow together, weakest edges first, and each pixel joins the
// region that reaches it across the lowest edge. Paper darkened by a shadow
// is reached from the lit paper through the shadow's soft edge long before
// the background can climb over the page outline, so the boundary settles
// on the page's own edge whatever the lighting. Returns per-pixel labels.
func flood(edges []uint8, seed []run, l int32, w, h int) []int32 {
	lab := make([]int32, w*h)
	for _, r := range seed {
		if r.label == l {
			row := lab[int(r.y)*w:]
			for x := r.x0; x < r.x1; x++ {
				row[x] = paperLabel
			}
		}
	}
	ring := func(i int) {
		if lab[i] == unknown {
			lab[i] = background
		}
	}
	for x := range w {
		ring(x)
		ring((h-1)*w + x)
	}
	for y := range h {
		ring(y * w)
		ring(y*w + w - 1)
	}
	q := newBucketQueue(len(lab))
	for i, v := range lab {
		if v != unknown {
			q.grow(lab, edges, i, 0, w)
		}
	}
	for b := 0; b < len(q.buckets); b++ {
		for len(q.buckets[b]) > 0 {
			n := len(q.buckets[b]) - 1
			i := int(q.buckets[b][n])
			q.buckets[b] = q.buckets[b][:n]
			if lab[i] == unknown {
				lab[i] = labelOf(b)
				q.grow(lab, edges, i, b/2, w)
			}
		}
	}
	return lab
}

// bucketQueue orders pixels by the edge level at which a region reaches
// them. Bucket 2·level holds background entries and 2·level+1 paper ones:
// on a tie (a pixel on the page outline itself, as high as the edge the
// paper would cross) the background wins, so the boundary never takes in
// blurred background that would show as a dashed border.
type bucketQueue struct {
	buckets [512][]int32
	queued  []uint16 // 1 + lowest bucket a pixel is queued in, 0 if none
}

func newBucketQueue(n int) *bucketQueue {
	return &bucketQueue{queued: make([]uint16, n)}
}

func labelOf(bucket int) int32 {
	if bucket%2 == 1 {
		return paperLabel
	}
	return background
}

// grow queues the unlabelled 4-neighbours of the labelled pixel i, reached
// at the current level, at their own edge level (never lower). flood
// labels the whole frame's ring before growing, so a neighbour across the
// left or right edge, which wraps to the ring of the next or previous
// row, is never unlabelled, and only the top and bottom need a bounds
// check: finding each pixel's column by division was a third of flood's
// time.
func (q *bucketQueue) grow(lab []int32, edges []uint8, i, level, w int) {
	for _, j := range [4]int{i - 1, i + 1, i - w, i + w} {
		if uint(j) >= uint(len(lab)) || lab[j] != unknown {
			continue
		}
		b := 2 * max(int(edges[j]), level)
		if lab[i] == paperLabel {
			b++
		}
		if q.queued[j] == 0 || b+1 < int(q.queued[j]) {
			q.queued[j] = uint16(b + 1)
			q.buckets[b] = append(q.buckets[b], int32(j))
		}
	}
}
