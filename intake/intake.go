// Package intake turns the bytes of an uploaded file into upright pages,
// safely. It detects the real type from the content (never the file name),
// accepts photos (JPEG, PNG, WebP, HEIC/HEIF, multi-page TIFF) and PDFs,
// and refuses a file before decoding when its header says it would cost
// more than the Limits allow, so that a decompression bomb ends in a coded
// error rather than an out-of-memory crash.
//
// Every error returned by Open is a *coffre.Error whose Message can be shown
// to the agent as is and whose Err keeps the technical cause.
//
// Decoded pages are returned as *image.Gray: OCR works on luma, and one
// byte per pixel keeps a 20-page document affordable.
package intake

import (
	"context"
	"fmt"
	"image"
	"runtime/debug"
	"strings"

	"coffre"

	"github.com/gabriel-vasile/mimetype"
)

// Limits bound what a file may cost before any decoding. A zero field
// means its default.
type Limits struct {
	MaxBytes  int64 // default 50 MiB
	MaxPages  int   // default 20
	MaxPixels int   // per page, default 60_000_000
	// MaxDocPixels bounds the pixels of all pages together, default
	// 250_000_000 (twenty 12 MP photos): twenty pages at the per-page
	// budget would hold 1.2 GB of grey pixels.
	MaxDocPixels int

	// What the files before this one of the same document took (see
	// Budget): the pages and pixel budgets are the document's.
	usedPages, usedPixels int
}

// DefaultLimits returns the limits used for agents' uploads.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 50 << 20, MaxPages: 20, MaxPixels: 60_000_000, MaxDocPixels: 250_000_000}
}

// withDefaults fills zero fields so that Limits{} means "defaults" rather
// than "refuse everything".
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxDocPixels <= 0 {
		l.MaxDocPixels = d.MaxDocPixels
	}
	return l
}

// Page is one page of a document.
type Page struct {
	Image image.Image // nil when the page has a text layer and no image is needed
	Text  string      // born-digital text layer of a PDF page, "" otherwise
}

// Document is a decoded upload.
type Document struct {
	Mime  string // detected from content, e.g. "image/jpeg", "application/pdf"
	Pages []Page
}

// A Budget opens the files of one document (a recto and a verso may
// come as two photos) within one Limits: the pages and pixels of all the
// files together are bounded, and each file is refused before it is
// decoded when those before it spent the budget.
type Budget struct{ lim Limits }

// NewBudget returns a Budget of lim; zero fields take their defaults.
func NewBudget(lim Limits) *Budget { return &Budget{lim: lim.withDefaults()} }

// Open decodes the next file of the document, as the package's Open,
// within what the files before it left.
func (b *Budget) Open(ctx context.Context, data []byte) (*Document, error) {
	if b.lim.usedPages >= b.lim.MaxPages {
		return nil, tooManyPages(fmt.Sprintf("more than %d", b.lim.MaxPages), b.lim.MaxPages)
	}
	doc, err := Open(ctx, data, b.lim)
	if err != nil {
		return nil, err
	}
	b.lim.usedPages += len(doc.Pages)
	b.lim.usedPixels += pixels(doc.Pages)
	return doc, nil
}

// pixels counts the pixels of the pages' images.
func pixels(pages []Page) int {
	n := 0
	for _, p := range pages {
		if p.Image != nil {
			n += p.Image.Bounds().Dx() * p.Image.Bounds().Dy()
		}
	}
	return n
}

// Open detects the type of data and decodes its pages within lim; zero
// fields of lim take their defaults. Images are returned upright (EXIF
// orientation of JPEGs, /Rotate of PDF pages) as *image.Gray. A PDF page
// with a text layer of at least 40 letters has Text and no Image; a PDF
// page with neither text nor image (a blank verso) has both empty. ctx is
// checked between pages; cancellation gives an EINTERNAL error wrapping
// ctx.Err().
func Open(ctx context.Context, data []byte, lim Limits) (doc *Document, err error) {
	lim = lim.withDefaults()
	if len(data) == 0 {
		return nil, &coffre.Error{Code: coffre.EEMPTY, Message: msgEmpty, Err: errEmpty}
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, tooLarge(fmt.Sprintf("Le fichier est trop volumineux (%s) : la limite est de %s. Réduisez la taille ou la résolution, ou envoyez moins de pages.",
			megabytes(int64(len(data))), megabytes(lim.MaxBytes)),
			fmt.Errorf("%d bytes over the %d-byte budget", len(data), lim.MaxBytes))
	}
	mime := detect(data)
	open, ok := openers[mime]
	if !ok {
		return nil, unsupported(data)
	}
	// Third-party decoders panic on some hostile inputs; a panic is a
	// property of the file, not a fault of coffre.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, corrupt(fmt.Errorf("%s decoder panic: %v\n%s", mime, r, debug.Stack()))
		}
	}()
	pages, err := open(ctx, data, lim)
	if err != nil {
		return nil, err
	}
	return &Document{Mime: mime, Pages: pages}, nil
}

// opener decodes the pages of one accepted type.
type opener func(ctx context.Context, data []byte, lim Limits) ([]Page, error)

// openers maps each accepted MIME type to its decoder. HEIF sequences are
// accepted because libheif decodes their primary image like a still.
var openers = map[string]opener{
	"image/jpeg":          openRaster,
	"image/png":           openRaster,
	"image/webp":          openRaster,
	"image/heic":          openRaster,
	"image/heif":          openRaster,
	"image/heic-sequence": openRaster,
	"image/heif-sequence": openRaster,
	"image/tiff":          openTIFF,
	"application/pdf":     openPDF,
}

// detect returns the MIME type of data without parameters (no charset).
func detect(data []byte) string {
	m := mimetype.Detect(data).String()
	if i := strings.IndexByte(m, ';'); i >= 0 {
		m = m[:i]
	}
	return m
}

// checkCtx reports a cancelled or expired ctx before page i (0-based).
func checkCtx(ctx context.Context, i int) error {
	if err := ctx.Err(); err != nil {
		return &coffre.Error{Code: coffre.EINTERNAL, Message: msgCancelled,
			Err: fmt.Errorf("before page %d: %w", i+1, err)}
	}
	return nil
}
