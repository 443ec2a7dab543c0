// Package mrz reads the machine-readable zone of identity documents, as
// OCR returns it, and tells whether its check digits hold.
//
// It handles the ICAO Doc 9303 layouts (TD1 identity cards, including the
// French identity card issued since 2021 and residence permits; TD2; TD3
// passports) and the French national identity card of 1988–2021, whose
// 2×36 zone is not an ICAO layout. [Parse] reads lines exactly as given,
// [Read] also undoes the usual OCR confusions when the check digits allow
// exactly one repair, [Find] picks candidate zones out of OCR text and
// [Compose] builds a zone from its fields.
package mrz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Format is the layout of a machine-readable zone.
type Format string

// The layouts this package reads.
const (
	TD1      Format = "TD1"    // 3 lines of 30: identity cards, residence permits
	TD2      Format = "TD2"    // 2 lines of 36
	TD3      Format = "TD3"    // 2 lines of 44: passports
	FrenchID Format = "FR_CNI" // 2 lines of 36 starting IDFRA: French identity card 1988–2021
)

// ErrFormat is returned, wrapped with detail, for lines that are not a
// machine-readable zone of a known layout.
var ErrFormat = errors.New("mrz: not a machine-readable zone")

// Check is the outcome of one check digit, or of the "charset" check that
// every field holds only characters its alphabet allows (no digit in a
// name, no letter in a date).
type Check struct {
	Name  string // "document_number", "birth_date", "expiry_date", "personal_number", "composite" or "charset"
	OK    bool
	Digit byte // the check digit as read; 0 for "charset"
}

// Repair is one character changed by [Read]. Line and Col are 0-based
// indexes into MRZ.Lines.
type Repair struct {
	Line, Col int
	From, To  byte
}

// MRZ is a parsed machine-readable zone. Text fields have their trailing
// fillers removed; names have '<' turned into spaces.
type MRZ struct {
	Format         Format
	Lines          []string // the lines as parsed, after any repair
	DocumentCode   string   // "P", "I", "ID", "IR", …
	IssuingState   string
	DocumentNumber string // for long TD1 or TD2 numbers, the whole number
	Surname        string
	GivenNames     string // separated by single spaces
	Nationality    string // "" for FrenchID, whose zone has none
	BirthDate      string // YYMMDD as in the zone
	Sex            string // "M", "F", or "" for '<' and 'X'
	ExpiryDate     string // YYMMDD; "" for FrenchID, whose zone has none
	PersonalNumber string // TD3
	Optional1      string // TD1 line 1 or TD2 optional data, after any long number; inner fillers kept
	Optional2      string // TD1 line 2 optional data
	AdminCode      string // FrenchID: the administrative code ending line 1
	Checks         []Check
	Repairs        []Repair // nil when the zone was read as is
}

// Names of the checks.
const (
	checkDocNumber = "document_number"
	checkBirth     = "birth_date"
	checkExpiry    = "expiry_date"
	checkPersonal  = "personal_number"
	checkComposite = "composite"
	checkCharset   = "charset"
)

// NumberChecked reports whether the document number's own check digit
// holds, whatever the zone's other checks say.
func (m *MRZ) NumberChecked() bool {
	for _, c := range m.Checks {
		if c.Name == checkDocNumber {
			return c.OK
		}
	}
	return false
}

// Verified reports whether every check of m's format is present and holds.
func (m *MRZ) Verified() bool {
	l := layoutOf(m.Format)
	if l == nil || len(m.Checks) != len(l.checks)+1 {
		return false
	}
	for _, c := range m.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Parse reads lines laid out exactly as one of the formats: the format
// follows from the number of lines, their length and, for 2×36, whether
// the zone starts with IDFRA (the old French card) or not (TD2). Failing
// checks are recorded in Checks, not returned as errors.
func Parse(lines []string) (*MRZ, error) {
	l, err := detect(lines)
	if err != nil {
		return nil, err
	}
	return l.parse(lines), nil
}

func detect(lines []string) (*layout, error) {
	lens := make([]int, len(lines))
	for i, line := range lines {
		lens[i] = len(line)
		if j := strings.IndexFunc(line, func(r rune) bool { return !isMRZChar(r) }); j >= 0 {
			return nil, fmt.Errorf("%w: line %d column %d: %q is not A-Z, 0-9 or <", ErrFormat, i+1, j+1, line[j:j+1])
		}
	}
	for _, l := range layouts {
		if len(lines) == l.lines && !slices.ContainsFunc(lens, func(n int) bool { return n != l.width }) &&
			strings.HasPrefix(lines[0], l.prefix) {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%w: %d lines of lengths %v, want 3×30, 2×36 or 2×44", ErrFormat, len(lines), lens)
}

func (l *layout) parse(lines []string) *MRZ {
	m := &MRZ{Format: l.format, Lines: slices.Clone(lines)}
	for _, f := range l.fields {
		m.decode(f.id, f.at.of(lines))
	}
	specs, long := l.specs(lines)
	m.DocumentNumber = strings.TrimRight(strings.Join(specs[0].data(lines), ""), "<")
	if long { // Optional1 resumes after the number's check digit and a filler
		rest := min(specs[0].digit.to+1, l.long.to)
		m.Optional1 = strings.TrimRight(lines[l.long.line][rest:l.long.to], "<")
	}
	m.Checks = l.check(lines)
	return m
}

// decode sets the member of m that field id holds, from its raw text.
func (m *MRZ) decode(id fieldID, raw string) {
	switch id {
	case fDocNumber: // read from the check's span, which long numbers extend
	case fNames:
		sur, given, _ := strings.Cut(raw, "<<")
		given, _, _ = strings.Cut(given, "<<")
		m.Surname, m.GivenNames = words(sur), words(given)
	case fSurname:
		sur, _, _ := strings.Cut(raw, "<<")
		m.Surname = words(sur)
	case fGiven:
		given, _, _ := strings.Cut(raw, "<<<")
		m.GivenNames = words(given)
	case fSex:
		if raw == "<" || raw == "X" {
			raw = ""
		}
		m.Sex = raw
	case fBirth, fExpiry:
		*m.ref(id) = raw
	default:
		*m.ref(id) = strings.TrimRight(raw, "<")
	}
}

// ref returns the member of m holding the single-member field id.
func (m *MRZ) ref(id fieldID) *string {
	switch id {
	case fDocCode:
		return &m.DocumentCode
	case fState:
		return &m.IssuingState
	case fNationality:
		return &m.Nationality
	case fBirth:
		return &m.BirthDate
	case fSex:
		return &m.Sex
	case fExpiry:
		return &m.ExpiryDate
	case fPersonal:
		return &m.PersonalNumber
	case fOpt1:
		return &m.Optional1
	case fOpt2:
		return &m.Optional2
	case fAdmin:
		return &m.AdminCode
	}
	panic(fmt.Sprintf("mrz: field %v has no single member", id))
}

// words turns '<'-separated name parts into space-separated ones. The
// callers end names at the first filler run longer than a separator
// ("<<" between ICAO given names, "<<<" on the old French card, whose
// given names are separated by "<<"): what follows is padding, where OCR
// reads stray K's.
func words(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' }), " ")
}

func isMRZChar(r rune) bool {
	return r == '<' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
}
