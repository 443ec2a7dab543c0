package degrade

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// opaqueRGBA flattens any image onto white paper in a tight RGBA buffer so
// the hot loops can index Pix directly; transparent areas of a rendered page
// are blank paper, not black.
func opaqueRGBA(img image.Image) (*image.RGBA, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, errors.New("degrade: empty page image")
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Over)
	return dst, nil
}

// shrink box-averages src by an integer factor. Bilinear sampling only looks
// at 4 texels, so a page shown at less than ~half size would alias (thin
// strokes vanishing or turning into moiré) without this prefilter.
func shrink(src *image.RGBA, k int) *image.RGBA {
	w, h := src.Rect.Dx()/k, src.Rect.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	acc := make([]uint32, w*4)
	n := uint32(k * k)
	for y := range h {
		clear(acc)
		for sy := y * k; sy < y*k+k; sy++ {
			row := src.Pix[sy*src.Stride:]
			for x := range w {
				for sx := x * k; sx < x*k+k; sx++ {
					p := row[sx*4 : sx*4+4]
					a := acc[x*4 : x*4+4]
					a[0] += uint32(p[0])
					a[1] += uint32(p[1])
					a[2] += uint32(p[2])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for i := range w {
			out[i*4] = uint8(acc[i*4] / n)
			out[i*4+1] = uint8(acc[i*4+1] / n)
			out[i*4+2] = uint8(acc[i*4+2] / n)
			out[i*4+3] = 255
		}
	}
	return dst
}

// field is a smooth quantity (background texture, illumination) stored on a
// coarse grid and upsampled bilinearly. Evaluating procedural noise on every
// one of 12 M pixels would dominate the run time, and these quantities carry
// no detail finer than a few pixels anyway.
type field struct {
	w, h, step, ch int
	v              []float32
	x0             []int32   // per output column: left coarse sample
	wx             []float32 // per output column: weight of the right sample
	tmp            []float32
}

// newField samples fn at the centre of every step×step cell of a width×height
// image; fn writes ch values into out.
func newField(width, height, step, ch int, fn func(x, y float64, out []float32)) *field {
	f := &field{w: width/step + 2, h: height/step + 2, step: step, ch: ch}
	f.v = make([]float32, f.w*f.h*ch)
	for j := range f.h {
		for i := range f.w {
			fn((float64(i)+0.5)*float64(step), (float64(j)+0.5)*float64(step), f.v[(j*f.w+i)*ch:][:ch])
		}
	}
	f.x0 = make([]int32, width)
	f.wx = make([]float32, width)
	for x := range width {
		i, t := f.coord(x, f.w)
		f.x0[x], f.wx[x] = int32(i), t
	}
	f.tmp = make([]float32, f.w*ch)
	return f
}

// coord locates output pixel x between two coarse samples.
func (f *field) coord(x, n int) (int, float32) {
	c := (float64(x)+0.5)/float64(f.step) - 0.5
	c = math.Max(0, math.Min(c, float64(n-1)-1e-6))
	i := int(c)
	return i, float32(c - float64(i))
}

// row writes the upsampled values of output row y into dst (len = width·ch).
func (f *field) row(y int, dst []float32) {
	j, t := f.coord(y, f.h)
	a, b := f.v[j*f.w*f.ch:][:f.w*f.ch], f.v[(j+1)*f.w*f.ch:][:f.w*f.ch]
	for i := range f.tmp {
		f.tmp[i] = a[i] + (b[i]-a[i])*t
	}
	ch := f.ch
	for x, x0 := range f.x0 {
		l, r, w := f.tmp[int(x0)*ch:], f.tmp[int(x0)*ch+ch:], f.wx[x]
		for c := range ch {
			dst[x*ch+c] = l[c] + (r[c]-l[c])*w
		}
	}
}

// clamp8 rounds to the nearest 8-bit level.
func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
