package ocr

import (
	"context"
	"image"

	"coffre/pipeline"
)

// Engine is a Pool as the pipeline asks for it: its Recognizer, Orienter
// and MRZReader.
type Engine struct{ *Pool }

// UpsideDown is Leptonica's up/down count (see the package function).
func (Engine) UpsideDown(img *image.Gray) (bool, float64, bool) { return UpsideDown(img) }

// Recognize reads img into the pipeline's terms.
func (e Engine) Recognize(ctx context.Context, img *image.Gray) (pipeline.Text, error) {
	res, err := e.Pool.Recognize(ctx, img)
	if err != nil {
		return pipeline.Text{}, err
	}
	lines := res.Lines(pipeline.ConfidentWordConf)
	text := pipeline.Text{Text: res.Text, MeanConfidence: res.MeanConfidence(), Lines: make([]pipeline.Line, len(lines))}
	for i, l := range lines {
		text.Lines[i] = pipeline.Line(l)
		text.ConfidentChars += l.ConfidentChars
	}
	return text, nil
}
