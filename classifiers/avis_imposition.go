package classifiers

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"coffre"
)

func init() { register(avisImposition{}) }

// avisImposition recognises income-tax notices (avis d'impôt, avis de
// non-imposition, ASDIR) and refuses the property and housing tax notices
// that share their identifiers and issuer.
type avisImposition struct{}

func (avisImposition) Type() coffre.DocType { return coffre.TypeAvisImposition }

var (
	labelsNumeroFiscal = []string{"numero fiscal", "n° fiscal"}
	labelsReference    = []string{"reference de l'avis", "reference d'avis", "ref. de l'avis"}
)

var avisSignals = []signal{
	// "Avis d'impôt" alone also titles the taxes foncières and taxe
	// d'habitation notices: the title must name the income.
	{name: "title", weight: 0.3, phrases: []string{"impot sur le revenu", "impot sur les revenus", "sur les revenus", "revenus de l'annee", "situation declarative", "avis de non imposition", "avis d'imposition sur le revenu"}},
	// The numéro fiscal, référence, DGFiP, and even the revenu fiscal de
	// référence and the nombre de parts (for relief), are printed on the
	// taxes foncières and taxe d'habitation too; only the title and the
	// income lines are the income tax's.
	{name: "income_tax", required: true, phrases: []string{"impot sur le revenu", "impot sur les revenus", "sur les revenus", "revenus de l'annee", "situation declarative", "avis de non imposition", "revenu brut global", "revenu imposable"}},
	// The whole title, "Avis d'impôt 2024 sur les revenus de 2023", is
	// the income tax's alone, and the largest print on the page: on a poor
	// photo it may be all that is read. (Squashing drops most digits: the
	// year in between costs an edit or two.)
	{name: "full_title", weight: 0.2, headings: fullTitles},
	// These labels count with their values: a letter asking for « votre
	// avis d'impôt, où figure votre revenu fiscal de référence » names
	// them too.
	{name: "rfr", weight: 0.25, test: func(d *Doc) bool { return hasValue(d, labelsRFR, parseEuros) }},
	{name: "parts", weight: 0.15, test: func(d *Doc) bool { return hasValue(d, labelsParts, parseParts) }},
	{name: "numero_fiscal", weight: 0.1, phrases: []string{"numero fiscal"}},
	// The notice itself, not another paper about the income tax (an
	// échéancier, a letter): its title, or what only a notice prints —
	// its référence, its revenu fiscal de référence or parts with values.
	{name: "notice", required: true, headings: fullTitles, test: func(d *Doc) bool {
		return hasValue(d, labelsRFR, parseEuros) || hasValue(d, labelsParts, parseParts) || len(references(d, nil)) > 0
	}},
	{name: "reference", weight: 0.1, phrases: labelsReference},
	{name: "issuer", weight: 0.1, phrases: []string{"finances publiques", "impots.gouv"}, words: []string{"dgfip"}},
	{name: "income", weight: 0.1, phrases: []string{"revenus de l'annee", "revenu brut global", "revenu imposable", "situation de famille"}},
	{name: "fiscal_id", weight: 0.1, test: func(d *Doc) bool { return len(fiscalNumbers(d)) > 0 }},
	{name: "recouvrement", weight: 0.05, phrases: []string{"date de mise en recouvrement"}},
}

var (
	labelsRFR   = []string{"revenu fiscal de reference"}
	labelsParts = []string{"nombre de parts", "nombre de part(s)"}
	fullTitles  = []string{"avis d'impot sur les revenus", "avis d'imposition sur les revenus"}
)

// hasValue reports whether one of labels is followed by a value parse reads.
func hasValue[T any](d *Doc, labels []string, parse func(string) (T, bool)) bool {
	_, ok := valueAfter(d, labels, parse)
	return ok
}

func (avisImposition) Score(d *Doc) (float64, string) { return weigh(d, avisSignals) }

