// Package classifiers recognises the kind of a French justificatif from its
// OCR text and extracts its fields in the forms of the scan-output contract
// (../shared/specs/scan-output.md).
//
// Each document type is one file that registers a Classifier from init.
// Classifiers score a shared, normalised Doc with several independent,
// weighted signals (titles, field labels, identifiers, issuers) and with
// negative markers of look-alike documents, so that no single OCR-mangled
// word decides. Classify keeps the best score only when it is both high
// enough and clearly ahead of the runner-up: a wrong type is worse than
// "unknown".
package classifiers

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"coffre"
)

// Result is what classification and extraction found in a document's text.
type Result struct {
	Type       coffre.DocType
	Subtype    string
	Confidence float64       // 0..1
	Fields     coffre.Fields // names and forms of scan-output.md
	IssuedOn   coffre.Date   // zero when unknown
	Checks     []coffre.Check
	Scores     map[coffre.DocType]float64 // every classifier's raw score, for eval/debug
}

// Classifier recognises one document type and extracts its fields.
type Classifier interface {
	Type() coffre.DocType
	// Score says how much d looks like this type, 0..1, and why.
	Score(d *Doc) (float64, string)
	// Extract reads the fields of a document already known to be this type.
	// It sets Result.Confidence to the share of the type's usual fields it
	// found; Classify folds that into the final confidence.
	Extract(d *Doc) Result
}

var registry = map[coffre.DocType]Classifier{}

// register adds a classifier; it is called from the init of each type file.
func register(c Classifier) {
	if _, dup := registry[c.Type()]; dup {
		panic(fmt.Sprintf("classifiers: %s registered twice", c.Type()))
	}
	registry[c.Type()] = c
}

// Registered returns the types that have a classifier, sorted.
func Registered() []coffre.DocType {
	ts := make([]coffre.DocType, 0, len(registry))
	for t := range registry {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts
}

const (
	// threshold is the score a type needs to be accepted at all.
	threshold = 0.55
	// margin is how far ahead of the runner-up the winner must be.
	margin = 0.2
)

// Classify recognises the type of a document from its text (all pages,
// joined with "\n\f\n") and extracts its fields.
func Classify(text string) Result {
	d := NewDoc(text)
	scores := make(map[coffre.DocType]float64, len(registry))
	best, top, second := coffre.TypeUnknown, 0.0, 0.0
	for _, t := range Registered() {
		s, _ := registry[t].Score(d)
		scores[t] = s
		if s > top {
			best, top, second = t, s, top
		} else if s > second {
			second = s
		}
	}
	if best == coffre.TypeUnknown || top < threshold || top-second < margin {
		return Result{Type: coffre.TypeUnknown, Confidence: round2(1 - top), Fields: coffre.Fields{}, Scores: scores}
	}
	r := registry[best].Extract(d)
	r.Type, r.Scores = best, scores
	// A winner barely above the bar or shadowed by a runner-up is less sure.
	r.Confidence = round2(math.Max(0, top-second/2) * fieldCover(r.Confidence))
	if r.Fields == nil {
		r.Fields = coffre.Fields{}
	}
	return r
}

// fieldCover turns the share of expected fields an extractor found (which
// it reports in Result.Confidence) into a factor: missing fields hint at a
// poor read or a wrong guess, but only mildly.
func fieldCover(found float64) float64 { return 0.8 + 0.2*math.Min(1, math.Max(0, found)) }

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// signal is one piece of evidence: any of its phrases (fuzzy) or words
// (exact tokens), or its test, found in the document.
type signal struct {
	name    string
	weight  float64
	phrases []string
	words   []string
	test    func(*Doc) bool
}

func (s signal) found(d *Doc) bool {
	return d.Has(s.phrases...) || d.HasWord(s.words...) || (s.test != nil && s.test(d))
}

// weigh adds the weights of the positive signals found (capped at 1) and
// multiplies by the weight of each negative one found: negatives are
// factors below 1 so one look-alike marker sinks an otherwise good score.
func weigh(d *Doc, pos, neg []signal) (float64, string) {
	var why []string
	score := 0.0
	for _, s := range pos {
		if s.found(d) {
			score += s.weight
			why = append(why, "+"+s.name)
		}
	}
	score = math.Min(1, score)
	for _, s := range neg {
		if s.found(d) {
			score *= s.weight
			why = append(why, "-"+s.name)
		}
	}
	return score, strings.Join(why, " ")
}
