package intake

import (
	"context"
	"testing"
)

// BenchmarkOpenJPEG12MP measures a 4000×3000 phone photo from bytes to
// upright gray, as stored and with EXIF orientation 6 (portrait shots).
func BenchmarkOpenJPEG12MP(b *testing.B) {
	img := gradient(4000, 3000)
	seed := uint32(1)
	for i := range img.Pix {
		if i%4 != 3 {
			seed = seed*1664525 + 1013904223
			img.Pix[i] += uint8(seed>>24) / 8
		}
	}
	jpg := encodeJPEG(b, img, 90)
	b.Logf("JPEG of %d bytes", len(jpg))
	for _, o := range []uint16{1, 6} {
		data := withEXIFOrientation(jpg, o)
		b.Run(map[uint16]string{1: "upright", 6: "rotated"}[o], func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Open(context.Background(), data, DefaultLimits()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
