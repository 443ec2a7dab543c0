package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"coffre"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

const (
	// maxObjectDecode bounds what pdfcpu may inflate for one object or
	// xref stream while reading the file: structure is small, so more is a
	// deflate bomb.
	maxObjectDecode = 64 << 20
	// maxContentBytes bounds a page's decoded content streams before the
	// text layer is read: real pages need far less, and the text reader
	// keeps every operand of the stream in memory.
	maxContentBytes = 4 << 20
)

// disableConfigDir keeps pdfcpu from creating ~/.config/pdfcpu on a server.
var disableConfigDir sync.Once

// openPDF returns, page by page, the text layer of born-digital pages and
// the largest embedded image of the others (scans).
func openPDF(ctx context.Context, data []byte, lim Limits) ([]Page, error) {
	pc, err := readPDF(data, lim)
	if err != nil {
		return nil, err
	}
	textData, err := textLayerPDF(data, lim)
	if err != nil {
		return nil, err
	}
	tr := newTextReader(textData)
	pages := make([]Page, 0, pc.PageCount)
	for p := 1; p <= pc.PageCount; p++ {
		if err := checkCtx(ctx, p-1); err != nil {
			return nil, err
		}
		page, err := pdfPage(pc, tr, p, lim)
		if err != nil {
			return nil, err
		}
		if pages, err = addPage(pages, page, lim); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// pdfConfig returns pdfcpu settings whose own resource limits match lim.
func pdfConfig(lim Limits) *model.Configuration {
	disableConfigDir.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// Deduplicating content streams would inflate every one of them with
	// pdfcpu's 512 MiB default limit; coffre only reads.
	conf.OptimizeDuplicateContentStreams = false
	conf.Limits.MaxDecodeBytes = maxObjectDecode
	conf.Limits.MaxImagePixels = int64(lim.MaxPixels)
	conf.Limits.MaxImageBytes = 4 * int64(lim.MaxPixels)
	return conf
}

// readPDF parses the file and indexes its images, checking the page
// budget and the size of every page's content before anything costly.
func readPDF(data []byte, lim Limits) (*model.Context, error) {
	pc, err := parsePDF(data, lim)
	if err != nil {
		return nil, err
	}
	for p := 1; p <= pc.PageCount; p++ {
		if err := checkContentSize(pc, p); err != nil {
			return nil, err
		}
	}
	if err := api.OptimizeContext(pc); err != nil {
		return nil, corrupt(fmt.Errorf("index pdf resources: %w", err))
	}
	return pc, nil
}

// parsePDF reads and validates the file. The page budget is checked on
// the root's /Count before the page tree is walked, then again on the
// validated tree, since /Count is only a claim.
func parsePDF(data []byte, lim Limits) (*model.Context, error) {
	// A PDF ends with %%EOF (junk may follow it). One with no %%EOF at
	// all was cut short, and pdfcpu would rebuild its cross-reference
	// table and turn the lost pages into blank ones: the agent must send
	// it again instead.
	if !bytes.Contains(data, []byte("%%EOF")) {
		return nil, corrupt(errors.New("read pdf: no %%EOF marker, the file is truncated"))
	}
	pc, err := api.ReadContext(bytes.NewReader(data), pdfConfig(lim))
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) {
			return nil, &coffre.Error{Code: coffre.ECORRUPT, Message: msgEncrypted, Err: fmt.Errorf("read pdf: %w", err)}
		}
		return nil, corrupt(fmt.Errorf("read pdf: %w", err))
	}
	if err := pc.EnsurePageCount(); err != nil {
		return nil, corrupt(fmt.Errorf("pdf page count: %w", err))
	}
	if lim.usedPages+pc.PageCount > lim.MaxPages {
		return nil, tooManyPages(fmt.Sprint(lim.usedPages+pc.PageCount), lim.MaxPages)
	}
	if err := api.ValidateContext(pc); err != nil {
		return nil, corrupt(fmt.Errorf("validate pdf: %w", err))
	}
	if lim.usedPages+pc.PageCount > lim.MaxPages {
		return nil, tooManyPages(fmt.Sprint(lim.usedPages+pc.PageCount), lim.MaxPages)
	}
	if pc.PageCount < 1 {
		return nil, corrupt(errors.New("pdf has no page"))
	}
	return pc, nil
}

// pdfPage reads page p (1-based): its text layer when it has one worth
// the name, else its image. A page with neither (blank) is returned empty.
func pdfPage(pc *model.Context, tr *textReader, p int, lim Limits) (Page, error) {
	if text := tr.pageText(p); isBornDigital(text) {
		return Page{Text: text}, nil
	}
	g, err := pageImage(pc, p, lim)
	if err != nil || g == nil {
		return Page{}, err
	}
	return Page{Image: orient(g, rotationOrientation(pc, p))}, nil
}

// rotationOrientation maps the page's /Rotate (how a viewer turns the
// page clockwise) to the EXIF orientation that turns its image the same
// way, so a scan placed sideways comes out upright.
func rotationOrientation(pc *model.Context, p int) int {
	_, _, inh, err := pc.PageDict(p, false)
	if err != nil || inh == nil {
		return 1
	}
	switch (inh.Rotate%360 + 360) % 360 {
	case 90:
		return 6
	case 180:
		return 3
	case 270:
		return 8
	}
	return 1
}

// readAllImage drains an extracted image reader.
func readAllImage(r io.Reader, p int) ([]byte, error) {
	if r == nil {
		return nil, corrupt(fmt.Errorf("page %d: image has no data", p))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, corrupt(fmt.Errorf("page %d: read image: %w", p, err))
	}
	return b, nil
}
