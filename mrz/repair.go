package mrz

import (
	"slices"
	"strings"
)

// What OCR reads in place of a digit or a letter. A field's alphabet
// decides which way a character is repaired: 'O' in a date is a misread
// '0', '0' in a name a misread 'O'; document numbers and optional data
// may go either way.
var (
	toDigit  = map[byte]byte{'O': '0', 'Q': '0', 'D': '0', 'I': '1', 'L': '1', 'Z': '2', 'S': '5', 'B': '8', 'G': '6', 'T': '7', 'A': '4'}
	toLetter = map[byte]byte{'0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B', 'K': '<'}
)

// Misread returns what OCR may have read c in place of: a digit if digit,
// else a letter. The visual zone of a document is misread the same ways.
func Misread(c byte, digit bool) (byte, bool) {
	to, ok := toLetter[c]
	if digit {
		to, ok = toDigit[c]
	}
	return to, ok && to != '<'
}

// maxRepairs bounds the search: more substitutions would too often turn
// noise into a zone that verifies. A character has at most one
// substitution (it is in one table at most), so a 2×44 zone has at most
// 88·87/2 pairs to try.
const maxRepairs = 2

// Read parses lines as Parse does and, if the zone is not verified, looks
// for OCR confusions to undo: single substitutions first, then pairs, each
// turning a character into one its field's alphabet allows. It keeps a
// repair only if every check then holds and no other repair of as few
// substitutions does; otherwise it returns the zone as read, unverified.
// A repair may change the format where the format depends on characters:
// 1DFRA… read as TD2 is an old French card once the 1 becomes an I.
func Read(lines []string) (*MRZ, error) {
	if m, ok := readLong(lines); ok {
		return m, nil
	}
	m, err := Parse(lines)
	if err != nil || m.Verified() {
		return m, err
	}
	for n := 1; n <= maxRepairs; n++ {
		var fix []Repair
		found := 0
		for _, l := range layouts {
			if l.lines == len(lines) && l.width == len(lines[0]) {
				f, k := l.search(lines, l.candidates(lines), n)
				if k > 0 {
					fix, found = f, found+k
				}
			}
		}
		switch {
		case found == 1:
			r, _ := Parse(apply(lines, fix))
			r.Repairs = fix
			return r, nil
		case found > 1:
			return m, nil // ambiguous: choosing would be guessing
		}
	}
	return m, nil
}

// candidates lists every substitution the alphabets allow in lines.
func (l *layout) candidates(lines []string) []Repair {
	var out []Repair
	for i, line := range lines {
		for j := range len(line) {
			c, from := l.classes[i][j], line[j]
			for _, table := range []map[byte]byte{toDigit, toLetter} {
				if to, ok := table[from]; ok && c.allows(to) {
					out = append(out, Repair{Line: i, Col: j, From: from, To: to})
				}
			}
		}
	}
	return out
}

// search tries every set of n candidates at distinct places and returns
// how many make every check hold (counting stops at 2) and the last found.
func (l *layout) search(lines []string, cands []Repair, n int) (fix []Repair, found int) {
	var walk func(start int, chosen []Repair)
	walk = func(start int, chosen []Repair) {
		if len(chosen) == n {
			if l.holds(apply(lines, chosen)) {
				found++
				fix = slices.Clone(chosen)
			}
			return
		}
		for i := start; i < len(cands) && found < 2; i++ {
			if !slices.ContainsFunc(chosen, func(r Repair) bool { return r.Line == cands[i].Line && r.Col == cands[i].Col }) {
				walk(i+1, append(chosen, cands[i]))
			}
		}
	}
	walk(0, make([]Repair, 0, n))
	return fix, found
}

// holds reports whether lines read as l and verify.
func (l *layout) holds(lines []string) bool {
	d, _ := detect(lines)
	return d == l && !slices.ContainsFunc(l.check(lines), func(c Check) bool { return !c.OK })
}

// apply returns a copy of lines with the repairs made.
func apply(lines []string, repairs []Repair) []string {
	out := slices.Clone(lines)
	for _, r := range repairs {
		b := []byte(out[r.Line])
		b[r.Col] = r.To
		out[r.Line] = string(b)
	}
	return out
}

// readLong handles a zone whose lines OCR made one or two characters too
// long (a letter read twice, a speck read as a 1): it tries every way of
// deleting the extra characters and keeps the outcome only if it verifies
// and no different outcome does. A deletion is recorded as a repair whose
// To is 0. Substitutions are not searched with deletions: the check
// digits could not tell so many candidates apart. Only the forced ones
// are made, a letter where only a digit may stand (see forceDigits).
func readLong(lines []string) (*MRZ, bool) {
	width, ok := longZone(lines)
	if !ok {
		return nil, false
	}
	type candidate struct {
		lines   []string
		repairs []Repair
	}
	cands := []candidate{{}}
	for i, line := range lines {
		var next []candidate
		for _, d := range deletions(line, len(line)-width) {
			for _, c := range cands {
				rs := slices.Clone(c.repairs)
				for _, col := range d.cols {
					rs = append(rs, Repair{Line: i, Col: col, From: line[col]})
				}
				next = append(next, candidate{append(slices.Clone(c.lines), d.line), rs})
			}
		}
		cands = next
	}
	var found *MRZ
	for _, c := range cands {
		lines, forced := forceDigits(c.lines)
		m, err := Parse(lines)
		if err != nil || !m.Verified() {
			continue
		}
		c.repairs = append(c.repairs, forced...)
		if found != nil && !slices.Equal(found.Lines, m.Lines) {
			return nil, false // two readings verify: choosing would be guessing
		}
		if found == nil {
			m.Repairs, found = c.repairs, m
		}
	}
	return found, found != nil
}

// forceDigits turns the letters OCR makes of digits (B for 8, O for 0…)
// into those digits where the layout of lines allows only a digit: dates
// and check digits. No choice is made there, so no search is needed.
func forceDigits(lines []string) ([]string, []Repair) {
	l, err := detect(lines)
	if err != nil {
		return lines, nil
	}
	var forced []Repair
	for i, line := range lines {
		for j := range len(line) {
			if to, ok := toDigit[line[j]]; ok && l.classes[i][j] == digits {
				forced = append(forced, Repair{Line: i, Col: j, From: line[j], To: to})
			}
		}
	}
	return apply(lines, forced), forced
}

// longZone returns the width of the zone lines would be if the longer of
// them lost one or two characters.
func longZone(lines []string) (int, bool) {
	for _, z := range zones {
		if z.lines != len(lines) {
			continue
		}
		fits, long := true, false
		for _, l := range lines {
			fits = fits && len(l) >= z.width && len(l) <= z.width+2 && !strings.ContainsFunc(l, notMRZChar)
			long = long || len(l) > z.width
		}
		if fits && long {
			return z.width, true
		}
	}
	return 0, false
}

// shortened is a line with characters deleted at cols.
type shortened struct {
	line string
	cols []int
}

// deletions returns every distinct line made by deleting n characters.
func deletions(line string, n int) []shortened {
	if n == 0 {
		return []shortened{{line: line}}
	}
	var out []shortened
	seen := map[string]bool{}
	for col := range len(line) {
		for _, rest := range deletions(line[:col]+line[col+1:], n-1) {
			// rest.cols are in the shorter line: map them back.
			cols := []int{col}
			for _, c := range rest.cols {
				if c >= col {
					c++
				}
				cols = append(cols, c)
			}
			if !seen[rest.line] {
				seen[rest.line] = true
				out = append(out, shortened{rest.line, cols})
			}
		}
	}
	return out
}

func notMRZChar(r rune) bool { return !isMRZChar(r) }
