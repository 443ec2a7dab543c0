package degrade

import (
	"image"
	"math"
)

// scene describes one exposure: a flat page lying in front of a background,
// seen through a projective map, under smooth illumination.
type scene struct {
	w, h   int
	page   *image.RGBA
	toPage homography // output continuous coords → page continuous coords
	scale  float64    // output pixels per page pixel, for edge antialiasing
	paper  [3]float32 // paper colour relative to pure white
	gain   [3]float32 // white balance × exposure
	flare  float32    // veiling glare in 8-bit levels: real blacks are never 0
	bg     *field     // 3 channels, 0‥255
	light  *field     // 1 channel, multiplicative
}

// render rasterises the scene with an inverse mapping: every output pixel
// looks up where it lands on the page, so there are no holes and each
// pixel is written exactly once.
func (s *scene) render() *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	bg := make([]float32, s.w*3)
	light := make([]float32, s.w)
	for y := range s.h {
		s.bg.row(y, bg)
		s.light.row(y, light)
		s.renderRow(y, bg, light, out.Pix[y*out.Stride:][:s.w*4])
	}
	return out
}

func (s *scene) renderRow(y int, bg, light []float32, dst []uint8) {
	m := s.toPage
	pw, ph := float64(s.page.Rect.Dx()), float64(s.page.Rect.Dy())
	// The projective numerators and denominator are affine in x, so they
	// are stepped rather than recomputed; one division per pixel remains.
	Y := float64(y) + 0.5
	nu := m[0]*0.5 + m[1]*Y + m[2]
	nv := m[3]*0.5 + m[4]*Y + m[5]
	dw := m[6]*0.5 + m[7]*Y + m[8]
	for x := range s.w {
		inv := 1 / dw
		u, v := nu*inv, nv*inv
		nu, nv, dw = nu+m[0], nv+m[3], dw+m[6]

		c := [3]float32{bg[x*3], bg[x*3+1], bg[x*3+2]}
		// Signed distance to the nearest page edge, in output pixels,
		// gives a one-pixel-wide antialiased paper border.
		if a := min(u, pw-u, v, ph-v)*s.scale + 0.5; a > 0 {
			alpha := float32(math.Min(a, 1))
			p := s.sample(u-0.5, v-0.5)
			for k := range c {
				c[k] += (p[k]*s.paper[k] - c[k]) * alpha
			}
		}
		l := light[x]
		for k := range c {
			dst[x*4+k] = clamp8(c[k]*l*s.gain[k] + s.flare)
		}
		dst[x*4+3] = 255
	}
}

// sample reads the page bilinearly at texel coordinates (texel centres on
// integers), clamping at the border.
func (s *scene) sample(u, v float64) [3]float32 {
	pw, ph := s.page.Rect.Dx(), s.page.Rect.Dy()
	u = math.Max(0, math.Min(u, float64(pw-1)))
	v = math.Max(0, math.Min(v, float64(ph-1)))
	x0, y0 := int(u), int(v)
	x1, y1 := min(x0+1, pw-1), min(y0+1, ph-1)
	fx, fy := float32(u-float64(x0)), float32(v-float64(y0))
	pix, st := s.page.Pix, s.page.Stride
	r0, r1 := pix[y0*st:], pix[y1*st:]
	var out [3]float32
	for k := range out {
		top := float32(r0[x0*4+k]) + (float32(r0[x1*4+k])-float32(r0[x0*4+k]))*fx
		bot := float32(r1[x0*4+k]) + (float32(r1[x1*4+k])-float32(r1[x0*4+k]))*fx
		out[k] = top + (bot-top)*fy
	}
	return out
}

// pageMapping returns the page to sample (prefiltered when it is shown
// at less than half size) and the map from output to page coordinates for
// a page whose corners TL, TR, BR, BL land on quad.
func pageMapping(src *image.RGBA, quad [4]point) (*image.RGBA, homography, float64, error) {
	scale := math.Sqrt(quadArea(quad) / float64(src.Rect.Dx()*src.Rect.Dy()))
	if k := int(1 / scale); k >= 2 {
		src, scale = shrink(src, k), scale*float64(k)
	}
	pw, ph := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	h, err := solveHomography([4]point{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}}, quad)
	if err != nil {
		return nil, homography{}, 0, err
	}
	inv, err := h.inverse()
	return src, inv, scale, err
}
