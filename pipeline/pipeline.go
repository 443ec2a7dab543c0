// Package pipeline turns the bytes of one uploaded document into its scan
// Record: intake (type, budgets, pages) → preprocess (crop, straighten,
// scale, quality) → ocr (upside-down pages, readability gate) → mrz (the
// machine-readable zone read again) → classify (type and fields) → policy
// (expiry and status).
//
// It declares what it needs from Tesseract as small interfaces, so it runs
// without Redis, SQL or HTTP, and tests can give it fakes. cmd/coffre wires
// the real OCR in; workers/ wraps Scan in an Asynq task.
package pipeline

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"time"

	"coffre"
	"coffre/intake"
	"coffre/policy"
)

// Text is what a Recognizer read on one page image.
type Text struct {
	Text string
	// MeanConfidence is Tesseract's mean word confidence, 0–100.
	MeanConfidence float64
	// ConfidentChars counts letters and digits in words read with at
	// least ConfidentWordConf confidence.
	ConfidentChars int
	// Lines are the lines read, with their boxes on the image.
	Lines []Line
}

// confidentCharsIn counts the confident letters and digits of the lines
// whose centre lies in r.
func (t Text) confidentCharsIn(r image.Rectangle) int {
	n := 0
	for _, l := range t.Lines {
		c := l.Box.Min.Add(l.Box.Max).Div(2)
		if c.In(r) {
			n += l.ConfidentChars
		}
	}
	return n
}

// ConfidentWordConf is the word confidence (0–100) from which a reading
// counts for the readability gate.
const ConfidentWordConf = 60

// Recognizer reads the text of a page image. Implementations may serve
// several goroutines; the pipeline waits in Recognize for a free slot.
type Recognizer interface {
	Recognize(ctx context.Context, img *image.Gray) (Text, error)
}

// Orienter tells, without OCR, whether a page's text is upside down and
// how sure it is.
type Orienter interface {
	UpsideDown(img *image.Gray) (upsideDown bool, confidence float64, ok bool)
}

// Pipeline scans documents. Its fields are set once, then Scan may be
// called from many goroutines.
type Pipeline struct {
	Recognizer Recognizer
	Orienter   Orienter  // nil: upside-down pages are found by their poor reading only
	MRZReader  MRZReader // nil: MRZs are read from the page's reading only
	Policy     policy.Policy
	Limits     intake.Limits
	Logger     *slog.Logger // ids and timings only: never text read from a document
}

// stage is one step of the document's journey; it fills in the run.
type stage struct {
	name string
	fn   func(p *Pipeline, ctx context.Context, r *run) error
}

// stages is the journey of a document, in order.
var stages = []stage{
	{"decode", (*Pipeline).decode},
	{"preprocess", (*Pipeline).preprocess},
	{"ocr", (*Pipeline).recognize},
	{"mrz", (*Pipeline).readMRZ},
	{"classify", (*Pipeline).classify},
	{"policy", (*Pipeline).applyPolicy},
}

// Scan reads one document from one file. name is only echoed in the
// record (it is the file name for `coffre scan`); asOf is the date
// statuses are computed against. A document that cannot be processed comes
// back with Error set and status undetermined; an unreadable one with a
// failed readable check and a message for the agent.
func (p *Pipeline) Scan(ctx context.Context, name string, data []byte, asOf coffre.Date) coffre.Record {
	return p.ScanFiles(ctx, name, [][]byte{data}, asOf)
}

// ScanFiles reads one document whose pages come as several files (a
// recto and a verso photographed apart), in order, as Scan does.
func (p *Pipeline) ScanFiles(ctx context.Context, name string, files [][]byte, asOf coffre.Date) coffre.Record {
	r := newRun(name, files, asOf)
	for _, s := range stages {
		if err := ctx.Err(); err != nil {
			r.fail(fmt.Errorf("%s: %w", s.name, err))
			break
		}
		start := time.Now()
		err := s.fn(p, ctx, r)
		r.rec.TimingsMS[s.name] += time.Since(start).Milliseconds()
		if err != nil {
			r.fail(fmt.Errorf("%s: %w", s.name, err))
			break
		}
	}
	p.log(ctx, r)
	return *r.rec
}

func (p *Pipeline) log(ctx context.Context, r *run) {
	if p.Logger == nil {
		return
	}
	attrs := []any{"mime", r.rec.Mime, "pages", r.rec.Pages, "type", r.rec.Type,
		"status", r.rec.Status, "timings_ms", r.rec.TimingsMS}
	if r.err != nil {
		p.Logger.WarnContext(ctx, "scan failed", append(attrs, "code", coffre.ErrorCode(r.err), "err", r.err)...)
		return
	}
	p.Logger.InfoContext(ctx, "scanned", attrs...)
}
