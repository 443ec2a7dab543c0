package main

import (
	"fmt"
	"io"
	"log/slog"

	"coffre/ocr"
	"coffre/pipeline"
)

// newTesseract opens the OCR slots, warning when Tesseract will be slow.
func newTesseract(slots, psm int) (ocr.Engine, error) {
	if !ocr.ThreadLimitSet() {
		slog.Warn("OMP_THREAD_LIMIT is not 1: Tesseract will be several times slower")
	}
	pool, err := ocr.NewPool(slots, "fra", psm)
	return ocr.Engine{Pool: pool}, err
}

// newPipeline builds the real pipeline for cfg. Close the tesseract after
// use.
func newPipeline(cfg *Config, logger *slog.Logger) (*pipeline.Pipeline, ocr.Engine, error) {
	pol, err := cfg.policy()
	if err != nil {
		return nil, ocr.Engine{}, err
	}
	tess, err := newTesseract(cfg.Workers, cfg.PageSegMode)
	if err != nil {
		return nil, ocr.Engine{}, err
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
	return p, func() { tess.Close() }, true
}
