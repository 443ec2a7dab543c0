package degrade

import (
	"image"
	"math"
)

// gaussKernel returns fixed-point weights (sum 1<<16) for taps −r‥r. Integer
// arithmetic on 8-bit data is roughly twice as fast as float here, and
// 16 fractional bits are far below the visible quantisation.
func gaussKernel(sigma float64) []int32 {
	r := max(1, int(math.Ceil(3*sigma)))
	wf := make([]float64, 2*r+1)
	sum := 0.0
	for i := range wf {
		d := float64(i - r)
		wf[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += wf[i]
	}
	k := make([]int32, len(wf))
	total := int32(0)
	for i := range wf {
		k[i] = int32(math.Round(wf[i] / sum * (1 << 16)))
		total += k[i]
	}
	k[r] += 1<<16 - total // keep flat areas exactly flat
	return k
}

// gaussianBlur blurs img in place. Kernels grow with sigma, so strong blurs
// are computed on a k-times reduced copy and enlarged bilinearly: box
// reduction followed by bilinear enlargement is itself a blur of variance
// about (k/2)², which the reduced kernel leaves room for. The result has no
// detail left at the reduced scale, so nothing is lost.
func gaussianBlur(img *image.RGBA, sigma float64) {
	k := int(sigma / 2)
	if k < 2 {
		separableBlur(img, sigma)
		return
	}
	small := shrink(img, k)
	separableBlur(small, math.Sqrt(sigma*sigma-float64(k*k)/4)/float64(k))
	enlarge(img, small, k)
}

// enlarge overwrites dst with src scaled up k times. A reduced pixel is the
// mean over a k×k cell, i.e. a sample at the cell centre, exactly what a
// field of step k holds.
func enlarge(dst, src *image.RGBA, k int) {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	f := newField(w, h, k, 3, func(x, y float64, out []float32) {
		i, j := min(int(x)/k, sw-1), min(int(y)/k, sh-1)
		p := src.Pix[j*src.Stride+i*4:]
		out[0], out[1], out[2] = float32(p[0]), float32(p[1]), float32(p[2])
	})
	buf := make([]float32, w*3)
	for y := range h {
		f.row(y, buf)
		row := dst.Pix[y*dst.Stride:][:w*4]
		for x := range w {
			row[x*4], row[x*4+1], row[x*4+2] = clamp8(buf[x*3]), clamp8(buf[x*3+1]), clamp8(buf[x*3+2])
		}
	}
}

// separableBlur convolves with a gaussian kernel: a horizontal pass into a
// scratch buffer, then a vertical pass back. Alpha stays opaque because the
// weights sum to exactly one.
func separableBlur(img *image.RGBA, sigma float64) {
	if sigma < 0.05 {
		return
	}
	k := gaussKernel(sigma)
	tmp := make([]uint8, len(img.Pix))
	blurRows(img.Pix, tmp, img.Rect.Dx(), img.Rect.Dy(), img.Stride, k)
	blurCols(tmp, img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride, k)
}

// blurRows pads each row by edge replication so the inner loop has no
// bounds logic.
func blurRows(src, dst []uint8, w, h, stride int, k []int32) {
	r := len(k) / 2
	pad := make([]uint8, (w+2*r)*4)
	for y := range h {
		row := src[y*stride:][:w*4]
		for i := range r {
			copy(pad[i*4:i*4+4], row[:4])
			copy(pad[(r+w+i)*4:(r+w+i)*4+4], row[(w-1)*4:])
		}
		copy(pad[r*4:], row)
		out := dst[y*stride:][:w*4]
		for x := range w {
			// The kernel is symmetric: pair taps to halve the multiplies.
			win := pad[x*4 : (x+2*r+1)*4]
			c := win[r*4 : r*4+3]
			a0, a1, a2 := k[r]*int32(c[0]), k[r]*int32(c[1]), k[r]*int32(c[2])
			for t, wt := range k[:r] {
				p, q := win[t*4:t*4+3], win[(2*r-t)*4:(2*r-t)*4+3]
				a0 += wt * (int32(p[0]) + int32(q[0]))
				a1 += wt * (int32(p[1]) + int32(q[1]))
				a2 += wt * (int32(p[2]) + int32(q[2]))
			}
			out[x*4] = uint8((a0 + 1<<15) >> 16)
			out[x*4+1] = uint8((a1 + 1<<15) >> 16)
			out[x*4+2] = uint8((a2 + 1<<15) >> 16)
			out[x*4+3] = row[x*4+3]
		}
	}
}

// blurCols accumulates whole rows at a time so memory is read sequentially.
func blurCols(src, dst []uint8, w, h, stride int, k []int32) {
	r := len(k) / 2
	acc := make([]int32, w*4)
	for y := range h {
		mid := src[y*stride:][:w*4]
		for i, p := range mid {
			acc[i] = k[r] * int32(p)
		}
		for t, wt := range k[:r] {
			a := src[min(max(y+t-r, 0), h-1)*stride:][:w*4]
			b := src[min(max(y+r-t, 0), h-1)*stride:][:w*4]
			for i := range acc {
				acc[i] += wt * (int32(a[i]) + int32(b[i]))
			}
		}
		out := dst[y*stride:][:w*4]
		for i, a := range acc {
			out[i] = uint8((a + 1<<15) >> 16)
		}
	}
}