func (avisImposition) Extract(d *Doc) Result {
	f := coffre.Fields{"document_kind": avisKind(d)}
	if n := reconcile(fiscalNumbers(d)); n != "" {
		f["numero_fiscal"] = n
	}
	ref := reconcile(references(d, f["numero_fiscal"]))
	if ref != "" {
		f["reference_avis"] = ref
	}
	if v, ok := valueAfter(d, labelsRFR, parseEuros); ok {
		f["revenu_fiscal_reference"] = v
	}
	if v, ok := valueAfter(d, labelsParts, parseParts); ok {
		f["nombre_parts"] = v
	}
	r := Result{Fields: f}
	r.Checks = putIncomeYear(f, d, ref)
	putDate(f, "date_etablissement", d, []string{"date d'etablissement"})
	putDate(f, "date_mise_en_recouvrement", d, []string{"date de mise en recouvrement"})
	r.IssuedOn = firstDate(f, "date_etablissement", "date_mise_en_recouvrement")
	r.Confidence = share(f, "annee_revenus", "numero_fiscal", "reference_avis", "revenu_fiscal_reference", "nombre_parts")
	return r
}

func avisKind(d *Doc) string {
	switch {
	case d.Has("situation declarative"):
		return "asdir"
	case d.Has("avis de non imposition"):
		return "non_imposition"
	}
	return "avis_impot"
}

func firstDate(f coffre.Fields, keys ...string) coffre.Date {
	for _, k := range keys {
		if v, ok := f[k].(coffre.Date); ok {
			return v
		}
	}
	return coffre.Date{}
}

var (
	// A numéro fiscal starts with 0-3 and is printed 2-2-3-3-3; next to its
	// label the grouping may be lost, elsewhere it is required so that a
	// 13-digit référence d'avis is not taken for one.
	fiscalLooseRe   = regexp.MustCompile(`\b([0-3]\d ?\d{2} ?\d{3} ?\d{3} ?\d{3})\b`)
	fiscalGroupedRe = regexp.MustCompile(`\b[0-3]\d \d{2} \d{3} \d{3} \d{3}\b`)
)

// candidate is one reading of an identifier and how much it is trusted.
type candidate struct {
	value  string
	weight float64
}

// fiscalNumbers lists every reading of a numéro fiscal: each printed copy
// counts 1, and one next to its label half a point more.
func fiscalNumbers(d *Doc) []candidate {
	var out []candidate
	for _, l := range d.Lines {
		for _, m := range fiscalGroupedRe.FindAllString(fixDigits(l), -1) {
			out = append(out, candidate{strings.ReplaceAll(m, " ", ""), 1})
		}
	}
	parse := func(s string) (string, bool) {
		m := fiscalLooseRe.FindString(fixDigits(s))
		return strings.ReplaceAll(m, " ", ""), m != ""
	}
	for _, v := range valuesAfter(d, labelsNumeroFiscal, parse) {
		out = append(out, candidate{v, 0.5})
	}
	return out
}

// reconcile picks the value with the most weight; on a tie, the one read
// first. A copy garbled by OCR loses to the copies that agree.
func reconcile(cs []candidate) string {
	total := map[string]float64{}
	best := ""
	for _, c := range cs {
		total[c.value] += c.weight
	}
	for _, c := range cs {
		if best == "" || total[c.value] > total[best] {
			best = c.value
		}
	}
	return best
}

// refRe reads a référence d'avis, printed 2-2-7-2 ("25 12 A345678 90"); the
// outer groups are digits, possibly misread as letters. A 14th letter some
// users add is dropped.
var refRe = regexp.MustCompile(`\b([0-9olisbz]{2}) ?([0-9olisbz]{2}) ?([a-z0-9]{7}) ?([0-9olisbz]{2})[a-z]?\b`)

func parseReference(s string) (string, bool) {
	m := refRe.FindStringSubmatch(s)
	if m == nil || !strings.ContainsAny(m[1]+m[2], "0123456789") {
		return "", false
	}
	return strings.ToUpper(digitLike.Replace(m[1]+m[2]) + m[3] + digitLike.Replace(m[4])), true
}

