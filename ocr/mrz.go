package ocr

import (
	"context"
	"fmt"
	"image"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/image/draw"
)

// The machine-readable zone of an identity document is printed in OCR-B
// with 37 characters. Reading it again with an engine that knows only
// those, without French dictionaries, turns the page pass's "«" and "K"
// for '<' and its O for 0 into the right characters far more often; the
// check digits then catch what is left.
const mrzChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

func newMRZClient() (*gosseract.Client, error) {
	return newClient("eng", map[gosseract.SettableVariable]string{
		"tessedit_pageseg_mode":   "6", // one uniform block of text
		"tessedit_char_whitelist": mrzChars,
		"load_system_dawg":        "0",
		"load_freq_dawg":          "0",
	})
}

// ReadMRZ reads band, a region of img holding the lines of a
// machine-readable zone, enlarged by scale, and returns its lines as
// read, one per line.
func (p *Pool) ReadMRZ(ctx context.Context, img *image.Gray, band image.Rectangle, scale float64) (string, error) {
	band = band.Intersect(img.Rect)
	if band.Empty() || scale <= 0 {
		return "", nil
	}
	s, err := p.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer p.release(s)
	scaled := image.NewGray(image.Rect(0, 0, max(1, int(float64(band.Dx())*scale)), max(1, int(float64(band.Dy())*scale))))
	draw.CatmullRom.Scale(scaled, scaled.Rect, img, band, draw.Src, nil)
	if err := setImage(s.mrz, scaled); err != nil {
		return "", fmt.Errorf("MRZ: %w", err)
	}
	text, err := s.mrz.Text()
	if err != nil {
		return "", fmt.Errorf("ocr: read MRZ: %w", err)
	}
	return text, nil
}
