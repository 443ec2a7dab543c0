package intake

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"coffre"
	"coffre/testdata/gen/pdfbuild"
)

// FuzzOpen checks that no input makes Open panic, return an uncoded
// error, or return pages beyond the limits. Seeds are the fixtures.
func FuzzOpen(f *testing.F) {
	jpg := encodeJPEG(f, gradient(16, 8), 80)
	f.Add(jpg)
	f.Add(withEXIFOrientation(jpg, 6))
	f.Add(encodePNG(f, gradient(9, 7)))
	f.Add(readFixture(f, "tiny.webp"))
	f.Add(readFixture(f, "tiny.heic"))
	f.Add(writeTIFF(binary.BigEndian, []tiffPage{{3, 2}, {2, 3}}))
	f.Add(importedScan(f, jpg))
	f.Add(onePage("/Rotate 90", drawIm1, pdfbuild.Stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0, 1, 2, 3})))
	f.Add(pngHeaderOnly(600, 600))
	codes := []string{coffre.EUNSUPPORTED, coffre.ETOOLARGE, coffre.ECORRUPT, coffre.EEMPTY}
	lim := Limits{MaxBytes: 1 << 20, MaxPages: 4, MaxPixels: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Open(context.Background(), data, lim)
		if err != nil {
			ce, ok := errors.AsType[*coffre.Error](err)
			if !ok || !slices.Contains(codes, ce.Code) || ce.Message == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if len(doc.Pages) == 0 || len(doc.Pages) > lim.MaxPages {
			t.Fatalf("%d pages", len(doc.Pages))
		}
		for _, p := range doc.Pages {
			if p.Image != nil && p.Image.Bounds().Dx()*p.Image.Bounds().Dy() > lim.MaxPixels {
				t.Fatalf("page of %v beyond the pixel budget", p.Image.Bounds())
			}
		}
	})
}
