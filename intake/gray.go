package intake

import (
	"image"
	"image/color"
)

// toGray converts img to luma, working on the pixel arrays of the types
// decoders actually return; a generic At loop covers the rest.
// Transparent pixels become white, since a document's background is paper.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		// JPEG's Y plane is the luma itself: copying it drops the chroma.
		return grayFromPlane(b, m.Y, m.YStride)
	case *image.NRGBA:
		return grayFromRGBA(b, m.Pix, m.Stride, false)
	case *image.RGBA:
		return grayFromRGBA(b, m.Pix, m.Stride, true)
	case *image.Paletted:
		return grayFromPaletted(m)
	}
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := g.Pix[(y-b.Min.Y)*g.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			row[x-b.Min.X] = color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
		}
	}
	return g
}

// grayFromPlane copies a one-byte-per-pixel plane into a compact Gray.
func grayFromPlane(b image.Rectangle, pix []byte, stride int) *image.Gray {
	w, h := b.Dx(), b.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(g.Pix[y*w:(y+1)*w], pix[y*stride:y*stride+w])
	}
	return g
}

// grayFromRGBA converts 8-bit RGBA pixels, premultiplied or not, composing
// them over white.
func grayFromRGBA(b image.Rectangle, pix []byte, stride int, premultiplied bool) *image.Gray {
	w, h := b.Dx(), b.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := pix[y*stride : y*stride+4*w]
		dst := g.Pix[y*w : (y+1)*w]
		for x := range dst {
			p := src[4*x : 4*x+4 : 4*x+4]
			l := luma(p[0], p[1], p[2])
			a := uint32(p[3])
			if !premultiplied {
				l = l * a / 255
			}
			dst[x] = uint8(l + 255 - a)
		}
	}
	return g
}

// grayFromPaletted maps palette indices through a precomputed luma table
// (scanners often write paletted PNGs).
func grayFromPaletted(m *image.Paletted) *image.Gray {
	var table [256]uint8
	for i, c := range m.Palette {
		r, gr, b, a := c.RGBA()
		l := luma(uint8(r>>8), uint8(gr>>8), uint8(b>>8))
		table[i] = uint8(l + 255 - a>>8) // RGBA() is premultiplied
	}
	g := grayFromPlane(m.Rect, m.Pix, m.Stride)
	for i, v := range g.Pix {
		g.Pix[i] = table[v]
	}
	return g
}

// luma is color.GrayModel's formula on 8-bit components.
func luma(r, g, b uint8) uint32 {
	return (19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16
}
