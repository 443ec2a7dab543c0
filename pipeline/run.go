package pipeline

import (
	"image"

	"coffre"
	"coffre/classifiers"
	"coffre/intake"
)

// run is one document on its way through the stages.
type run struct {
	rec    *coffre.Record
	files  [][]byte // the document's files, each of one or more pages
	asOf   coffre.Date
	doc    *intake.Document
	pages  []page
	result classifiers.Result
	err    error
}

// page is one page of the document as the stages see it.
type page struct {
	img        *image.Gray // nil for a born-digital page
	text       string
	lines      []Line // the OCR'd lines and their boxes on img
	unreadable string // the agent's message when the page cannot be read
	// handheld: the page was photographed on a background or turned by
	// preprocessing, so it may well be upside down.
	handheld bool
	// blurry: blurred enough that a poor reading is the blur's fault, not
	// enough to skip reading it.
	blurry bool
}

func newRun(name string, files [][]byte, asOf coffre.Date) *run {
	rec := coffre.NewRecord(name)
	return &run{files: files, asOf: asOf, rec: &rec}
}

// fail records that the document could not be processed at all.
func (r *run) fail(err error) {
	r.err = err
	r.rec.Error = coffre.ErrorMessage(err)
	r.rec.Status = coffre.StatusUndetermined
}

// readable reports whether every page could be read.
func (r *run) readable() bool {
	for _, pg := range r.pages {
		if pg.unreadable != "" {
			return false
		}
	}
	return true
}
