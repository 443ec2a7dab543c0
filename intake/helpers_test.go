package intake

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"coffre"
)

// gradient returns a w×h colour image whose every pixel differs from its
// mirror images, so a wrong rotation or size shows.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIFOrientation inserts an APP1 EXIF segment holding only the
// Orientation tag right after the JPEG's SOI marker.
func withEXIFOrientation(jpg []byte, o uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1} // big endian, one entry
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112)
	tiff = binary.BigEndian.AppendUint16(tiff, 3) // SHORT
	tiff = binary.BigEndian.AppendUint32(tiff, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, o)
	tiff = append(tiff, 0, 0, 0, 0, 0, 0) // padding, next IFD = 0
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append(append([]byte{}, jpg[:2]...), seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantCode fails unless err is a *coffre.Error of code with a message.
func wantCode(t *testing.T, err error, code string) *coffre.Error {
	t.Helper()
	ce, ok := errors.AsType[*coffre.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *coffre.Error; want code %s", err, err, code)
	}
	if ce.Code != code {
		t.Fatalf("code %q, want %q (err: %v)", ce.Code, code, err)
	}
	if ce.Message == "" || ce.Err == nil {
		t.Fatalf("coded error lacks message or cause: %#v", ce)
	}
	return ce
}

func mustOpen(t *testing.T, data []byte, lim Limits) *Document {
	t.Helper()
	doc, err := Open(context.Background(), data, lim)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return doc
}
