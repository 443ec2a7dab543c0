package degrade

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// photoGeometry is where the page ended up in the stored pixels; tests use it
// to tell page from background.
type photoGeometry struct {
	w, h int
	quad [4]point // page corners TL, TR, BR, BL in output coordinates
}

func photo(page image.Image, o PhotoOptions) ([]byte, photoGeometry, error) {
	if err := o.validate(); err != nil {
		return nil, photoGeometry{}, err
	}
	src, err := opaqueRGBA(page)
	if err != nil {
		return nil, photoGeometry{}, err
	}
	r := newRand(o.Seed)
	geo := photoLayout(r, src.Rect.Dx(), src.Rect.Dy(), o)
	sc, err := photoScene(r, src, geo, o.Dark)
	if err != nil {
		return nil, photoGeometry{}, err
	}
	img := sc.render()
	gaussianBlur(img, photoBlur(r, o))
	photoNoise(o.Dark).apply(img, r)
	jpg, err := encodeJPEG(img, 80+r.IntN(13))
	if err != nil || !o.EXIFRotate {
		return jpg, geo, err
	}
	// As a phone does: the sensor's pixels are sideways and the tag tells
	// viewers the turn that shows the page upright.
	jpg, err = insertAfterSOI(jpg, exifOrientation(orientationTag((360-o.Rotate)%360)))
	return jpg, geo, err
}

func (o PhotoOptions) validate() error {
	switch {
	case o.Rotate != 0 && o.Rotate != 90 && o.Rotate != 180 && o.Rotate != 270:
		return fmt.Errorf("degrade: Rotate must be 0, 90, 180 or 270, not %d", o.Rotate)
	case o.Blur < 0 || math.IsNaN(o.Blur):
		return fmt.Errorf("degrade: negative Blur %v", o.Blur)
	case o.Megapixels < 0 || o.Megapixels > 200 || math.IsNaN(o.Megapixels):
		return fmt.Errorf("degrade: Megapixels %v out of range", o.Megapixels)
	}
	return nil
}

// frameSize gives a 4:3 landscape sensor size. Rounding the width to a
// multiple of 32 reproduces real sensor formats: 12 → 4000×3000,
// 8 → 3264×2448, 5 → 2592×1944.
func frameSize(mp float64) (int, int) {
	if mp == 0 {
		mp = 12
	}
	w := max(64, int(math.Round(math.Sqrt(mp*1e6*4/3)/32))*32)
	return w, w * 3 / 4
}

// photoLayout places the page in the frame: scaled to cover 45–85 % of it,
// keystoned and jittered as a hand-held phone sees it, tilted a few degrees,
// kept inside the frame, then turned by o.Rotate.
func photoLayout(r *rand.Rand, pw, ph int, o PhotoOptions) photoGeometry {
	w, h := frameSize(o.Megapixels)
	if ph > pw { // the agent frames a portrait page with the phone upright
		w, h = h, w
	}
	fw, fh := float64(pw), float64(ph)
	s := math.Sqrt(uniform(r, 0.45, 0.85) * float64(w*h) / (fw * fh))
	q := [4]point{{-fw / 2, -fh / 2}, {fw / 2, -fh / 2}, {fw / 2, fh / 2}, {-fw / 2, fh / 2}}
	for i := range q {
		q[i] = point{q[i].X * s, q[i].Y * s}
	}
	q = keystone(r, q)
	q = rotate(q, signed(r, 1, 8)*math.Pi/180)
	q = fitInFrame(r, q, float64(w), float64(h))
	q, w, h = turn(q, w, h, o.Rotate)
	return photoGeometry{w: w, h: h, quad: q}
}

// keystone narrows one edge, as when the phone is not held parallel to the
// table, and jitters every corner a little for the remaining tilt.
func keystone(r *rand.Rand, q [4]point) [4]point {
	diag := math.Hypot(q[2].X-q[0].X, q[2].Y-q[0].Y)
	e := r.IntN(4)
	a, b := &q[e], &q[(e+1)%4]
	k := uniform(r, 0, 0.06) / 2
	dx, dy := b.X-a.X, b.Y-a.Y
	a.X, a.Y = a.X+dx*k, a.Y+dy*k
	b.X, b.Y = b.X-dx*k, b.Y-dy*k
	for i := range q {
		q[i].X += signed(r, 0, 0.015) * diag
		q[i].Y += signed(r, 0, 0.015) * diag
	}
	return q
}

func rotate(q [4]point, theta float64) [4]point {
	sin, cos := math.Sincos(theta)
	for i, p := range q {
		q[i] = point{p.X*cos - p.Y*sin, p.X*sin + p.Y*cos}
	}
	return q
}

