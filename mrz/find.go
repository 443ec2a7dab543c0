package mrz

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// chevrons are what OCR makes of the filler '<'.
const chevrons = "<«‹〈⟨＜([{£"

// Runs of K that OCR made of fillers: no name holds KKK, and a line where
// no '<' survived has its fillers in runs of K from two on.
var (
	kRun  = regexp.MustCompile(`KKK+`)
	kPair = regexp.MustCompile(`KK+`)
)

// zones are the MRZ line lengths, and how many lines a zone of each has.
var zones = []struct{ width, lines int }{{30, 3}, {36, 2}, {44, 2}}

// Find returns the groups of consecutive lines of OCR text that may be a
// machine-readable zone, normalised for Read: upper case, spaces dropped,
// chevron look-alikes and runs of K made fillers, and lengths one or two
// off mended where only trailing fillers differ. Blank lines do not break
// a group; where more lines than a zone has are in a row, every window of
// them is a group. Groups starting with a document code letter (P, I, A,
// C) come first; otherwise the order is the text's.
func Find(text string) [][]string {
	var groups [][]string
	var run []string // consecutive candidate lines
	for _, raw := range strings.Split(text, "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if line, ok := candidate(raw); ok {
			run = append(run, line)
			continue
		}
		groups = append(groups, windows(run)...)
		run = run[:0]
	}
	groups = append(groups, windows(run)...)
	slices.SortStableFunc(groups, func(a, b []string) int { return rank(a) - rank(b) })
	return groups
}

// Shaped reports whether text has two lines in a row that can only be a
// machine-readable zone, even one too garbled for Find: each a candidate
// line holding a run of fillers. Nothing but identity and travel
// documents prints such lines.
func Shaped(text string) bool {
	prev := false
	for _, raw := range strings.Split(text, "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		line, ok := candidate(raw)
		ok = ok && strings.Contains(line, "<<")
		if ok && prev {
			return true
		}
		prev = ok
	}
	return false
}

func rank(group []string) int {
	if strings.IndexByte("PIAC", group[0][0]) >= 0 {
		return 0
	}
	return 1
}

// windows returns every group of lines in run that has a zone's shape:
// at least one line of the zone's exact width, the others brought to it
// by shape.
func windows(run []string) [][]string {
	var groups [][]string
	for i := range run {
		for _, z := range zones {
			if i+z.lines > len(run) {
				continue
			}
			group := make([]string, 0, z.lines)
			exact := false
			for _, line := range run[i : i+z.lines] {
				shaped, ok := shape(line, z.width)
				if !ok {
					break
				}
				exact = exact || len(line) == z.width
				group = append(group, shaped)
			}
			if exact && len(group) == z.lines && hasFillers(group) {
				groups = append(groups, group)
			}
		}
	}
	return groups
}

// hasFillers reports whether a group has two fillers in a row somewhere,
// as every zone does (between surname and given names, at least): lines
// of a table of words, once upper-cased and stripped of their spaces,
// can have a zone's widths, never its fillers.
func hasFillers(group []string) bool {
	return slices.ContainsFunc(group, func(l string) bool { return strings.Contains(l, "<<") })
}

// lowFillers are the lower-case letters French OCR makes of '<'.
const lowFillers = "ceéèê"

// LowerFillers returns line with the fillers OCR read as lower-case c or
// e ("TUR<<<<<<c<ccé") made '<' again: those next to a filler, spaces
// aside, in a line with no other lower-case letter. A line read all in
// lower case ("gaelle<marie") keeps its letters.
func LowerFillers(line string) string {
	if !strings.ContainsAny(line, lowFillers) || strings.IndexFunc(line, func(r rune) bool {
		return unicode.IsLower(r) && !strings.ContainsRune(lowFillers, r)
	}) >= 0 {
		return line
	}
	rs := []rune(line)
	// Forward, then backward: a run of them touching a filler on either
	// side becomes fillers.
	prev := false
	mark := func(i int) {
		if unicode.IsSpace(rs[i]) {
			return
		}
		if prev && strings.ContainsRune(lowFillers, rs[i]) {
			rs[i] = '<'
		}
		prev = strings.ContainsRune(chevrons, rs[i])
	}
	for i := range rs {
		mark(i)
	}
	prev = false
	for i := len(rs) - 1; i >= 0; i-- {
		mark(i)
	}
	return string(rs)
}

// candidate returns raw normalised as an MRZ line, if it can be one.
func candidate(raw string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(LowerFillers(raw)) {
		switch {
		case unicode.IsSpace(r):
		case strings.ContainsRune(chevrons, r):
			b.WriteByte('<')
		case isMRZChar(r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	s := b.String()
	runs := kRun
	if !strings.Contains(s, "<") {
		runs = kPair
	}
	s = runs.ReplaceAllStringFunc(s, func(k string) string { return strings.Repeat("<", len(k)) })
	return s, len(s) >= minLine && len(s) <= maxLine
}

// Lengths of what may be an MRZ line: the shortest is a TD3 name line
// whose filler run Tesseract shortened; the longest a TD3 data line with
// two characters too many.
const (
	minLine = 20
	maxLine = 46
)

// shape brings s to width: trailing fillers trimmed or added (Tesseract
// drops characters from long runs of '<'), or, for a line one or two
// characters too long elsewhere, left as is for Read to find which
// characters OCR added.
func shape(s string, width int) (string, bool) {
	switch d := len(s) - width; {
	case d == 0:
		return s, true
	case 0 < d && d <= 2 && strings.Trim(s[width:], "<") == "":
		return s[:width], true
	case 0 < d && d <= 2:
		return s, true
	case d < 0 && strings.HasSuffix(strings.TrimRight(s, "K"), "<"):
		// The last of the fillers left may be read K: a line that came
		// short ends in fillers.
		s = strings.TrimRight(s, "K")
		return s + strings.Repeat("<", width-len(s)), true
	}
	return "", false
}
