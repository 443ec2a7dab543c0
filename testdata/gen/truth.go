package main

import (
	"coffre"
)

// Specimen is one generated document before rendering: its pages and
// what a perfect reader should extract from it.
type Specimen struct {
	Type      coffre.DocType
	Subtype   string
	Lookalike string
	Fields    coffre.Fields
	IssuedOn  coffre.Date
	ExpiresOn coffre.Date
	Layout    string
	Font      string
	Pages     []*Doc  // A4 pages (or card sides) in print order
	Meta      pdfMeta // metadata of the digital PDF
	Card      *Card   // set for identity documents
}

// Card holds the sides of an identity document; Verso is nil for a
// passport data page. VersoKeys are fields printed only on the verso.
type Card struct {
	Recto, Verso *Doc
	VersoKeys    []string
}

// Truth is the ground-truth JSON written next to each file.
type Truth struct {
	File      string         `json:"file"`
	Type      coffre.DocType `json:"type"`
	Subtype   string         `json:"subtype"`
	Rendering string         `json:"rendering"`
	Lookalike string         `json:"lookalike"`
	Readable  bool           `json:"readable"`
	Pages     int            `json:"pages"`
	Fields    coffre.Fields  `json:"fields"`
	IssuedOn  coffre.Date    `json:"issued_on"`
	ExpiresOn coffre.Date    `json:"expires_on"`
	Layout    string         `json:"layout"`
	Font      string         `json:"font"`
}
