package preprocess

import (
	"image"
	"math"
)

// Coordinates are continuous: pixel (i, j) covers [i, i+1)×[j, j+1), so its
// centre is (i+.5, j+.5). With this convention a box downscale by f is exactly
// the scaling x/f and transforms compose without half-pixel drift.

type point struct{ x, y float64 }

// mat3 is a row-major 3×3 projective transform acting on column vectors.
type mat3 [9]float64

func identity() mat3 { return mat3{1, 0, 0, 0, 1, 0, 0, 0, 1} }

func scaling(s float64) mat3 { return mat3{s, 0, 0, 0, s, 0, 0, 0, 1} }

func translation(dx, dy float64) mat3 { return mat3{1, 0, dx, 0, 1, dy, 0, 0, 1} }

// rotation by deg degrees; positive turns content clockwise on screen
// (y grows downwards).
func rotation(deg float64) mat3 {
	s, c := math.Sincos(deg * math.Pi / 180)
	return mat3{c, -s, 0, s, c, 0, 0, 0, 1}
}

// mul returns m∘n: apply n first, then m.
func (m mat3) mul(n mat3) mat3 {
	var r mat3
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			r[i*3+j] = m[i*3]*n[j] + m[i*3+1]*n[3+j] + m[i*3+2]*n[6+j]
		}
	}
	return r
}

func (m mat3) apply(p point) point {
	w := m[6]*p.x + m[7]*p.y + m[8]
	return point{(m[0]*p.x + m[1]*p.y + m[2]) / w, (m[3]*p.x + m[4]*p.y + m[5]) / w}
}

// jacobianDet is the local area magnification of m at (x, y).
func (m mat3) jacobianDet(x, y float64) float64 {
	const h = 0.5
	p, px, py := m.apply(point{x, y}), m.apply(point{x + h, y}), m.apply(point{x, y + h})
	return ((px.x-p.x)*(py.y-p.y) - (px.y-p.y)*(py.x-p.x)) / (h * h)
}

// homography returns the projective map sending from[i] to to[i]. It solves
// the 8×8 direct linear system (h33 = 1); ok is false for degenerate input.
func homography(from, to [4]point) (mat3, bool) {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := from[i].x, from[i].y, to[i].x, to[i].y
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	sol, ok := solve8(a)
	if !ok {
		return mat3{}, false
	}
	return mat3{sol[0], sol[1], sol[2], sol[3], sol[4], sol[5], sol[6], sol[7], 1}, true
}

// solve8 solves an augmented 8×8 system by Gauss-Jordan elimination with
// partial pivoting.
func solve8(a [8][9]float64) ([8]float64, bool) {
	var x [8]float64
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return x, false
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	for i := range x {
		x[i] = a[i][8] / a[i][i]
	}
	return x, true
}

// frameFromQuad builds the document frame from a quad (TL, TR, BR, BL) found
// on a copy downscaled by k. The page size is the mean of opposite sides,
// which slightly underestimates foreshortened sides but keeps the aspect.
func frameFromQuad(q [4]point, k float64) docFrame {
	for i := range q {
		q[i] = point{q[i].x * k, q[i].y * k}
	}
	w := (dist(q[0], q[1]) + dist(q[3], q[2])) / 2
	h := (dist(q[0], q[3]) + dist(q[1], q[2])) / 2
	m, ok := homography([4]point{{0, 0}, {w, 0}, {w, h}, {0, h}}, q)
	if !ok {
		m = identity()
	}
	return docFrame{w: w, h: h, toSrc: m}
}

func dist(a, b point) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }

// uprightFrame maps the upright page (size w×h) back to analysis
// coordinates of size aw×ah: first a quarter turn, then the skew.
type upright struct {
	w, h  float64
	toDoc mat3
}

func uprightFrame(aw, ah float64, o orientation) upright {
	tw, th := aw, ah
	m := identity()
	if o.turned == 90 {
		tw, th = ah, aw
		m = aboutCentres(aw, ah, tw, th, -90)
	}
	if math.Abs(o.skew) <= minSkew {
		return upright{w: tw, h: th, toDoc: m}
	}
	s, c := math.Sincos(math.Abs(o.skew) * math.Pi / 180)
	uw, uh := tw*c+th*s, tw*s+th*c
	return upright{w: uw, h: uh, toDoc: m.mul(aboutCentres(tw, th, uw, uh, o.skew))}
}

// aboutCentres maps an out-frame to an in-frame by a rotation of deg about
// their centres: in = Cin + R(deg)(out - Cout).
func aboutCentres(inW, inH, outW, outH, deg float64) mat3 {
	return translation(inW/2, inH/2).mul(rotation(deg)).mul(translation(-outW/2, -outH/2))
}

// warp resamples src through m (output → source coordinates) bilinearly into
// a w×h image; samples falling outside src are white, like paper.
func warp(src *image.Gray, m mat3, w, h int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	if m[1] == 0 && m[3] == 0 && m[6] == 0 && m[7] == 0 && m[8] == 1 {
		scaleAxes(out, src, m)
	} else {
		warpRows(out, src, m)
	}
	return out
}

