package classifiers

import (
	"regexp"
	"strings"
)

// mrzInfo is what a quick look at the machine-readable zone tells: which
// document it is and its layout. Check digits and names come later.
type mrzInfo struct {
	Kind  string   // a piece_identite subtype, or "" when no MRZ was seen
	Lines []string // the MRZ lines, '<' restored
	Width int      // length of the first line: 30 (TD1), 36 (old CNI), 44 (TD3)
}

var (
	// chevrons are what OCR makes of '<'.
	chevrons  = strings.NewReplacer("«", "<", "‹", "<", "(", "<", "[", "<", "{", "<", "£", "<", " ", "")
	mrzCharRe = regexp.MustCompile(`^[A-Z0-9<]{25,48}$`)
	kRunRe    = regexp.MustCompile(`KK+`)
	kRun3Re   = regexp.MustCompile(`KKK+`)
)

// mrzLine returns the line cleaned as an MRZ line, or "" when it is not
// one. Runs of K are fillers misread: runs of two or more when no '<'
// survived OCR, of three or more otherwise (no name holds "KKK").
func mrzLine(raw string) string {
	s := chevrons.Replace(strings.ToUpper(strings.TrimSpace(raw)))
	if !mrzCharRe.MatchString(s) {
		return ""
	}
	runs := kRun3Re
	if !strings.Contains(s, "<") {
		runs = kRunRe
	}
	s = runs.ReplaceAllStringFunc(s, func(k string) string { return strings.Repeat("<", len(k)) })
	if strings.Count(s, "<") < 2 {
		return ""
	}
	return s
}

// mrzKinds maps a first MRZ line's prefix (document code, state) to the
// subtype; a leading 1 or L is a misread I.
var mrzKinds = []struct{ prefix, kind string }{
	{"P<FRA", "passeport"}, {"PKFRA", "passeport"}, {"IDFRA", "cni"}, {"IRFRA", "titre_sejour"},
	{"1DFRA", "cni"}, {"LDFRA", "cni"}, {"1RFRA", "titre_sejour"}, {"LRFRA", "titre_sejour"},
}

// MRZ finds the machine-readable zone, once per document.
func (d *Doc) MRZ() *mrzInfo {
	if d.mrz != nil {
		return d.mrz
	}
	d.mrz = &mrzInfo{}
	var lines []string
	for _, l := range strings.Split(d.Raw, "\n") {
		if m := mrzLine(l); m != "" {
			lines = append(lines, m)
		}
	}
	for i, l := range lines {
		for _, k := range mrzKinds {
			if strings.HasPrefix(l, k.prefix) {
				d.mrz = &mrzInfo{Kind: k.kind, Lines: lines[i:min(i+3, len(lines))], Width: len(l)}
				return d.mrz
			}
		}
	}
	return d.mrz
}

// oldCNI reports whether an identity-card MRZ has the 2×36 layout of the
// laminated card rather than the 3×30 TD1 of the 2021 card.
func (m *mrzInfo) oldCNI() bool { return m.Kind == "cni" && m.Width >= 33 }

var (
	oldCNINumRe   = regexp.MustCompile(`^[0-9]{4}[0-9A-Z]{3}[0-9A-Z]{5}$`)
	td1NumRe      = regexp.MustCompile(`^[0-9A-Z]{9}$`)
	passportNumRe = regexp.MustCompile(`^[0-9]{2}[A-Z]{2}[0-9]{5}$`)
)

// documentNumber reads the document number where the layout puts it, if it
// has the expected form; an OCR-damaged one is left out rather than guessed.
func (m *mrzInfo) documentNumber() string {
	pick := func(line, from, to int, re *regexp.Regexp) string {
		if line >= len(m.Lines) || len(m.Lines[line]) < to {
			return ""
		}
		if n := strings.TrimRight(m.Lines[line][from:to], "<"); re.MatchString(n) {
			return n
		}
		return ""
	}
	switch {
	case m.Kind == "passeport":
		return pick(1, 0, 9, passportNumRe)
	case m.oldCNI():
		return pick(1, 0, 12, oldCNINumRe)
	case m.Kind != "":
		return pick(0, 5, 14, td1NumRe)
	}
	return ""
}
