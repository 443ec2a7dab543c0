package mrz

import (
	"fmt"
	"slices"
	"strings"
)

// Compose builds the lines of a zone from the fields of m, computing every
// check digit: Parse(Compose(m)) gives back m's fields. Lines, Checks and
// Repairs are ignored. Names may hold spaces, hyphens and apostrophes,
// written as ICAO 9303-3 does (space and hyphen become '<', apostrophes
// vanish); other characters must be A-Z. Compose fails rather than
// truncate a field that does not fit, and for fields m's format lacks.
func Compose(m MRZ) ([]string, error) {
	l := layoutOf(m.Format)
	if l == nil {
		return nil, fmt.Errorf("mrz: compose: unknown format %q", m.Format)
	}
	lines, err := l.compose(&m)
	if err != nil {
		return nil, fmt.Errorf("mrz: compose %s: %w", m.Format, err)
	}
	return lines, nil
}

func (l *layout) compose(m *MRZ) ([]string, error) {
	if err := l.unused(m); err != nil {
		return nil, err
	}
	lines := make([]string, l.lines)
	for i := range lines {
		lines[i] = strings.Repeat("<", l.width)
	}
	for _, f := range l.fields {
		if f.id == fDocNumber {
			continue // placed by putNumber, which may spill into Optional1
		}
		v, err := m.encode(f.id)
		if err != nil {
			return nil, err
		}
		if err := put(lines, f.at, v, f.id.String()); err != nil {
			return nil, err
		}
	}
	// Placeholders, so that specs finds a long number only where putNumber
	// wrote one.
	for _, c := range l.checks {
		put(lines, c.digit, "0", "")
	}
	if err := l.putNumber(lines, m); err != nil {
		return nil, err
	}
	specs, _ := l.specs(lines)
	for _, s := range specs { // in order: the composite covers the others
		put(lines, s.digit, string(checkDigit(s.data(lines)...)), "")
	}
	if err := l.misfit(lines); err != nil {
		return nil, err
	}
	if d, err := detect(lines); err != nil || d != l {
		return nil, fmt.Errorf("document code %q and state %q would make the lines read as another format",
			m.DocumentCode, m.IssuingState)
	}
	return lines, nil
}

// unused reports a field set in m that l has no room for.
func (l *layout) unused(m *MRZ) error {
	for id := fDocCode; id <= fAdmin; id++ {
		if id == fNames || id == fSurname || id == fGiven ||
			slices.ContainsFunc(l.fields, func(f field) bool { return f.id == id }) {
			continue
		}
		if v := *m.ref(id); v != "" {
			return fmt.Errorf("no %s field, but got %q", id, v)
		}
	}
	return nil
}

// encode returns field id of m as written in a zone, before padding.
func (m *MRZ) encode(id fieldID) (string, error) {
	switch id {
	case fNames:
		sur, err := mrzName(m.Surname, "<")
		if err != nil {
			return "", err
		}
		given, err := mrzName(m.GivenNames, "<")
		if err != nil || given == "" {
			return sur, err
		}
		return sur + "<<" + given, nil
	case fSurname:
		return mrzName(m.Surname, "<")
	case fGiven:
		// The old French card separates given names with "<<".
		return mrzName(m.GivenNames, "<<")
	case fBirth, fExpiry:
		if v := *m.ref(id); len(v) != 6 {
			return "", fmt.Errorf("%s %q is not YYMMDD", id, v)
		}
	case fSex:
		if !slices.Contains([]string{"", "M", "F", "X"}, m.Sex) {
			return "", fmt.Errorf("sex %q is not M, F, X or empty", m.Sex)
		}
	}
	return *m.ref(id), nil
}

// putNumber writes the document number, continuing it in the optional
// data when it is longer than its field and the layout allows that (see
// specs).
func (l *layout) putNumber(lines []string, m *MRZ) error {
	num, f := m.DocumentNumber, l.checks[0].over[0]
	if len(num) <= f.width() || l.long == (span{}) {
		return put(lines, f, num, fDocNumber.String())
	}
	rest := num[f.width():] + "0" // placeholder check digit
	if m.Optional1 != "" {
		rest += "<" + m.Optional1
	}
	if len(rest) > l.long.width() {
		return fmt.Errorf("document number %q and optional data %q do not fit", num, m.Optional1)
	}
	put(lines, f, num[:f.width()], "")
	put(lines, l.checks[0].digit, "<", "")
	return put(lines, l.long, rest, "")
}

// put writes v, padded with fillers, over s.
func put(lines []string, s span, v, name string) error {
	if len(v) > s.width() {
		return fmt.Errorf("%s %q is longer than %d", name, v, s.width())
	}
	line := lines[s.line]
	lines[s.line] = line[:s.from] + v + strings.Repeat("<", s.width()-len(v)) + line[s.to:]
	return nil
}

// mrzName writes a name as ICAO 9303-3 §6 does, as far as Compose needs:
// upper case, hyphens become '<', apostrophes vanish. Space-separated
// parts are joined with sep.
func mrzName(s, sep string) (string, error) {
	var parts []string
	for _, w := range strings.Fields(strings.ToUpper(strings.ReplaceAll(s, "'", ""))) {
		if strings.ContainsFunc(w, func(r rune) bool { return r != '-' && (r < 'A' || r > 'Z') }) {
			return "", fmt.Errorf("name %q: only A-Z, spaces, hyphens and apostrophes can be written", s)
		}
		if sub := strings.FieldsFunc(w, func(r rune) bool { return r == '-' }); len(sub) > 0 {
			parts = append(parts, strings.Join(sub, "<"))
		}
	}
	return strings.Join(parts, sep), nil
}