func warpRows(out, src *image.Gray, m mat3) {
	w := out.Rect.Dx()
	inBands(out.Rect.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			fy := float64(y) + 0.5
			// homogeneous coordinates are affine along a row: step them.
			start := [3]float64{m[0]*0.5 + m[1]*fy + m[2], m[3]*0.5 + m[4]*fy + m[5], m[6]*0.5 + m[7]*fy + m[8]}
			warpRow(out.Pix[y*out.Stride:y*out.Stride+w], src, start, [3]float64{m[0], m[3], m[6]})
		}
	})
}

// scaleAxes is warp for a mapping that only scales and shifts, the
// clean page's case: the source column of each output column is the same
// on every row, so it is found once, not per pixel with a division. The
// samples are warpRow's to the bit.
func scaleAxes(out, src *image.Gray, m mat3) {
	w, sw, sh, st, p := out.Rect.Dx(), src.Rect.Dx(), src.Rect.Dy(), src.Stride, src.Pix
	// cols[x] is the sample's first source column, with its weight in the
	// low 8 bits; -1 off the page, -2 on the rim (warpRow's float path).
	cols, xs := make([]int, w), make([]float64, w)
	sx := m[0]*0.5 + m[2]
	for x := range cols {
		xs[x] = sx
		switch ix := int(sx*256) - 128; {
		case !(sx >= 0 && sx <= float64(sw)):
			cols[x] = -1
		case ix>>8 < 0 || ix>>8 >= sw-1:
			cols[x] = -2
		default:
			cols[x] = ix
		}
		sx += m[0]
	}
	inBands(out.Rect.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := out.Pix[y*out.Stride : y*out.Stride+w]
			sy := m[4]*(float64(y)+0.5) + m[5]
			iy := int(sy*256) - 128
			if !(sy >= 0 && sy <= float64(sh)) || iy>>8 < 0 || iy>>8 >= sh-1 {
				warpRow(row, src, [3]float64{m[0]*0.5 + m[2], sy, 1}, [3]float64{m[0], 0, 0})
				continue
			}
			fy := uint32(iy & 255)
			top, bot := p[(iy>>8)*st:], p[(iy>>8+1)*st:]
			for x, c := range cols {
				if c < 0 {
					if c == -1 {
						row[x] = 255
					} else {
						row[x] = bilinear(src, min(max(xs[x]-.5, 0), float64(sw)-1), min(max(sy-.5, 0), float64(sh)-1))
					}
					continue
				}
				x0, fx := c>>8, uint32(c&255)
				t := uint32(top[x0])*(256-fx) + uint32(top[x0+1])*fx
				b := uint32(bot[x0])*(256-fx) + uint32(bot[x0+1])*fx
				row[x] = uint8((t*(256-fy) + b*fy + 1<<15) >> 16)
			}
		}
	})
}

// warpRow fills one output row. Interior samples use 8-bit fixed-point
// weights (the hot path of Prepare on a 12 MP photo); the one-pixel rim of
// src goes through the clamping float path.
func warpRow(row []uint8, src *image.Gray, h, step [3]float64) {
	sw, sh, st, p := src.Rect.Dx(), src.Rect.Dy(), src.Stride, src.Pix
	fw, fh := float64(sw), float64(sh)
	for x := range row {
		inv := 1 / h[2]
		sx, sy := h[0]*inv, h[1]*inv // continuous coords; pixel centres at +.5
		h[0], h[1], h[2] = h[0]+step[0], h[1]+step[1], h[2]+step[2]
		if !(sx >= 0 && sy >= 0 && sx <= fw && sy <= fh) {
			row[x] = 255
			continue
		}
		ix, iy := int(sx*256)-128, int(sy*256)-128
		x0, y0 := ix>>8, iy>>8
		if x0 < 0 || y0 < 0 || x0 >= sw-1 || y0 >= sh-1 {
			row[x] = bilinear(src, min(max(sx-.5, 0), fw-1), min(max(sy-.5, 0), fh-1))
			continue
		}
		fx, fy := uint32(ix&255), uint32(iy&255)
		i := y0*st + x0
		top := uint32(p[i])*(256-fx) + uint32(p[i+1])*fx
		bot := uint32(p[i+st])*(256-fx) + uint32(p[i+st+1])*fx
		row[x] = uint8((top*(256-fy) + bot*fy + 1<<15) >> 16)
	}
}

// bilinear samples src at pixel-index coordinates already clamped to the image.
func bilinear(src *image.Gray, sx, sy float64) uint8 {
	x0, y0 := int(sx), int(sy)
	fx, fy := sx-float64(x0), sy-float64(y0)
	i := y0*src.Stride + x0
	dx, dy := 1, src.Stride
	if x0+1 >= src.Rect.Dx() {
		dx = 0
	}
	if y0+1 >= src.Rect.Dy() {
		dy = 0
	}
	p := src.Pix
	top := float64(p[i]) + fx*(float64(p[i+dx])-float64(p[i]))
	bot := float64(p[i+dy]) + fx*(float64(p[i+dy+dx])-float64(p[i+dy]))
	return uint8(top + fy*(bot-top) + 0.5)
}
