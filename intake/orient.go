package intake

import "image"

// orient returns g transformed so that it looks as the photographer saw
// it, for EXIF orientation o (1–8; anything else is left as is).
func orient(g *image.Gray, o int) *image.Gray {
	if o < 2 || o > 8 {
		return g
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	origin, stepX, stepY := placement(o, w, h)
	for y := 0; y < h; y++ {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		di := origin + y*stepY
		for _, v := range src {
			dst.Pix[di] = v
			di += stepX
		}
	}
	return dst
}

// placement returns, for orientation o of a w×h source, the destination
// index of source pixel (0, 0) and how far one step right (stepX) or down
// (stepY) in the source moves in the destination.
func placement(o, w, h int) (origin, stepX, stepY int) {
	switch o {
	case 2: // mirror left-right
		return w - 1, -1, w
	case 3: // rotate 180°
		return (h-1)*w + w - 1, -1, -w
	case 4: // mirror top-bottom
		return (h - 1) * w, 1, -w
	case 5: // transpose: (x, y) → (y, x)
		return 0, h, 1
	case 6: // rotate 90° clockwise: (x, y) → (h-1-y, x)
		return h - 1, h, -1
	case 7: // transverse: (x, y) → (h-1-y, w-1-x)
		return (w-1)*h + h - 1, -h, -1
	case 8: // rotate 90° counter-clockwise: (x, y) → (y, w-1-x)
		return (w - 1) * h, -h, 1
	}
	return 0, 1, w
}