// fitInFrame shrinks the quad if it would leave the frame (the agent backs
// off until the whole page is visible) and places it with a random offset.
func fitInFrame(r *rand.Rand, q [4]point, w, h float64) [4]point {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	const margin = 0.02
	availW, availH := w*(1-2*margin), h*(1-2*margin)
	k := math.Min(1, math.Min(availW/(maxX-minX), availH/(maxY-minY)))
	cx := w/2 + signed(r, 0, 0.5)*(availW-k*(maxX-minX))
	cy := h/2 + signed(r, 0, 0.5)*(availH-k*(maxY-minY))
	mx, my := (minX+maxX)/2, (minY+maxY)/2
	for i, p := range q {
		q[i] = point{cx + (p.X-mx)*k, cy + (p.Y-my)*k}
	}
	return q
}

// turn rotates the frame clockwise by deg, returning the new corner
// positions and frame size. Folding the turn into the homography costs
// nothing, whereas rotating 48 MB of pixels afterwards would.
func turn(q [4]point, w, h, deg int) ([4]point, int, int) {
	fw, fh := float64(w), float64(h)
	for i, p := range q {
		switch deg {
		case 90:
			q[i] = point{fh - p.Y, p.X}
		case 180:
			q[i] = point{fw - p.X, fh - p.Y}
		case 270:
			q[i] = point{p.Y, fw - p.X}
		}
	}
	if deg == 90 || deg == 270 {
		w, h = h, w
	}
	return q, w, h
}

// photoScene sets up paper, table and lighting for one photo.
func photoScene(r *rand.Rand, src *image.RGBA, geo photoGeometry, dark bool) (*scene, error) {
	src, inv, scale, err := pageMapping(src, geo.quad)
	if err != nil {
		return nil, err
	}
	bright := float32(uniform(r, 0.94, 0.985))
	yellow := float32(uniform(r, 0, 0.04))
	warm := float32(uniform(r, -1, 1))
	return &scene{
		w: geo.w, h: geo.h, page: src, toPage: inv, scale: scale,
		paper: [3]float32{bright, bright * (1 - yellow/3), bright * (1 - yellow)},
		gain:  [3]float32{1 + 0.04*warm, 1, 1 - 0.06*warm},
		flare: float32(uniform(r, 6, 20)) * exposureScale(dark),
		bg:    newField(geo.w, geo.h, 4, 3, backgroundTexture(r)),
		light: newField(geo.w, geo.h, 8, 1, photoLight(r, geo.w, geo.h, dark)),
	}, nil
}

// photoLight combines exposure, lens vignetting, a light gradient across
// the table and the soft shadow of the agent's hand or phone.
func photoLight(r *rand.Rand, w, h int, dark bool) func(x, y float64, out []float32) {
	fw, fh := float64(w), float64(h)
	diag := math.Hypot(fw, fh)
	exposure := uniform(r, 0.88, 1.02) * float64(exposureScale(dark))
	vignette := uniform(r, 0.15, 0.4)
	gsin, gcos := math.Sincos(uniform(r, 0, 2*math.Pi))
	gradient := uniform(r, 0.08, 0.25)
	// The shadow edge passes through a random point; it falls on the side
	// away from the centre, so it never hides most of the page.
	px, py := uniform(r, 0.15, 0.85)*fw, uniform(r, 0.15, 0.85)*fh
	nsin, ncos := math.Sincos(math.Atan2(py-fh/2, px-fw/2) + signed(r, 0, 0.5))
	depth := uniform(r, 0.15, 0.4)
	soft := uniform(r, 0.03, 0.12) * diag
	return func(x, y float64, out []float32) {
		dx, dy := (x-fw/2)/(diag/2), (y-fh/2)/(diag/2)
		l := exposure * (1 - vignette*(dx*dx+dy*dy)) * (1 + gradient*(dx*gcos+dy*gsin))
		d := ((x-px)*ncos + (y-py)*nsin) / soft
		t := math.Min(math.Max(d*0.5+0.5, 0), 1)
		out[0] = float32(l * (1 - depth*t*t*(3-2*t)))
	}
}

// exposureScale is how much light an under-exposed shot gathers compared
// with a normal one.
func exposureScale(dark bool) float32 {
	if dark {
		return 0.065
	}
	return 1
}

// photoBlur combines the natural defocus with the requested blur; a dark
// scene also means a long exposure and some hand shake.
func photoBlur(r *rand.Rand, o PhotoOptions) float64 {
	natural := uniform(r, 0.5, 1.2)
	if o.Dark {
		natural += 1
	}
	return math.Hypot(natural, o.Blur)
}

// photoNoise models a small phone sensor; in the dark the camera pushes the
// ISO, which amplifies noise relative to the faint signal.
func photoNoise(dark bool) noiseModel {
	if dark {
		return noiseModel{read: 3, shot: 0.5, chroma: 0.8}
	}
	return noiseModel{read: 1, shot: 0.12, chroma: 0.5}
}
