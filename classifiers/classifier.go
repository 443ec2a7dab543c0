// Package classifiers recognises the kind of a French justificatif from its
// OCR text and extracts its fields in the forms of the scan-output contract
// (docs/scan-output.md).
//
// Each accepted document type is one file that registers a Classifier from
// init; documents that look like them but are not accepted (taxe foncière,
// payslip, a CAF letter…) have classifiers too, in lookalikes.go.
// Classifiers score a shared, normalised Doc with several independent,
// weighted signals (titles, field labels, identifiers, issuers), so that no
// single OCR-mangled word decides. Classify keeps the best score only when
// it is an accepted type, high enough and clearly ahead of the runner-up: a
// wrong type is worse than "unknown".
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
	// Lookalike names the kind of a document recognised but not accepted
	// (e.g. "taxe_fonciere"), when Type is unknown because of it.
	Lookalike string
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

var (
	registry = map[coffre.DocType]Classifier{}
	// accepted marks the types a scan may report; the others are
	// look-alikes, recognised only to be refused.
	accepted = map[coffre.DocType]bool{}
)

// register adds the classifier of an accepted type; it is called from the
// init of each type file.
func register(c Classifier) {
	add(c)
	accepted[c.Type()] = true
}

// registerLookalike adds the classifier of a document that must not pass
// as an accepted type.
func registerLookalike(c Classifier) { add(c) }

func add(c Classifier) {
	if _, dup := registry[c.Type()]; dup {
		panic(fmt.Sprintf("classifiers: %s registered twice", c.Type()))
	}
	registry[c.Type()] = c
}

// Registered returns the accepted types, sorted.
func Registered() []coffre.DocType { return sortedTypes(true) }

// Lookalikes returns the kinds recognised only to be refused, sorted.
func Lookalikes() []coffre.DocType { return sortedTypes(false) }

func sortedTypes(isAccepted bool) []coffre.DocType {
	var ts []coffre.DocType
	for t := range registry {
		if accepted[t] == isAccepted {
			ts = append(ts, t)
		}
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
// joined with "\n\f\n") read on asOf, and extracts its fields.
func Classify(text string, asOf coffre.Date) Result {
	d := NewDoc(text)
	d.AsOf = asOf
	scores := make(map[coffre.DocType]float64, len(registry))
	for t, c := range registry {
		scores[t], _ = c.Score(d)
	}
	best, top, second := ranked(scores, func(coffre.DocType) bool { return true })
	if accepted[best] && top >= threshold && top-second >= margin {
		r := registry[best].Extract(d)
		r.Type, r.Scores = best, scores
		// A winner barely above the bar or shadowed by a runner-up is less
		// sure.
		r.Confidence = round2(math.Max(0, top-second/2) * fieldCover(r.Confidence))
		if r.Fields == nil {
			r.Fields = coffre.Fields{}
		}
		return r
	}
	r := Result{Type: coffre.TypeUnknown, Confidence: round2(1 - top), Fields: coffre.Fields{}, Scores: scores}
	// Recognised as (or too close to) a document that is not accepted:
	// unknown, as sure as that document is recognised.
	if look, s, _ := ranked(scores, func(t coffre.DocType) bool { return !accepted[t] }); s >= threshold {
		r.Lookalike, r.Confidence = string(look), round2(s)
	}
	return r
}

// ranked returns the best of the scores whose type keep accepts, its
// score, and the runner-up's score, in a fixed order so that the result
// does not depend on map order.
func ranked(scores map[coffre.DocType]float64, keep func(coffre.DocType) bool) (best coffre.DocType, top, second float64) {
	best = coffre.TypeUnknown
	for _, t := range append(Registered(), Lookalikes()...) {
		s := scores[t]
		switch {
		case !keep(t):
		case s > top:
			best, top, second = t, s, top
		case s > second:
			second = s
		}
	}
	return best, top, second
}

// fieldCover turns the share of expected fields an extractor found (which
// it reports in Result.Confidence) into a factor: missing fields hint at a
// poor read or a wrong guess, but only mildly.
func fieldCover(found float64) float64 { return 0.8 + 0.2*math.Min(1, math.Max(0, found)) }

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// signal is one piece of evidence: any of its phrases (fuzzy), headings
// (fuzzy, beginning a line), words (exact tokens), or its test, found in
// the document.
type signal struct {
	name     string
	weight   float64
	phrases  []string
	headings []string
	words    []string
	test     func(*Doc) bool
	// required: without it the type cannot be accepted, whatever else is
	// found (an attestation CAF must say it is an attestation).
	required bool
}

func (s signal) found(d *Doc) bool {
	return d.Has(s.phrases...) || d.HasHeading(s.headings...) || d.HasWord(s.words...) || (s.test != nil && s.test(d))
}

// weigh adds the weights of the signals found, capped at 1. Evidence of a
// look-alike is not subtracted here: the look-alike's own classifier
// scores it, and Classify's margin keeps a close call unknown. A single
// stray phrase ("net à payer" read in "montant à payer") thus cannot sink a
// document that every other signal recognises.
func weigh(d *Doc, signals []signal) (float64, string) {
	var why []string
	score, factor := 0.0, 1.0
	for _, s := range signals {
		switch {
		case s.found(d):
			score += s.weight
			why = append(why, "+"+s.name)
		case s.required:
			factor = 0.5
			why = append(why, "!"+s.name)
		}
	}
	return factor * math.Min(1, score), strings.Join(why, " ")
}
