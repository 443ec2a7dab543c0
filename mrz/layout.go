package mrz

// A span is the columns [from, to) of one line of a zone.
type span struct{ line, from, to int }

func at(line, col int) span { return span{line, col, col + 1} }

func (s span) of(lines []string) string { return lines[s.line][s.from:s.to] }

func (s span) width() int { return s.to - s.from }

// class is the alphabet of a field, which bounds what OCR repairs may
// turn its characters into.
type class uint8

const (
	alnum   class = iota // A-Z, 0-9, <
	digits               // 0-9, and < for unknown dates and empty fields
	letters              // A-Z, <
	sexes                // M, F, X, <
)

func (c class) allows(b byte) bool {
	switch c {
	case digits:
		return b == '<' || '0' <= b && b <= '9'
	case letters:
		return b == '<' || 'A' <= b && b <= 'Z'
	case sexes:
		return b == '<' || b == 'M' || b == 'F' || b == 'X'
	}
	return isMRZChar(rune(b))
}

type fieldID uint8

const (
	fDocCode fieldID = iota
	fState
	fDocNumber
	fNames // ICAO: surname, "<<", given names
	fSurname
	fGiven
	fNationality
	fBirth
	fSex
	fExpiry
	fPersonal
	fOpt1
	fOpt2
	fAdmin
)

var fieldNames = [...]string{"document code", "issuing state", "document number", "names", "surname",
	"given names", "nationality", "birth date", "sex", "expiry date", "personal number",
	"optional data 1", "optional data 2", "administrative code"}

func (id fieldID) String() string { return fieldNames[id] }

type field struct {
	id    fieldID
	at    span
	class class
}

// A checkSpec is a check digit at digit over the characters of over.
type checkSpec struct {
	name  string
	over  []span
	digit span
}

// A layout places a format's fields and check digits.
type layout struct {
	format       Format
	lines, width int
	prefix       string // what the first line starts with, if fixed
	// fields in order; a later field's class overrides an earlier one's
	// where they overlap (the old card's document number mixes alphabets).
	fields []field
	checks []checkSpec // the document number's first, the composite last
	// long is the optional data (Optional1) into which a document number
	// longer than its field continues; zero when the layout has no such rule.
	long    span
	classes [][]class // of each column, from fields and check digits
}

func newLayout(l layout) *layout {
	l.classes = make([][]class, l.lines)
	for i := range l.classes {
		l.classes[i] = make([]class, l.width)
	}
	for _, f := range l.fields {
		for c := f.at.from; c < f.at.to; c++ {
			l.classes[f.at.line][c] = f.class
		}
	}
	for _, c := range l.checks {
		l.classes[c.digit.line][c.digit.from] = digits
	}
	return &l
}

// The layouts, from ICAO 9303 parts 4–6, and the old French card's, which
// no standard publishes and testdata/vectors.json confirms: line 1 is
// IDFRA, the surname (25) and an administrative code (6); line 2 the
// document number (12: issue YYMM, an office code that may hold letters,
// a 5-digit sequence) and its check digit, the given names (14, separated
// by "<<"), the birth date and its check digit, the sex, and a check
// digit over line 1 and the rest of line 2.
var layouts = []*layout{
	newLayout(layout{format: TD1, lines: 3, width: 30,
		fields: []field{
			{fDocCode, span{0, 0, 2}, letters}, {fState, span{0, 2, 5}, letters},
			{fDocNumber, span{0, 5, 14}, alnum}, {fOpt1, span{0, 15, 30}, alnum},
			{fBirth, span{1, 0, 6}, digits}, {fSex, at(1, 7), sexes}, {fExpiry, span{1, 8, 14}, digits},
			{fNationality, span{1, 15, 18}, letters}, {fOpt2, span{1, 18, 29}, alnum},
			{fNames, span{2, 0, 30}, letters},
		},
		checks: []checkSpec{
			{checkDocNumber, []span{{0, 5, 14}}, at(0, 14)},
			{checkBirth, []span{{1, 0, 6}}, at(1, 6)},
			{checkExpiry, []span{{1, 8, 14}}, at(1, 14)},
			{checkComposite, []span{{0, 5, 30}, {1, 0, 7}, {1, 8, 15}, {1, 18, 29}}, at(1, 29)},
		},
		long: span{0, 15, 30},
	}),
	newLayout(layout{format: FrenchID, lines: 2, width: 36, prefix: "IDFRA",
		fields: []field{
			{fDocCode, span{0, 0, 2}, letters}, {fState, span{0, 2, 5}, letters},
			{fSurname, span{0, 5, 30}, letters}, {fAdmin, span{0, 30, 36}, alnum},
			// issue year and month, office (letters allowed), sequence
			{fDocNumber, span{1, 0, 12}, alnum}, {fDocNumber, span{1, 0, 4}, digits}, {fDocNumber, span{1, 7, 12}, digits},
			{fGiven, span{1, 13, 27}, letters}, {fBirth, span{1, 27, 33}, digits}, {fSex, at(1, 34), sexes},
		},
		checks: []checkSpec{
			{checkDocNumber, []span{{1, 0, 12}}, at(1, 12)},
			{checkBirth, []span{{1, 27, 33}}, at(1, 33)},
			{checkComposite, []span{{0, 0, 36}, {1, 0, 35}}, at(1, 35)},
		},
	}),
	newLayout(layout{format: TD2, lines: 2, width: 36,
		fields: []field{
			{fDocCode, span{0, 0, 2}, letters}, {fState, span{0, 2, 5}, letters}, {fNames, span{0, 5, 36}, letters},
			{fDocNumber, span{1, 0, 9}, alnum}, {fNationality, span{1, 10, 13}, letters},
			{fBirth, span{1, 13, 19}, digits}, {fSex, at(1, 20), sexes}, {fExpiry, span{1, 21, 27}, digits},
			{fOpt1, span{1, 28, 35}, alnum},
		},
		checks: []checkSpec{
			{checkDocNumber, []span{{1, 0, 9}}, at(1, 9)},
			{checkBirth, []span{{1, 13, 19}}, at(1, 19)},
			{checkExpiry, []span{{1, 21, 27}}, at(1, 27)},
			{checkComposite, []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 35}}, at(1, 35)},
		},
		long: span{1, 28, 35},
	}),
	newLayout(layout{format: TD3, lines: 2, width: 44,
		fields: []field{
			{fDocCode, span{0, 0, 2}, letters}, {fState, span{0, 2, 5}, letters}, {fNames, span{0, 5, 44}, letters},
			{fDocNumber, span{1, 0, 9}, alnum}, {fNationality, span{1, 10, 13}, letters},
			{fBirth, span{1, 13, 19}, digits}, {fSex, at(1, 20), sexes}, {fExpiry, span{1, 21, 27}, digits},
			{fPersonal, span{1, 28, 42}, alnum},
		},
		checks: []checkSpec{
			{checkDocNumber, []span{{1, 0, 9}}, at(1, 9)},
			{checkBirth, []span{{1, 13, 19}}, at(1, 19)},
			{checkExpiry, []span{{1, 21, 27}}, at(1, 27)},
			{checkPersonal, []span{{1, 28, 42}}, at(1, 42)},
			{checkComposite, []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 43}}, at(1, 43)},
		},
	}),
}

func layoutOf(f Format) *layout {
	for _, l := range layouts {
		if l.format == f {
			return l
		}
	}
	return nil
}
