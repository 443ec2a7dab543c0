package preprocess

import (
	"image"
	"image/color"
	"image/draw"
)

// toGray returns the luma of img as an origin-based *image.Gray. For JPEG
// (YCbCr) and gray input it is a zero-copy view: the Y plane already is
// luma, and copying 12 MP would cost more than the rest of the analysis.
// The view is only read; render always writes to a fresh image.
func toGray(img image.Image) *image.Gray {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		off := m.YOffset(r.Min.X, r.Min.Y)
		return &image.Gray{Pix: m.Y[off:], Stride: m.YStride, Rect: image.Rect(0, 0, w, h)}
	case *image.Gray:
		off := m.PixOffset(r.Min.X, r.Min.Y)
		return &image.Gray{Pix: m.Pix[off:], Stride: m.Stride, Rect: image.Rect(0, 0, w, h)}
	case *image.RGBA:
		return rgbToGray(m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, w, h)
	case *image.NRGBA:
		// Non-premultiplied: fine for opaque photos, which is all we get.
		return rgbToGray(m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, w, h)
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(g, g.Rect, img, r.Min, draw.Src)
	return g
}

// rgbToGray converts interleaved RGBA bytes with BT.601 weights, as JPEG does.
func rgbToGray(pix []uint8, stride, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := pix[y*stride : y*stride+4*w]
		dst := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := range dst {
			r, gg, b := uint32(src[4*x]), uint32(src[4*x+1]), uint32(src[4*x+2])
			dst[x] = uint8((19595*r + 38470*gg + 7471*b + 1<<15) >> 16)
		}
	}
	return g
}

func cloneGray(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(out.Pix[y*w:(y+1)*w], g.Pix[y*g.Stride:])
	}
	return out
}

// boxDown shrinks g by an integer factor f, averaging f×f blocks: an exact
// anti-aliasing filter for the scale, and a single cheap pass over the pixels.
func boxDown(g *image.Gray, f int) *image.Gray {
	if f <= 1 {
		return g
	}
	ow, oh := max(1, g.Rect.Dx()/f), max(1, g.Rect.Dy()/f)
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	acc := make([]uint32, ow)
	n := uint32(f * f)
	for oy := 0; oy < oh; oy++ {
		clear(acc)
		for y := oy * f; y < min(oy*f+f, g.Rect.Dy()); y++ {
			row := g.Pix[y*g.Stride:]
			for ox := range acc {
				var s uint32
				for _, v := range row[ox*f : ox*f+f] {
					s += uint32(v)
				}
				acc[ox] += s
			}
		}
		dst := out.Pix[oy*out.Stride:]
		for ox, s := range acc {
			dst[ox] = uint8((s + n/2) / n)
		}
	}
	return out
}

// chromaDown returns, on the same grid as boxDown(·, f), how coloured each
// block is (|Cb-128|+|Cr-128|, sampled at the block centre), or nil for
// gray input. Paper is nearly neutral, wooden tables and fabrics are not.
func chromaDown(img image.Image, f int) *image.Gray {
	r := img.Bounds()
	ow, oh := max(1, r.Dx()/f), max(1, r.Dy()/f)
	var sample func(x, y int) uint8
	switch m := img.(type) {
	case *image.YCbCr:
		sample = func(x, y int) uint8 {
			i := m.COffset(x, y)
			return chromaOf(m.Cb[i], m.Cr[i])
		}
	case *image.RGBA, *image.NRGBA:
		sample = func(x, y int) uint8 {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			_, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			return chromaOf(cb, cr)
		}
	default:
		return nil
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			out.Pix[oy*out.Stride+ox] = sample(r.Min.X+ox*f+f/2, r.Min.Y+oy*f+f/2)
		}
	}
	return out
}

func chromaOf(cb, cr uint8) uint8 {
	d := abs(int(cb)-128) + abs(int(cr)-128)
	return uint8(min(d, 255))
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
