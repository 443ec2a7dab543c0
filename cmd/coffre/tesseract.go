package main

import (
	"context"
	"image"
	"log/slog"

	"coffre/ocr"
	"coffre/pipeline"
)

// tesseract adapts the ocr package to what the pipeline asks for.
type tesseract struct {
	pool *ocr.Pool
	osd  *ocr.OSD
}

func newTesseract(slots int) (*tesseract, error) {
	if !ocr.ThreadLimitSet() {
		slog.Warn("OMP_THREAD_LIMIT is not 1: Tesseract will be several times slower")
	}
	pool, err := ocr.NewPool(slots, "fra")
	if err != nil {
		return nil, err
	}
	osd, err := ocr.NewOSD(slots)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &tesseract{pool: pool, osd: osd}, nil
}

func (t *tesseract) Close() {
	t.pool.Close()
	t.osd.Close()
}

// confidentWord is the word confidence from which Tesseract's reading is
// trusted for the readability gate.
const confidentWord = 60

func (t *tesseract) Recognize(ctx context.Context, img *image.Gray) (pipeline.Text, error) {
	res, err := t.pool.Recognize(ctx, img)
	if err != nil {
		return pipeline.Text{}, err
	}
	return pipeline.Text{Text: res.Text, MeanConfidence: res.MeanConfidence(), ConfidentChars: res.ConfidentChars(confidentWord)}, nil
}

func (t *tesseract) Orient(ctx context.Context, img *image.Gray) (int, float64, error) {
	o, err := t.osd.Detect(ctx, img)
	return o.Rotate, o.Confidence, err
}

// newPipeline builds the real pipeline for cfg. Close the tesseract after
// use.
func newPipeline(cfg *Config, logger *slog.Logger) (*pipeline.Pipeline, *tesseract, error) {
	pol, err := cfg.policy()
	if err != nil {
		return nil, nil, err
	}
	tess, err := newTesseract(cfg.Workers)
	if err != nil {
		return nil, nil, err
	}
	return &pipeline.Pipeline{Recognizer: tess, Orienter: tess, Policy: pol, Limits: cfg.Limits, Logger: logger}, tess, nil
}
