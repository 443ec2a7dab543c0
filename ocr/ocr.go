// Package ocr runs Tesseract through cgo: a Pool of gosseract clients, one
// per OCR slot.
//
// Tesseract is 5x faster here with one OpenMP thread per process than with
// its default; OpenMP reads OMP_THREAD_LIMIT when the library loads, so the
// variable must be in the process's environment from its start (cmd/coffre
// re-executes itself to ensure it; the Makefile sets it for tests).
// Parallelism comes from several slots instead. On Linux, Tesseract's
// parallel regions do not reach libgomp at all (openmp.go), which saves
// its bookkeeping for a team of one thread: 15 % of a page's time.
package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/image/tiff"
)

// Word is one recognised word with its confidence (0–100) and line.
type Word struct {
	Text       string
	Confidence float64
	Box        image.Rectangle
	Block      int
	Par        int
	Line       int
}

// Result is what Tesseract read on one image.
type Result struct {
	Text  string
	Words []Word
}

// MeanConfidence is the mean word confidence (0–100) over words of at least
// two letters or digits, which are the ones that carry meaning.
func (r Result) MeanConfidence() float64 {
	var sum float64
	n := 0
	for _, w := range r.Words {
		if alnumCount(w.Text) >= 2 {
			sum += w.Confidence
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Line is one line of text, the box around it, and how many of its
// letters and digits are in words read with at least the confidence
// Lines was given.
type Line struct {
	Text           string
	Box            image.Rectangle
	ConfidentChars int
}

// Lines groups the words into lines, in reading order.
func (r Result) Lines(minConf float64) []Line {
	var lines []Line
	for i, w := range r.Words {
		sure := 0
		if w.Confidence >= minConf {
			sure = alnumCount(w.Text)
		}
		if i > 0 {
			prev := r.Words[i-1]
			if w.Block == prev.Block && w.Par == prev.Par && w.Line == prev.Line {
				l := &lines[len(lines)-1]
				l.Text += " " + w.Text
				l.Box = l.Box.Union(w.Box)
				l.ConfidentChars += sure
				continue
			}
		}
		lines = append(lines, Line{Text: w.Text, Box: w.Box, ConfidentChars: sure})
	}
	return lines
}

func alnumCount(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xC0 && c < 0x250 {
			n++
		}
	}
	return n
}

// Pool holds Tesseract clients for each OCR slot. A gosseract client is
// not safe for concurrent use, and creating one costs ~50 ms, so clients
// are made once and lent out.
type Pool struct {
	clients chan *slot
}

// slot is one OCR slot: an engine for pages, one that re-reads numbers,
// one for machine-readable zones.
type slot struct {
	page, numbers, mrz *gosseract.Client
}

// ThreadLimitSet reports whether OMP_THREAD_LIMIT=1 is in the environment,
// the setting that makes Tesseract fast here.
func ThreadLimitSet() bool { return os.Getenv("OMP_THREAD_LIMIT") == "1" }

// NewPool returns a pool of n slots reading lang (e.g. "fra") with
// Tesseract's page segmentation mode psm (3: automatic, 6: one block).
func NewPool(n int, lang string, psm int) (*Pool, error) {
	p := &Pool{clients: make(chan *slot, max(n, 1))}
	for range cap(p.clients) {
		s, err := newSlot(lang, psm)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.clients <- s
	}
	return p, nil
}

func newSlot(lang string, psm int) (*slot, error) {
	s := &slot{}
	var err error
	if s.page, err = newClient(lang, map[gosseract.SettableVariable]string{
		"tessedit_pageseg_mode": strconv.Itoa(psm),
		// Tesseract looks for rows of fixed-pitch type by dynamic
		// programming over each row's width: 4.6 % of its instructions
		// on an A4 page (callgrind), for text the LSTM reads the same.
		// On the 600 documents of two generated corpora it changed no
		// field but one, which it got right.
		"textord_disable_pitch_test": "1",
	}); err != nil {
		return nil, err
	}
	s.numbers, err = newClient(lang, map[gosseract.SettableVariable]string{
		"tessedit_pageseg_mode":   strconv.Itoa(int(gosseract.PSM_SINGLE_LINE)),
		"tessedit_char_whitelist": numberChars,
	})
	if err == nil {
		s.mrz, err = newMRZClient()
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// engines lists the slot's engines, nil where one was not made.
func (s *slot) engines() []*gosseract.Client {
	return []*gosseract.Client{s.page, s.numbers, s.mrz}
}

// close frees the slot's engines.
func (s *slot) close() error {
	var errs []error
	for _, c := range s.engines() {
		if c != nil {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

// newClient returns a client reading lang with vars set. Variables, unlike
// SetPageSegMode before the first recognition, survive the engine's
// initialisation.
func newClient(lang string, vars map[gosseract.SettableVariable]string) (*gosseract.Client, error) {
	c := gosseract.NewClient()
	if err := c.SetLanguage(lang); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: language %s: %w", lang, err)
	}
	// The pages preprocessing hands over carry no true resolution (they
	// were scaled to a text height); without one Tesseract guesses from
	// the file and warns. Its other diagnostics go to stderr too,
	// mixed with coffre's structured logs: drop them.
	vars["user_defined_dpi"] = "300"
	vars["debug_file"] = os.DevNull
	for k, v := range vars {
		if err := c.SetVariable(k, v); err != nil {
			c.Close()
			return nil, fmt.Errorf("ocr: set %s: %w", k, err)
		}
	}
	return c, nil
}

// Close frees the clients that are not lent out. One still reading (a
// task the queue stopped waiting for at shutdown) is left to its reader:
// freeing it under Tesseract would crash the process.
func (p *Pool) Close() error {
	var errs []error
	for range cap(p.clients) {
		select {
		case s := <-p.clients:
			errs = append(errs, s.close())
		default:
			return errors.Join(errs...)
		}
	}
	return errors.Join(errs...)
}

// Warm loads every slot's engines now, the slots in parallel, and fails
// if one cannot read. Tesseract loads a client's model on its first
// recognition, 0.1–0.2 s per engine: a service warms its pool at start so
// that the first documents after it do not wait for that.
func (p *Pool) Warm(ctx context.Context) error {
	blank := image.NewGray(image.Rect(0, 0, 64, 32))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	var slots []*slot
	defer func() {
		for _, s := range slots {
			p.release(s)
		}
	}()
	for range cap(p.clients) {
		s, err := p.acquire(ctx)
		if err != nil {
			return err
		}
		slots = append(slots, s)
	}
	errs := make([]error, len(slots))
	var wg sync.WaitGroup
	for i, s := range slots {
		wg.Go(func() {
			for _, c := range s.engines() {
				if err := setImage(c, blank); err != nil {
					errs[i] = err
					return
				}
				if _, err := c.GetBoundingBoxes(gosseract.RIL_WORD); err != nil {
					errs[i] = fmt.Errorf("ocr: load engine: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Recognize reads the text of img. It waits for a free slot until ctx is
// done; once Tesseract has started, it cannot be interrupted.
//
// A page is read whole by one engine. Cutting a page in two at a blank
// band to read the halves on two idle slots halved the wait, but
// Tesseract's layout analysis then took a table's labels and values for
// two columns: on a 300-document corpus, revenu fiscal de référence and
// nombre de parts fell from over 90 % to 75–80 % exact.
func (p *Pool) Recognize(ctx context.Context, img *image.Gray) (Result, error) {
	s, err := p.acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	defer p.release(s)
	return s.read(img)
}

func (p *Pool) acquire(ctx context.Context) (*slot, error) {
	select {
	case s := <-p.clients:
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *Pool) release(s *slot) { p.clients <- s }

// read recognises img on the slot's page engine and re-reads its unsure
// numbers.
func (s *slot) read(img *image.Gray) (Result, error) {
	if err := setImage(s.page, img); err != nil {
		return Result{}, err
	}
	// One recognition gives both words and layout; Text() after it would
	// recognise the page a second time.
	boxes, err := s.page.GetBoundingBoxesVerbose()
	if err != nil {
		return Result{}, fmt.Errorf("ocr: recognise: %w", err)
	}
	if err := rereadNumbers(s.numbers, img, boxes); err != nil {
		return Result{}, err
	}
	return resultOf(boxes), nil
}

// resultOf rebuilds the page text from words in reading order: words of a
// line joined by spaces, lines by newlines, blocks by a blank line.
func resultOf(boxes []gosseract.BoundingBox) Result {
	var b strings.Builder
	words := make([]Word, 0, len(boxes))
	for i, bb := range boxes {
		if i > 0 {
			prev := boxes[i-1]
			switch {
			case bb.BlockNum != prev.BlockNum:
				b.WriteString("\n\n")
			case bb.ParNum != prev.ParNum || bb.LineNum != prev.LineNum:
				b.WriteByte('\n')
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(bb.Word)
		words = append(words, Word{Text: bb.Word, Confidence: bb.Confidence, Box: bb.Box, Block: bb.BlockNum, Par: bb.ParNum, Line: bb.LineNum})
	}
	return Result{Text: b.String(), Words: words}
}

// setImage hands img to c as an uncompressed TIFF: libtiff copies it in a
// few milliseconds, where Leptonica's PNM reader, one fread per pixel, took
// 0.2 s on a 9 MP page. The TIFF's buffer is reused: a fresh one for each
// page was 30 ms of the kernel zeroing new memory for a 9 MP page.
func setImage(c *gosseract.Client, img *image.Gray) error {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer encodeBuffers.Put(buf)
	buf.Reset()
	buf.Grow(len(img.Pix) + 1024)
	if err := tiff.Encode(buf, img, nil); err != nil {
		return fmt.Errorf("ocr: encode page: %w", err)
	}
	// Leptonica decodes the bytes into its own image at once: the buffer
	// is free again on return.
	if err := c.SetImageFromBytes(buf.Bytes()); err != nil {
		return fmt.Errorf("ocr: set image: %w", err)
	}
	return nil
}

var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
