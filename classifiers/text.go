package classifiers

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"coffre"
)

// Doc is a document's text prepared once for every classifier: folded
// (lower case, no accents, collapsed spaces) and "squashed" (letters only,
// OCR look-alikes merged) so that keyword search survives OCR noise.
type Doc struct {
	Raw   string   // the text as given
	Lines []string // folded, non-empty lines in reading order
	Text  string   // Lines joined by "\n"
	// AsOf is the day the document is read, which settles the century
	// of the MRZ's two-digit years.
	AsOf coffre.Date

	sq    []string // squashed form of each line
	sqPos [][]int  // sqPos[i][j]: byte offset in Lines[i] just after squashed char j
	all   string   // squashed form of the whole text, lines glued
	words map[string]bool
	memo  map[string]bool
	mrz   *mrzRead
}

// NewDoc prepares text for classification.
func NewDoc(text string) *Doc {
	d := &Doc{Raw: text, words: map[string]bool{}, memo: map[string]bool{}}
	for _, l := range strings.Split(fold(text), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			d.Lines = append(d.Lines, l)
		}
	}
	d.Text = strings.Join(d.Lines, "\n")
	var all strings.Builder
	for _, l := range d.Lines {
		s, pos := squash(l)
		d.sq, d.sqPos = append(d.sq, s), append(d.sqPos, pos)
		all.WriteString(s)
		for _, w := range strings.FieldsFunc(l, notAlnum) {
			d.words[squashWord(w)] = true
		}
	}
	d.all = all.String()
	return d
}

// fold lower-cases text and strips accents (é, ë, è → e) because OCR of
// phone photos drops or confuses them freely.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == '’' || r == '‘' || r == '`' || r == '´':
			b.WriteByte('\'')
		case r == '\f' || r == '\r':
			b.WriteByte('\n')
		case r == '\u00a0' || r == '\u202f' || r == '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// lookalike maps characters that Tesseract confuses to one representative,
// applied to both the text and the keywords so that "1mpôt", "impot" and
// "lmpot" compare equal. Other digits and punctuation are dropped (0 bytes),
// which makes split and glued words equal too.
func lookalike(r rune) byte {
	switch {
	case r == '0':
		return 'o'
	case r == '1' || r == 'i' || r == '|' || r == '!' || r == 'l':
		return 'l'
	case r == '5':
		return 's'
	case r == '8':
		return 'b'
	case r >= 'a' && r <= 'z':
		return byte(r)
	}
	return 0
}

// squash returns the look-alike letters of a folded line, with "rn" read as
// "m" (a classic Tesseract confusion), and for each kept letter the byte
// offset in s just after it.
func squash(s string) (string, []int) {
	out := make([]byte, 0, len(s))
	pos := make([]int, 0, len(s))
	for i, r := range s {
		c := lookalike(r)
		if c == 0 {
			continue
		}
		end := i + len(string(r))
		if c == 'n' && len(out) > 0 && out[len(out)-1] == 'r' {
			out[len(out)-1], pos[len(pos)-1] = 'm', end
			continue
		}
		out, pos = append(out, c), append(pos, end)
	}
	return string(out), pos
}

func squashWord(w string) string {
	s, _ := squash(fold(w))
	return s
}

// tolerance is how many edits a keyword of n squashed letters may carry:
// none for short ones, whose fuzzy matches would be mostly accidental.
func tolerance(n int) int {
	switch {
	case n <= 5:
		return 0
	case n <= 11:
		return 1
	case n <= 19:
		return 2
	}
	return 3
}

