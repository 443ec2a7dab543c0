package intake

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"

	pdftext "github.com/ledongthuc/pdf"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// minLetters is how many letters a page's text layer needs to count as
// born-digital: fewer is a scan with a stray caption or an empty layer.
const minLetters = 40

// textReader reads PDF text layers. A nil *textReader has no text: the
// text layer is optional, so a file ledongthuc/pdf cannot parse still
// gets its images read.
type textReader struct{ r *pdftext.Reader }

// newTextReader opens data for text extraction, or returns nil.
func newTextReader(data []byte) (tr *textReader) {
	defer func() {
		if recover() != nil {
			tr = nil
		}
	}()
	r, err := pdftext.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	return &textReader{r: r}
}

// pageText returns the text of page p in content-stream order, which for
// generated documents is reading order. GetPlainText is used rather than
// GetTextByRow because the latter only tracks Tm positions and so merges
// lines placed with Td (as fpdf and many generators do) into one row.
func (tr *textReader) pageText(p int) (text string) {
	if tr == nil {
		return ""
	}
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	if p > tr.r.NumPage() {
		return ""
	}
	s, err := tr.r.Page(p).GetPlainText(nil)
	if err != nil {
		return ""
	}
	return tidyText(s)
}

// tidyText trims each line and drops empty ones: GetPlainText starts a
// line at every text object.
func tidyText(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// isBornDigital says whether a text layer has enough letters to be used
// instead of OCR.
func isBornDigital(text string) bool {
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			if n++; n >= minLetters {
				return true
			}
		}
	}
	return false
}

// checkContentSize inflates page p's content streams under
// maxContentBytes before the text reader, which has no limit, sees them.
// Streams that fail to inflate otherwise are left to the text reader,
// which skips what it cannot read.
func checkContentSize(pc *model.Context, p int) error {
	streams, err := contentStreams(pc, p)
	if err != nil {
		return corrupt(fmt.Errorf("page %d contents: %w", p, err))
	}
	budget := int64(maxContentBytes)
	for _, sd := range streams {
		err := sd.DecodeWithLimit(budget)
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return tooLarge(msgTooLarge, fmt.Errorf("page %d: content streams inflate past %d bytes: %w", p, maxContentBytes, err))
		}
		budget -= int64(len(sd.Content))
		if budget < 0 {
			return tooLarge(msgTooLarge, fmt.Errorf("page %d: content streams inflate past %d bytes", p, maxContentBytes))
		}
	}
	return nil
}

// contentStreams returns page p's content streams (one, several or none).
func contentStreams(pc *model.Context, p int) ([]*types.StreamDict, error) {
	d, _, _, err := pc.PageDict(p, false)
	if err != nil || d == nil {
		return nil, fmt.Errorf("page dict: %w", err)
	}
	o, err := pc.Dereference(d["Contents"])
	if err != nil || o == nil {
		return nil, err
	}
	switch o := o.(type) {
	case types.StreamDict:
		return []*types.StreamDict{&o}, nil
	case types.Array:
		var out []*types.StreamDict
		for _, e := range o {
			sd, _, err := pc.DereferenceStreamDict(e)
			if err != nil {
				return nil, err
			}
			if sd != nil {
				out = append(out, sd)
			}
		}
		return out, nil
	}
	return nil, nil
}
