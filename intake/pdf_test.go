package intake

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"coffre"
	"coffre/testdata/gen/pdfbuild"
)

const dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

var avisLines = []string{
	"Avis d'impôt 2025 sur les revenus de l'année 2024",
	"Numéro fiscal : 12 34 567 890 123",
	"Revenu fiscal de référence : 23 456 €",
	"Déclarant 1 : Mme Éloïse Lefèvre-Çağlar, née à Besançon",
	"Situation : sœur à charge – l’œuvre du cœur",
}

// newFPDF returns an A4 document with DejaVu Sans (UTF-8, so accents are
// encoded through a ToUnicode map, as in real generated PDFs).
func newFPDF(t testing.TB) *fpdf.Fpdf {
	t.Helper()
	font, err := os.ReadFile(dejaVu)
	if err != nil {
		t.Skipf("font for born-digital PDFs missing: %v", err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetFont("dejavu", "", 12)
	return pdf
}

func addTextPage(pdf *fpdf.Fpdf, lines []string) {
	pdf.AddPage()
	for _, l := range lines {
		pdf.Cell(0, 10, l)
		pdf.Ln(10)
	}
}

func addImagePage(pdf *fpdf.Fpdf, name string, jpg []byte) {
	pdf.AddPage()
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(jpg))
	pdf.ImageOptions(name, 10, 10, 150, 0, false, opt, 0, "")
}

func outputFPDF(t testing.TB, pdf *fpdf.Fpdf) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// importedScan is what a scanner app makes: one JPEG per page, imported
// by pdfcpu.
func importedScan(t testing.TB, jpgs ...[]byte) []byte {
	t.Helper()
	disableConfigDir.Do(api.DisableConfigDir)
	var readers []io.Reader
	for _, j := range jpgs {
		readers = append(readers, bytes.NewReader(j))
	}
	var b bytes.Buffer
	if err := api.ImportImages(nil, &b, readers, api.DefaultImportConfig(), model.NewDefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// onePage is a page drawing image obj 5 with content obj 4.
func onePage(pageExtra string, content, image []byte) []byte {
	return pdfbuild.Build(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "+pageExtra+
			" /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"),
		content, image)
}

var drawIm1 = pdfbuild.Stream("", []byte("q 500 0 0 700 40 60 cm /Im1 Do Q"))

// zeros returns n zero bytes deflated: 16 MB fit in about 16 KB.
func zeros(t testing.TB, n int) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	chunk := make([]byte, 1<<20)
	for ; n > 0; n -= len(chunk) {
		w.Write(chunk[:min(n, len(chunk))])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPDFBornDigital(t *testing.T) {
	pdf := newFPDF(t)
	addTextPage(pdf, avisLines)
	doc := mustOpen(t, outputFPDF(t, pdf), DefaultLimits())
	if doc.Mime != "application/pdf" || len(doc.Pages) != 1 {
		t.Fatalf("%s, %d pages", doc.Mime, len(doc.Pages))
	}
	p := doc.Pages[0]
	if p.Image != nil {
		t.Errorf("born-digital page should not carry an image")
	}
	last := -1
	for _, l := range avisLines {
		i := strings.Index(p.Text, l)
		if i <= last {
			t.Fatalf("line %q missing or out of order in text:\n%s", l, p.Text)
		}
		last = i
	}
}

func TestSplitRange(t *testing.T) {
	got := splitRange("0000", "02FF", "0000")
	want := []string{"<0000> <00FF> <0000>\n", "<0100> <01FF> <0100>\n", "<0200> <02FF> <0200>\n"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q", got)
	}
	if got := splitRange("0041", "005A", "0061"); len(got) != 1 {
		t.Fatalf("a range within one block must stay whole: %q", got)
	}
}

func TestPDFScannedAndMixed(t *testing.T) {
	scan := encodeJPEG(t, gradient(640, 480), 80)
	mixed := newFPDF(t)
	addTextPage(mixed, avisLines)
	addImagePage(mixed, "verso", encodeJPEG(t, gradient(300, 200), 80))
	addTextPage(mixed, []string{"Page 3"}) // too little text: blank, no image
	rotated := onePage("/Rotate 90", drawIm1,
		pdfbuild.Stream("/Type /XObject /Subtype /Image /Width 640 /Height 480 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", scan))
	for _, tc := range []struct {
		name string
		data []byte
		want []string // per page: "text", "WxH" or "blank"
	}{
		{"pdfcpu ImportImages 2 scans", importedScan(t, scan, encodeJPEG(t, gradient(200, 100), 80)), []string{"640x480", "200x100"}},
		{"mixed text, image, blank", outputFPDF(t, mixed), []string{"text", "300x200", "blank"}},
		{"scan on a page with /Rotate 90", rotated, []string{"480x640"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustOpen(t, tc.data, DefaultLimits())
			var got []string
			for _, p := range doc.Pages {
				got = append(got, describe(p))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("pages %v, want %v", got, tc.want)
			}
		})
	}
}

func describe(p Page) string {
	switch {
	case p.Image != nil && p.Text == "":
		b := p.Image.(*image.Gray).Rect
		return fmt.Sprintf("%dx%d", b.Dx(), b.Dy())
	case p.Image == nil && isBornDigital(p.Text):
		return "text"
	case p.Image == nil && p.Text == "":
		return "blank"
	}
	return fmt.Sprintf("odd page %T %q", p.Image, p.Text)
}

func TestPDFRotatedScanIsUpright(t *testing.T) {
	// /Rotate 90 turns the page clockwise on screen: the image's top-left
	// block must end up top-right.
	src := blocks(3, 2)
	data := onePage("/Rotate 90", drawIm1,
		pdfbuild.Stream("/Type /XObject /Subtype /Image /Width 24 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", encodeJPEG(t, src, 100)))
	g := mustOpen(t, data, DefaultLimits()).Pages[0].Image.(*image.Gray)
	got, want := blockCentres(g), rot90cw(blockCentres(src))
	for r := range want {
		for c := range want[r] {
			if d := int(got[r][c]) - int(want[r][c]); d < -6 || d > 6 {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
	}
}

func encrypt(t *testing.T, pdf []byte, userPW string) []byte {
	var b bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &b, model.NewAESConfiguration(userPW, "owner-secret", 256)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPDFEncryption(t *testing.T) {
	disableConfigDir.Do(api.DisableConfigDir)
	scan := importedScan(t, encodeJPEG(t, gradient(64, 48), 80))
	_, err := Open(context.Background(), encrypt(t, scan, "secret"), DefaultLimits())
	if ce := wantCode(t, err, coffre.ECORRUPT); ce.Message != msgEncrypted {
		t.Fatalf("message %q, want the password one", ce.Message)
	}
	// Owner-only protection (no password to open) is common on official
	// documents and must not stop anything.
	doc := mustOpen(t, encrypt(t, scan, ""), DefaultLimits())
	if got := describe(doc.Pages[0]); got != "64x48" {
		t.Fatalf("owner-protected scan: %s", got)
	}
}

// manyPages builds n empty pages under a root whose /Count claims count.
func manyPages(n, count int) []byte {
	kids := make([]byte, 0, 8*n)
	objs := [][]byte{[]byte("<< /Type /Catalog /Pages 2 0 R >>"), nil}
	for i := range n {
		kids = fmt.Appendf(kids, "%d 0 R ", i+3)
		objs = append(objs, []byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"))
	}
	objs[1] = fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", kids, count)
	return pdfbuild.Build(objs...)
}

func TestPDFRefusals(t *testing.T) {
	gray := "/Type /XObject /Subtype /Image /ColorSpace /DeviceGray /BitsPerComponent 8"
	bomb := zeros(t, 16<<20) // over the 4 MiB content and 1 MB image limits
	for _, tc := range []struct {
		name, code string
		data       []byte
	}{
		{"1000 pages", coffre.ETOOLARGE, manyPages(1000, 1000)},
		// pdfcpu's validation counts the tree and refuses the lie.
		{"1000 pages behind /Count 1", coffre.ECORRUPT, manyPages(1000, 1)},
		{"image 100000x100000", coffre.ETOOLARGE, onePage("", drawIm1,
			pdfbuild.Stream(gray+" /Width 100000 /Height 100000", []byte("tiny")))},
		{"deflate bomb image (16 MB behind 1000x1000)", coffre.ETOOLARGE, onePage("", drawIm1,
			pdfbuild.Stream(gray+" /Width 1000 /Height 1000 /Filter /FlateDecode", bomb))},
		{"deflate bomb content stream", coffre.ETOOLARGE, onePage("",
			pdfbuild.Stream("/Filter /FlateDecode", bomb),
			pdfbuild.Stream(gray+" /Width 1 /Height 1", []byte{0}))},
		{"garbage after header", coffre.ECORRUPT, []byte("%PDF-1.4\n" + strings.Repeat("garbage ", 100))},
		{"truncated", coffre.ECORRUPT, importedScan(t, encodeJPEG(t, gradient(64, 48), 80))[:600]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Open(context.Background(), tc.data, DefaultLimits())
			wantCode(t, err, tc.code)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestPDFToUnicodeBomb(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
	data := pdfbuild.Build(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "+font+" >> >> /Contents 4 0 R >>"),
		pdfbuild.Stream("", []byte("BT /F1 12 Tf 72 720 Td (Bonjour) Tj ET")),
		[]byte("null"),
		pdfbuild.Stream("/Filter /FlateDecode", zeros(t, 8<<20)),
	)
	_, err := Open(context.Background(), data, DefaultLimits())
	wantCode(t, err, coffre.ETOOLARGE)
}
