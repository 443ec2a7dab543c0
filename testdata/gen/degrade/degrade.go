// Package degrade turns clean rendered pages into the images the ingestion
// pipeline really receives: phone photos of paper lying on a table and
// flatbed scans wrapped in a PDF. The synthetic corpus needs this because
// OCR that works on pristine renders says little about how it copes with
// perspective, uneven light, blur, EXIF rotation or scanner speckle.
//
// Everything is driven by an explicit seed, so a corpus can be regenerated
// bit for bit.
package degrade

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
)

// PhotoOptions describes how a phone photo of a page was taken.
type PhotoOptions struct {
	Rotate     int     // 0, 90, 180, 270: how the phone was held (clockwise turn of the page in the final image)
	EXIFRotate bool    // if true, add the EXIF Orientation tag that shows the page upright again, as phones do
	Blur       float64 // extra gaussian blur sigma in px at output scale; 0 = the small natural blur only; >6 = unreadable
	Dark       bool    // a very under-exposed photo (unreadable)
	Megapixels float64 // output size, e.g. 12 (4000×3000) or 5 (2592×1944); 0 = 12
	Seed       int64
}

// Photo returns a JPEG that looks like a phone photo of page lying on a
// table. The frame has the page's orientation (portrait for a portrait page)
// before the Rotate turn is applied.
func Photo(page image.Image, o PhotoOptions) ([]byte, error) {
	b, _, err := photo(page, o)
	return b, err
}

// Scan returns a PDF with one scanned JPEG per page, as a multifunction
// printer in an agency would produce.
func Scan(pages []image.Image, seed int64) ([]byte, error) {
	jpegs, err := scanJPEGs(pages, seed)
	if err != nil {
		return nil, err
	}
	return jpegPDF(jpegs)
}

// newRand derives the generator from the seed with a fixed second word so
// that equal seeds always give equal outputs.
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x636f66667265))
}

// encodeJPEG uses the standard encoder, which always subsamples chroma
// 4:2:0 for colour input, like phone cameras do.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// uniform returns a value in [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*r.Float64()
}

// signed returns a magnitude in [lo, hi) with a random sign.
func signed(r *rand.Rand, lo, hi float64) float64 {
	v := uniform(r, lo, hi)
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}
