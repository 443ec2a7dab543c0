package intake

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"coffre"
)

func TestOpenFormats(t *testing.T) {
	for _, tc := range []struct {
		name        string
		data        []byte
		mime        string
		pages, w, h int
	}{
		{"jpeg", encodeJPEG(t, gradient(64, 48), 85), "image/jpeg", 1, 64, 48},
		{"png", encodePNG(t, gradient(50, 30)), "image/png", 1, 50, 30},
		{"png paletted", encodePNG(t, image.NewPaletted(image.Rect(0, 0, 9, 5), color.Palette{color.White})), "image/png", 1, 9, 5},
		{"webp (cwebp)", readFixture(t, "tiny.webp"), "image/webp", 1, 64, 48},
		{"heic (heif-enc)", readFixture(t, "tiny.heic"), "image/heic", 1, 64, 48},
		{"tiff 2 pages", writeTIFF(binary.BigEndian, []tiffPage{{64, 48}, {64, 48}}), "image/tiff", 2, 64, 48},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustOpen(t, tc.data, DefaultLimits())
			if doc.Mime != tc.mime || len(doc.Pages) != tc.pages {
				t.Fatalf("got %s with %d pages, want %s with %d", doc.Mime, len(doc.Pages), tc.mime, tc.pages)
			}
			for i, p := range doc.Pages {
				g, ok := p.Image.(*image.Gray)
				if !ok || g.Rect != image.Rect(0, 0, tc.w, tc.h) {
					t.Fatalf("page %d: %T %v, want *image.Gray %dx%d", i+1, p.Image, p.Image.Bounds(), tc.w, tc.h)
				}
			}
		})
	}
}

func TestGrayConversion(t *testing.T) {
	// A dark top-left corner must stay dark and transparent pixels must
	// become white paper, whatever the decoded pixel type.
	img := gradient(20, 10)
	copy(img.Pix, []byte{0, 0, 0, 255}) // opaque black at (0,0)
	img.Pix[len(img.Pix)-1] = 0         // transparent at the bottom-right
	g := mustOpen(t, encodePNG(t, img), DefaultLimits()).Pages[0].Image.(*image.Gray)
	if g.Pix[0] != 0 || g.Pix[len(g.Pix)-1] != 255 {
		t.Fatalf("black pixel -> %d (want 0), transparent -> %d (want 255)", g.Pix[0], g.Pix[len(g.Pix)-1])
	}
}

// pngHeaderOnly returns a PNG signature and an IHDR claiming w×h, with a
// tiny IDAT: what a pixel bomb looks like to DecodeConfig.
func pngHeaderOnly(w, h uint32) []byte {
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		body := append([]byte(typ), data...)
		out = append(out, body...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit gray
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	out = chunk(out, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	return chunk(out, "IEND", nil)
}

func zipFile(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("avis.pdf")
	w.Write([]byte("%PDF-1.4 not really"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestOpenRefusals(t *testing.T) {
	jpg := encodeJPEG(t, gradient(64, 48), 85)
	for _, tc := range []struct {
		name, code, inMessage string
		data                  []byte
	}{
		{"0 bytes", coffre.EEMPTY, "Le fichier est vide", nil},
		{"text file", coffre.EUNSUPPORTED, "(txt) : envoyez une photo (JPEG, PNG, WebP, HEIC, TIFF) ou un PDF", []byte("Avis d'impôt 2025\nrevenu fiscal de référence : 12 345 €\n")},
		{"zip", coffre.EUNSUPPORTED, "(zip)", zipFile(t)},
		{"truncated jpeg", coffre.ECORRUPT, "illisible ou abîmé", jpg[:len(jpg)/2]},
		{"jpeg header only", coffre.ECORRUPT, "illisible", jpg[:20]},
		{"100 MB of zeros", coffre.ETOOLARGE, "trop volumineux (100 Mo)", make([]byte, 100<<20)},
		{"pixel bomb png 60000x60000", coffre.ETOOLARGE, "60000 × 60000", pngHeaderOnly(60000, 60000)},
		{"png dimensions overflowing int", coffre.ECORRUPT, "illisible", pngHeaderOnly(1<<31-1, 1<<31-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Open(context.Background(), tc.data, DefaultLimits())
			ce := wantCode(t, err, tc.code)
			if !strings.Contains(ce.Message, tc.inMessage) {
				t.Errorf("message %q lacks %q", ce.Message, tc.inMessage)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestDetectionIgnoresNames(t *testing.T) {
	// Open never sees a file name; a PNG an agent named "avis.pdf" is a PNG.
	doc := mustOpen(t, encodePNG(t, gradient(8, 8)), DefaultLimits())
	if doc.Mime != "image/png" {
		t.Fatalf("mime %s", doc.Mime)
	}
}

func TestZeroLimitsMeanDefaults(t *testing.T) {
	mustOpen(t, encodePNG(t, gradient(8, 8)), Limits{})
	_, err := Open(context.Background(), encodePNG(t, gradient(8, 8)), Limits{MaxPixels: 63})
	wantCode(t, err, coffre.ETOOLARGE)
}

func TestPanicBecomesCorrupt(t *testing.T) {
	saved := openers["image/png"]
	openers["image/png"] = func(context.Context, []byte, Limits) ([]Page, error) { panic("decoder bug") }
	defer func() { openers["image/png"] = saved }()
	_, err := Open(context.Background(), encodePNG(t, gradient(4, 4)), DefaultLimits())
	ce := wantCode(t, err, coffre.ECORRUPT)
	if !strings.Contains(ce.Err.Error(), "decoder bug") {
		t.Fatalf("cause %v does not keep the panic value", ce.Err)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Open(ctx, writeTIFF(binary.LittleEndian, []tiffPage{{4, 4}, {4, 4}}), DefaultLimits())
	wantCode(t, err, coffre.EINTERNAL)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not wrap context.Canceled", err)
	}
}