// fuzzyEnd returns the end (exclusive) of the first approximate occurrence
// of pat in text, within tolerance(len(pat)) edits, or -1. It is Sellers'
// algorithm: edit distance where the match may start anywhere.
func fuzzyEnd(text, pat string) int {
	m := len(pat)
	if m == 0 {
		return -1
	}
	k := tolerance(m)
	col := make([]int, m+1)
	for i := range col {
		col[i] = i
	}
	best := -1 // lowest cost of a match seen so far
	for j := 0; j < len(text); j++ {
		diag := 0 // D[0][j] is always 0: a match may start here
		for i := 1; i <= m; i++ {
			cost := 1
			if pat[i-1] == text[j] {
				cost = 0
			}
			up := col[i]
			col[i] = min(diag+cost, up+1, col[i-1]+1)
			diag = up
		}
		switch {
		case best >= 0 && col[m] >= best:
			return j // the match stopped improving: it ended before j
		case col[m] <= k:
			best = col[m]
		}
	}
	if best >= 0 {
		return len(text)
	}
	return -1
}

// Has reports whether any of the phrases occurs in the document, fuzzily:
// across line breaks, with words split or glued and a few OCR errors.
func (d *Doc) Has(phrases ...string) bool {
	for _, p := range phrases {
		found, ok := d.memo[p]
		if !ok {
			found = fuzzyEnd(d.all, squashWord(p)) >= 0
			d.memo[p] = found
		}
		if found {
			return true
		}
	}
	return false
}

// HasHeading reports whether any of the phrases begins a short line, as a
// title does (a line may be glued to the next, for titles broken in two).
// A phrase in the middle of a sentence ("téléchargez votre attestation de
// paiement sur caf.fr", "une attestation de paiement") is no title, nor
// one that begins a sentence or a list item ("Attestation de quotient
// familial : vous pouvez la télécharger sur caf.fr, rubrique Mon Compte").
func (d *Doc) HasHeading(phrases ...string) bool {
	for _, p := range phrases {
		// Several signals share titles (an identity document's weigh and
		// gate it): each is looked for once.
		key := "heading:" + p
		found, ok := d.memo[key]
		if !ok {
			found = d.heading(p)
			d.memo[key] = found
		}
		if found {
			return true
		}
	}
	return false
}

// heading reports whether phrase begins a short line (see HasHeading).
func (d *Doc) heading(phrase string) bool {
	pat := squashWord(phrase)
	short := func(i int) bool { return len(d.sq[i]) <= len(pat)+titleSlack }
	for i := range d.Lines {
		if !short(i) {
			continue
		}
		for _, start := range headStarts(d.Lines[i]) {
			l := start
			if len(l) < len(pat) && i+1 < len(d.sq) && short(i+1) {
				l += d.sq[i+1] // the rest of a title broken in two
			}
			// The first letters must be nearly right: the tolerance
			// for the whole phrase would otherwise absorb a leading
			// word.
			if prefixDistance(l, pat[:min(6, len(pat))]) <= 1 && prefixDistance(l, pat) <= tolerance(len(pat)) {
				return true
			}
		}
	}
	return false
}

// titleSlack is how many more letters than its phrase a title line may
// have (counted squashed, so that words OCR glued or split count the
// same): « AVIS D'IMPÔT 2023 SUR LES REVENUS DE L'ANNÉE 2022 » has 10 more
// than « avis d'impôt sur les revenus », « Attestation de paiement des
// prestations familiales de mars 2025 » 31 more than « attestation de
// paiement »; « Attestation de paiement de la Caf de moins de trois mois
// (RSA, APL, quotient familial) », an item of a list of documents to
// bring, 47 more.
const titleSlack = 35

// headStarts returns the squashed text of a line from its first word and,
// when that word is a single stray mark OCR read before a title ("x"),
// from its second.
func headStarts(line string) []string {
	words := strings.FieldsFunc(line, notAlnum)
	if len(words) == 0 {
		return nil
	}
	sq := make([]string, len(words))
	for i, w := range words {
		sq[i] = squashWord(w)
	}
	starts := []string{strings.Join(sq, "")}
	if len(sq) > 1 && len(sq[0]) <= 1 {
		starts = append(starts, strings.Join(sq[1:], ""))
	}
	return starts
}