var refGroupedRe = regexp.MustCompile(`\b\d{2} \d{2} [a-z0-9]{7} \d{2}\b`)

// references lists every reading of the référence d'avis: each copy
// printed with its 2-2-7-2 grouping counts 1, one next to its label half a
// point more. A 13-digit number next to the label may be the numéro fiscal
// of a detachable coupon ("1620377894565 2536069613906"): never that.
func references(d *Doc, numeroFiscal any) []candidate {
	var out []candidate
	for _, l := range d.Lines {
		for _, m := range refGroupedRe.FindAllString(l, -1) {
			out = append(out, candidate{strings.ToUpper(strings.ReplaceAll(m, " ", "")), 1})
		}
	}
	for _, v := range valuesAfter(d, labelsReference, parseReference) {
		out = append(out, candidate{v, 0.5})
	}
	return slices.DeleteFunc(out, func(c candidate) bool { return c.value == numeroFiscal })
}

var (
	// "impôt sur le revenu 2025" names the notice's year, not the income's:
	// only the plural or "de l'année" introduces the income year.
	incomeYearRe = regexp.MustCompile(`(?:revenus|revenus? de l'? ?annee) ((?:19|20)\d{2})\b`)
	noticeYearRe = regexp.MustCompile(`(?:impot|imposition)(?: sur le revenu)? ((?:19|20)\d{2})\b`)
)

// putIncomeYear sets annee_revenus from the printed income year, else the
// notice's year − 1, else the référence's year − 1, and checks the
// référence's year agrees.
func putIncomeYear(f coffre.Fields, d *Doc, ref string) []coffre.Check {
	text := fixDigits(d.Text)
	year := yearIn(incomeYearRe, text, 0)
	if year == 0 {
		year = yearIn(noticeYearRe, text, -1)
	}
	refYear := 0
	if n, err := strconv.Atoi(ref[:min(2, len(ref))]); err == nil && len(ref) == 13 {
		refYear = 2000 + n - 1
	}
	if year == 0 {
		year = refYear
	}
	if year == 0 {
		return nil
	}
	f["annee_revenus"] = year
	if refYear == 0 {
		return nil
	}
	return []coffre.Check{{Name: "reference_avis_year", OK: refYear == year,
		Detail: fmt.Sprintf("référence de l'avis : revenus %d ; document : revenus %d", refYear, year)}}
}

// yearIn returns the first year re captures in text, moved by shift, or 0.
func yearIn(re *regexp.Regexp, text string, shift int) int {
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y + shift
}

// colonComma finds a decimal comma OCR read as a colon or a semicolon,
// between digits: with spaces around it, "1 ; 1" is more often a value
// followed by the junk of a dot leader.
var colonComma = regexp.MustCompile(`(\d)[:;](\d)`)

// parseParts reads a nombre de parts. Parts come in quarters (a child in
// shared custody counts 0.25) from 1 upwards; OCR of a photo loses the
// comma ("15" for 1,5), reads it as a colon ("2:75"), or misreads a digit
// ("3,3" for 3,5). A number that cannot be a count of parts is no reading:
// an absent field is better than a wrong one.
func parseParts(s string) (float64, bool) {
	if t := strings.Trim(s, " :"); len(t) == 1 && strings.Contains("li|", t) {
		s = "1" // a lone 1, which OCR reads as l, I or | more than any digit
	}
	v, ok := parseDecimal(colonComma.ReplaceAllString(s, "$1,$2"))
	if !ok {
		return 0, false
	}
	if v >= 10 && v == math.Trunc(v) && !strings.ContainsAny(s, ",.") {
		v /= 10 // "15": 1,5 whose comma was lost; 10 parts or more are rarer than a lost comma
	}
	if v < 1 || v > 20 || v*4 != math.Trunc(v*4) {
		return 0, false
	}
	return v, true
}
