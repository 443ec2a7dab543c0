package degrade

import (
	"errors"
	"math"
)

// point is a position in continuous pixel coordinates: the top-left corner
// of pixel (0,0) is (0,0) and its centre is (0.5,0.5).
type point struct{ X, Y float64 }

// homography is a row-major 3×3 projective matrix acting on (x, y, 1).
type homography [9]float64

// errDegenerate means the four point pairs do not define a projective map
// (three collinear corners, repeated points…).
var errDegenerate = errors.New("degrade: degenerate point configuration")

// solveHomography returns the homography taking src[i] to dst[i]. Fixing the
// bottom-right coefficient to 1 leaves 8 unknowns; each pair gives two linear
// equations (the projective division multiplied out):
//
//	a·x + b·y + c − g·x·X − h·y·X = X
//	d·x + e·y + f − g·x·Y − h·y·Y = Y
func solveHomography(src, dst [4]point) (homography, error) {
	var m [8][9]float64 // augmented matrix [A | rhs]
	for i := range 4 {
		x, y, X, Y := src[i].X, src[i].Y, dst[i].X, dst[i].Y
		m[2*i] = [9]float64{x, y, 1, 0, 0, 0, -x * X, -y * X, X}
		m[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -x * Y, -y * Y, Y}
	}
	sol, err := gaussSolve(m)
	if err != nil {
		return homography{}, err
	}
	var h homography
	copy(h[:8], sol[:])
	h[8] = 1
	return h, nil
}

// gaussSolve solves the 8×8 system by elimination with partial pivoting,
// which is plenty stable for well-spread image corners.
func gaussSolve(m [8][9]float64) ([8]float64, error) {
	const n = 8
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if math.Abs(m[piv][col]) < 1e-12 {
			return [8]float64{}, errDegenerate
		}
		m[col], m[piv] = m[piv], m[col]
		for r := col + 1; r < n; r++ {
			f := m[r][col] / m[col][col]
			for c := col; c <= n; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	var x [8]float64
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for c := r + 1; c < n; c++ {
			s -= m[r][c] * x[c]
		}
		x[r] = s / m[r][r]
	}
	return x, nil
}

// apply maps p through h.
func (h homography) apply(p point) point {
	w := h[6]*p.X + h[7]*p.Y + h[8]
	return point{(h[0]*p.X + h[1]*p.Y + h[2]) / w, (h[3]*p.X + h[4]*p.Y + h[5]) / w}
}

// inverse uses the adjugate: a homography is only defined up to scale, so
// dividing by the determinant is unnecessary, but it keeps the numbers tame.
func (h homography) inverse() (homography, error) {
	a, b, c, d, e, f, g, k, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	adj := homography{
		e*i - f*k, c*k - b*i, b*f - c*e,
		f*g - d*i, a*i - c*g, c*d - a*f,
		d*k - e*g, b*g - a*k, a*e - b*d,
	}
	det := a*adj[0] + b*adj[3] + c*adj[6]
	if math.Abs(det) < 1e-15 {
		return homography{}, errDegenerate
	}
	for j := range adj {
		adj[j] /= det
	}
	return adj, nil
}

// quadArea is the shoelace formula.
func quadArea(q [4]point) float64 {
	a := 0.0
	for i := range q {
		j := (i + 1) % 4
		a += q[i].X*q[j].Y - q[j].X*q[i].Y
	}
	return math.Abs(a) / 2
}
