package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"log/slog"

	"coffre/ocr"
	"coffre/pipeline"
)

// tesseract adapts the ocr package to what the pipeline asks for.
type tesseract struct {
	pool *ocr.Pool
}

func newTesseract(slots, psm int) (*tesseract, error) {
	if !ocr.ThreadLimitSet() {
		slog.Warn("OMP_THREAD_LIMIT is not 1: Tesseract will be several times slower")
	}
	pool, err := ocr.NewPool(slots, "fra", psm)
	if err != nil {
		return nil, err
	}
	return &tesseract{pool: pool}, nil
}

func (t *tesseract) Close() { t.pool.Close() }

func (t *tesseract) UpsideDown(img *image.Gray) (bool, float64, bool) { return ocr.UpsideDown(img) }

func (t *tesseract) Recognize(ctx context.Context, img *image.Gray) (pipeline.Text, error) {
	res, err := t.pool.Recognize(ctx, img)
	if err != nil {
		return pipeline.Text{}, err
	}
	lines := res.Lines()
	text := pipeline.Text{Text: res.Text, MeanConfidence: res.MeanConfidence(), ConfidentChars: res.ConfidentChars(pipeline.ConfidentWordConf), Lines: make([]pipeline.Line, len(lines))}
	for i, l := range lines {
		text.Lines[i] = pipeline.Line(l)
	}
	return text, nil
}

func (t *tesseract) ReadMRZ(ctx context.Context, img *image.Gray, band image.Rectangle, scale float64) (string, error) {
	return t.pool.ReadMRZ(ctx, img, band, scale)
}

// newPipeline builds the real pipeline for cfg. Close the tesseract after
// use.
func newPipeline(cfg *Config, logger *slog.Logger) (*pipeline.Pipeline, *tesseract, error) {
	pol, err := cfg.policy()
	if err != nil {
		return nil, nil, err
	}
	tess, err := newTesseract(cfg.Workers, cfg.PageSegMode)
	if err != nil {
		return nil, nil, err
	}
	return &pipeline.Pipeline{Recognizer: tess, Orienter: tess, MRZReader: tess, Policy: pol, Limits: cfg.Limits, Logger: logger}, tess, nil
}

// warnLogger logs to w what needs a person's attention: a one-shot command
// prints its results, not its progress.
func warnLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// openPipeline builds the pipeline of a one-shot command, reporting on
// stderr why it cannot; done frees Tesseract.
func openPipeline(cfg *Config, stderr io.Writer) (p *pipeline.Pipeline, done func(), ok bool) {
	p, tess, err := newPipeline(cfg, warnLogger(stderr))
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return nil, nil, false
	}
	return p, tess.Close, true
}
