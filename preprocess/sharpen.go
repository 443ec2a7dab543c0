package preprocess

import "image"

// Sharpening: a photo taken from a step back, of a photocopy or of a card
// lying on a table, gives text a few pixels of blur once brought to the
// size Tesseract reads, and pale: Tesseract then finds almost no text.
// An unsharp mask (the page plus sharpenAmount times its difference from
// a local mean) restores the strokes' edges.
//
// On the corpus's three such photos, a 9 px box and an amount of 3 read
// all three as identity documents; radius 3 or 5, or a lighter amount,
// lost one or two of them.
const (
	sharpenRadius = 4 // the local mean's box is 2r+1 px: about a stroke's blur at the prepared size
	sharpenAmount = 3 // how much of the difference is added back
)

// Sharpen returns an unsharp-masked copy of g. The pipeline reads a
// photo again through it when the photo as it is gave almost no text.
func Sharpen(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	if w == 0 || h == 0 {
		return out
	}
	r := sharpenRadius
	// Horizontal sums of the box, then vertical: each pixel's box sum in
	// two running sums, whatever the radius. The box is clipped at the
	// edges, its sum divided by the pixels it holds. darkerThanLocal
	// slides the same kind of window, fused with its own test: a helper
	// giving both their sums made it 19 % slower, and it runs on every
	// page, this only on the few that read poorly.
	rows := make([]int32, w*h)
	for y := range h {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		dst := rows[y*w : (y+1)*w]
		var s int32
		for x := 0; x < min(r, w); x++ {
			s += int32(src[x])
		}
		for x := range w {
			if x+r < w {
				s += int32(src[x+r])
			}
			if x-r-1 >= 0 {
				s -= int32(src[x-r-1])
			}
			dst[x] = s
		}
	}
	cols := make([]int32, w)
	for y := 0; y < min(r, h); y++ {
		for x, v := range rows[y*w : (y+1)*w] {
			cols[x] += v
		}
	}
	for y := range h {
		if y+r < h {
			for x, v := range rows[(y+r)*w : (y+r+1)*w] {
				cols[x] += v
			}
		}
		if y-r-1 >= 0 {
			for x, v := range rows[(y-r-1)*w : (y-r)*w] {
				cols[x] -= v
			}
		}
		ny := int32(min(y+r, h-1) - max(y-r, 0) + 1)
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range src {
			nx := int32(min(x+r, w-1) - max(x-r, 0) + 1)
			mean := float64(cols[x]) / float64(nx*ny)
			s := float64(v) + sharpenAmount*(float64(v)-mean)
			dst[x] = uint8(min(255, max(0, s+0.5)))
		}
	}
	return out
}
