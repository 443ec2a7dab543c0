package mrz

import (
	"fmt"
	"slices"
	"strings"
)

// CheckDigit returns the ICAO 9303 check digit of s, '0' to '9': the sum of
// the character values weighted 7, 3, 1, 7, 3, 1, … modulo 10, where digits
// are worth themselves, A to Z 10 to 35 and '<' 0.
func CheckDigit(s string) (byte, error) {
	if i := strings.IndexFunc(s, func(r rune) bool { return !isMRZChar(r) }); i >= 0 {
		return 0, fmt.Errorf("mrz: check digit of %q: %q at %d is not A-Z, 0-9 or <", s, s[i:i+1], i)
	}
	return checkDigit(s), nil
}

// checkDigit is CheckDigit of the concatenation of parts, which must hold
// only MRZ characters.
func checkDigit(parts ...string) byte {
	weights := [3]int{7, 3, 1}
	sum, i := 0, 0
	for _, p := range parts {
		for _, c := range []byte(p) {
			sum += value(c) * weights[i%3]
			i++
		}
	}
	return byte('0' + sum%10)
}

func value(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

// specs returns the layout's checks as they apply to lines. A TD1 or TD2
// document number longer than its field has '<' where its check digit
// would be and continues at the start of the optional data, up to the
// first filler; the character before that filler is its check digit
// (ICAO 9303 parts 5 and 6). long reports that case.
func (l *layout) specs(lines []string) (specs []checkSpec, long bool) {
	doc := l.checks[0]
	if l.long == (span{}) || doc.digit.of(lines) != "<" {
		return l.checks, false
	}
	n := strings.IndexByte(l.long.of(lines), '<')
	if n < 0 {
		n = l.long.width()
	}
	if n == 0 {
		return l.checks, false
	}
	end := l.long.from + n - 1
	specs = slices.Clone(l.checks)
	specs[0] = checkSpec{doc.name, []span{doc.over[0], {l.long.line, l.long.from, end}}, at(l.long.line, end)}
	return specs, true
}

// check computes every check of lines, which fit l.
func (l *layout) check(lines []string) []Check {
	specs, _ := l.specs(lines)
	checks := make([]Check, 0, len(specs)+1)
	for _, s := range specs {
		parts := s.data(lines)
		got := s.digit.of(lines)[0]
		// ICAO 9303-4 lets an empty personal number have '<' for check digit.
		ok := got == checkDigit(parts...) ||
			s.name == checkPersonal && got == '<' && strings.Trim(parts[0], "<") == ""
		checks = append(checks, Check{Name: s.name, OK: ok, Digit: got})
	}
	return append(checks, Check{Name: checkCharset, OK: l.misfit(lines) == nil})
}

// data returns the characters s covers, span by span.
func (s checkSpec) data(lines []string) []string {
	parts := make([]string, len(s.over))
	for i, o := range s.over {
		parts[i] = o.of(lines)
	}
	return parts
}

// misfit describes the first character of lines outside its field's
// alphabet, if any.
func (l *layout) misfit(lines []string) error {
	for i, s := range lines {
		for j := range len(s) {
			if !l.classes[i][j].allows(s[j]) {
				return fmt.Errorf("%s line %d column %d: %q not allowed in %s",
					l.format, i+1, j+1, s[j:j+1], l.fieldAt(i, j))
			}
		}
	}
	return nil
}

// fieldAt names what lies at line i, column j.
func (l *layout) fieldAt(i, j int) string {
	name := "check digit"
	for _, f := range l.fields {
		if f.at.line == i && f.at.from <= j && j < f.at.to {
			name = f.id.String()
		}
	}
	return name
}