// prefixDistance is the edit distance between pat and the closest prefix
// of text: anchored at the start of text, free at its end.
func prefixDistance(text, pat string) int {
	text = text[:min(len(text), 2*len(pat))]
	prev := make([]int, len(pat)+1) // distances of pat[:j] to text[:i]
	for j := range prev {
		prev[j] = j
	}
	best := prev[len(pat)]
	cur := make([]int, len(pat)+1)
	for i := 1; i <= len(text); i++ {
		cur[0] = i
		for j := 1; j <= len(pat); j++ {
			cost := 1
			if text[i-1] == pat[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		best = min(best, cur[len(pat)])
		prev, cur = cur, prev
	}
	return best
}

// HasWord reports whether any of the words occurs as a whole token; it is
// meant for short words ("caf", "kwh") whose fuzzy search would be noise.
func (d *Doc) HasWord(words ...string) bool {
	for _, w := range words {
		if d.words[squashWord(w)] {
			return true
		}
	}
	return false
}

// hit is where a label was found: the line, and the byte offsets of the
// label's start and just after its end in it.
type hit struct{ line, start, end int }

// labelHits returns every line holding one of the labels: exact
// occurrences first, then fuzzy ones, each in line order, so that the
// first value found is an exact label's when one has a value: "nombre de
// parts" is two edits from "nombre de pers(onnes à charge)".
func (d *Doc) labelHits(labels []string) []hit {
	exact := d.findLabels(labels, false, func(s, pat string) int {
		if i := strings.Index(s, pat); i >= 0 {
			return i + len(pat)
		}
		return -1
	})
	hits := exact
	for _, h := range d.findLabels(labels, true, fuzzyEnd) {
		if !slices.ContainsFunc(exact, func(e hit) bool { return e.line == h.line }) {
			hits = append(hits, h)
		}
	}
	return hits
}

// findLabels returns the lines where end finds one of the labels in the
// squashed text, with the label's span in the folded line. A whole-word
// match must not stop inside a word: labels may be prefixes on purpose
// ("date de naiss"), but a fuzzy match that stops mid-word has found
// another label ("nombre de pers|onnes" for "nombre de parts").
func (d *Doc) findLabels(labels []string, wholeWord bool, end func(s, pat string) int) []hit {
	var hits []hit
	for i, s := range d.sq {
		for _, l := range labels {
			pat := squashWord(l)
			e := end(s, pat)
			if e <= 0 {
				continue
			}
			after := d.sqPos[i][e-1]
			if r, _ := utf8.DecodeRuneInString(d.Lines[i][after:]); wholeWord && unicode.IsLetter(r) {
				continue
			}
			start := 0
			if b := e - len(pat); b > 0 {
				start = d.sqPos[i][b-1]
			}
			hits = append(hits, hit{i, start, after})
			break
		}
	}
	return hits
}

// lookahead is how many following lines may hold a label's value: tables
// often print the value under the label, or OCR wraps it.
const lookahead = 2

// valuesAfter returns every value parse finds after one of the labels, on
// the label's line or just below, in the order of labelHits.
func valuesAfter[T any](d *Doc, labels []string, parse func(string) (T, bool)) []T {
	var out []T
	for _, h := range d.labelHits(labels) {
		line := d.Lines[h.line]
		if v, ok := onLabelLine(line[h.end:], parse); ok {
			out = append(out, v)
			continue
		}
		if v, ok := belowLabel(d, h, parse); ok {
			out = append(out, v)
			continue
		}
		if i, ok := d.splitRow(h.line); ok {
			if v, ok := parse(d.Lines[i]); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// belowLabel reads the value of the label at h on the lines just below.
func belowLabel[T any](d *Doc, h hit, parse func(string) (T, bool)) (T, bool) {
	line := d.Lines[h.line]
	for i := h.line + 1; i <= h.line+lookahead && i < len(d.Lines); i++ {
		if !valueLine(d.Lines[i]) {
			continue
		}
		if v, ok := inColumn(d.Lines[i], float64(h.start)/float64(len(line)), parse); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// splitRow returns, for a label on line l, the line of its value when
// OCR read a two-column table column by column: a run of lines without
// digits (the labels), then as many value lines (the values, in the same
// order). The runs must be of the same length, or the rows cannot be
// told apart.
func (d *Doc) splitRow(l int) (int, bool) {
	digitFree := func(i int) bool { return !strings.ContainsFunc(d.Lines[i], unicode.IsDigit) }
	if !digitFree(l) {
		return 0, false
	}
	first, last := l, l
	for first > 0 && digitFree(first-1) {
		first--
	}
	for last+1 < len(d.Lines) && digitFree(last+1) {
		last++
	}
	n := last - first + 1
	if n < 3 {
		return 0, false
	}
	values := 0
	for i := last + 1; i < len(d.Lines) && valueLine(d.Lines[i]); i++ {
		values++
	}
	if values != n {
		return 0, false
	}
	return last + 1 + l - first, true
}

// leaderRun is the length past which the rest of a label's line is a table
// row whose dot leaders OCR read as junk ("Nombre de parts 15 risisie… 2").
const leaderRun = 40

// onLabelLine reads the value after a label on its own line: the first one,
// or on a long table row the right-aligned last one.
func onLabelLine[T any](rest string, parse func(string) (T, bool)) (T, bool) {
	if len(rest) > leaderRun {
		if v, ok := parse(numericTail.FindString(rest)); ok {
			return v, true
		}
	}
	return parse(rest)
}

// numericTail is the number, amount or date that ends a line.
var numericTail = regexp.MustCompile(`[\d][\d ,./]*(?:€|eur|euros?|e)?\s*$`)

// inColumn reads, on the line below a label, the value in the label's
// column: labels side by side ("Date de délivrance  Date d'expiration")
// have their values side by side on the next line. at is the label's start
// as a fraction of its line's length.
func inColumn[T any](line string, at float64, parse func(string) (T, bool)) (T, bool) {
	first, ok := parse(line)
	vs := valuesIn(line, parse)
	if !ok || len(vs) == 0 {
		return first, ok
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if math.Abs(v.at-at) < math.Abs(best.at-at) {
			best = v
		}
	}
	return best.v, true
}

// placed is a value and where it starts, as a fraction of its line.
type placed[T any] struct {
	v  T
	at float64
}

// valuesIn lists the values parse reads from each word of s on, skipping
// the words a value already spans. Parsers anchored to the whole string
// find nothing here; callers parse the whole string first.
func valuesIn[T any](s string, parse func(string) (T, bool)) []placed[T] {
	var out []placed[T]
	var last string
	for off := 0; off < len(s); off++ {
		if off > 0 && s[off-1] != ' ' || s[off] == ' ' {
			continue // not the start of a word
		}
		v, ok := parse(s[off:])
		if !ok {
			continue
		}
		if key := fmt.Sprint(v); key != last {
			out = append(out, placed[T]{v, float64(off) / float64(len(s))})
			last = key
		}
	}
	return out
}

// valueAfter returns the first value found after one of the labels.
func valueAfter[T any](d *Doc, labels []string, parse func(string) (T, bool)) (T, bool) {
	vs := valuesAfter(d, labels, parse)
	if len(vs) == 0 {
		var zero T
		return zero, false
	}
	return vs[0], true
}

// valueLine reports whether a line looks like a bare value rather than
// another label with its own value: at most two real words.
func valueLine(s string) bool {
	words := 0
	for _, w := range strings.FieldsFunc(s, notAlnum) {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 3 && letters == len(w) {
			words++
		}
	}
	return words <= 2
}

// putDate stores under key the first date printed after one of the labels.
func putDate(f coffre.Fields, key string, d *Doc, labels []string) {
	if v, ok := valueAfter(d, labels, parseDate); ok {
		f[key] = v
	}
}

// share is the fraction of keys present in f: how complete a read was.
func share(f coffre.Fields, keys ...string) float64 {
	n := 0
	for _, k := range keys {
		if _, ok := f[k]; ok {
			n++
		}
	}
	return float64(n) / float64(len(keys))
}
