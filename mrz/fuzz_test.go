package mrz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzRead checks that Read never panics, errs only with ErrFormat, and
// that a zone it calls verified has check digits that hold when
// recomputed from its lines by recheck, which lays the formats out again
// independently of the package's tables.
func FuzzRead(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(strings.Join(v.Lines, "\n"))
		// A confusion or two for the fuzzer to start from.
		f.Add(strings.Join(apply(v.Lines, []Repair{{Line: 1, Col: 3, To: 'O'}}), "\n"))
		f.Add(strings.Join(apply(v.Lines, []Repair{{Line: 0, Col: 7, To: 'S'}, {Line: 1, Col: 5, To: 'B'}}), "\n"))
	}
	f.Fuzz(func(t *testing.T, text string) {
		in := strings.Split(text, "\n")
		m, err := Read(in)
		if err != nil {
			if !errors.Is(err, ErrFormat) || m != nil {
				t.Fatalf("Read = %+v, %v; want nil and ErrFormat", m, err)
			}
			return
		}
		undone, err := undo(m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(undone, in) {
			t.Fatalf("undoing repairs %+v of %q gives %q, not the input", m.Repairs, m.Lines, undone)
		}
		if m.Verified() {
			if err := recheck(m); err != nil {
				t.Fatalf("verified %q: %v", m.Lines, err)
			}
		} else if m.Repairs != nil {
			t.Fatalf("repaired but unverified: %+v", m)
		}
	})
}

// undo returns the lines m was read from: substitutions reversed, then
// deletions (To 0, columns of the line as read) put back. Substitutions
// are at most maxRepairs, or, after deletions, letters forced to digits.
func undo(m *MRZ) ([]string, error) {
	lines := slices.Clone(m.Lines)
	dels := map[int][]Repair{}
	for _, r := range m.Repairs {
		if r.To == 0 {
			dels[r.Line] = append(dels[r.Line], r)
		}
	}
	subs := 0
	for _, r := range m.Repairs {
		if r.To == 0 {
			continue
		}
		subs++
		forced := len(dels) > 0 && 'A' <= r.From && r.From <= 'Z' && '0' <= r.To && r.To <= '9'
		if len(dels) == 0 && subs > maxRepairs || len(dels) > 0 && !forced || r.From == r.To || m.Lines[r.Line][r.Col] != r.To {
			return nil, fmt.Errorf("repair %+v (%d substitutions, %d lines with deletions) does not match lines %q", r, subs, len(dels), m.Lines)
		}
		lines = apply(lines, []Repair{{Line: r.Line, Col: r.Col, To: r.From}})
	}
	for i, rs := range dels {
		if len(rs) > 2 {
			return nil, fmt.Errorf("%d deletions in line %d", len(rs), i)
		}
		slices.SortFunc(rs, func(a, b Repair) int { return a.Col - b.Col })
		for _, r := range rs {
			if r.Col > len(lines[i]) {
				return nil, fmt.Errorf("deletion %+v past the line %q", r, lines[i])
			}
			lines[i] = lines[i][:r.Col] + string(r.From) + lines[i][r.Col:]
		}
	}
	return lines, nil
}

// recheck recomputes every check digit of m's lines.
func recheck(m *MRZ) error {
	l := m.Lines
	type check struct{ data, digit string }
	var checks []check
	// Document number and check digit in the TD1 and TD2 layouts, which
	// continue a long number in the optional data up to a filler.
	number := func(num, digit, optional string) check {
		if end := strings.IndexByte(optional+"<", '<'); digit == "<" && end > 0 {
			return check{num + optional[:end-1], optional[end-1 : end]}
		}
		return check{num, digit}
	}
	switch m.Format {
	case TD1:
		checks = []check{number(l[0][5:14], l[0][14:15], l[0][15:30]),
			{l[1][0:6], l[1][6:7]}, {l[1][8:14], l[1][14:15]},
			{l[0][5:30] + l[1][0:7] + l[1][8:15] + l[1][18:29], l[1][29:30]}}
	case TD2:
		checks = []check{number(l[1][0:9], l[1][9:10], l[1][28:35]),
			{l[1][13:19], l[1][19:20]}, {l[1][21:27], l[1][27:28]},
			{l[1][0:10] + l[1][13:20] + l[1][21:35], l[1][35:36]}}
	case TD3:
		checks = []check{{l[1][0:9], l[1][9:10]}, {l[1][13:19], l[1][19:20]}, {l[1][21:27], l[1][27:28]},
			{l[1][0:10] + l[1][13:20] + l[1][21:43], l[1][43:44]}}
		if personal := l[1][28:42]; personal != strings.Repeat("<", 14) || l[1][42] != '<' {
			checks = append(checks, check{personal, l[1][42:43]})
		}
	case FrenchID:
		checks = []check{{l[1][0:12], l[1][12:13]}, {l[1][27:33], l[1][33:34]}, {l[0] + l[1][0:35], l[1][35:36]}}
	default:
		return errors.New("unknown format")
	}
	for _, c := range checks {
		d, err := CheckDigit(c.data)
		if err != nil {
			return err
		}
		if string(d) != c.digit {
			return errors.New("check digit " + c.digit + " of " + c.data + " should be " + string(d))
		}
	}
	return nil
}
