package classifiers

import (
	"regexp"
	"slices"
	"strings"

	"coffre"
	"coffre/mrz"
)

func init() { register(pieceIdentite{}) }

// pieceIdentite recognises French identity cards (both formats), passports
// and residence permits from their printed labels and their MRZ.
type pieceIdentite struct{}

func (pieceIdentite) Type() coffre.DocType { return coffre.TypePieceIdentite }

var (
	titleCNI      = []string{"carte nationale d'identite", "identity card"}
	titlePassport = []string{"passeport", "passport"}
	titleTitre    = []string{"titre de sejour", "carte de sejour", "carte de resident", "residence permit", "titre d'identite republicain"}
	titlesID      = concat(titleCNI, titlePassport, titleTitre)

	labelsExpiry = []string{"date d'expir", "date d'expiration", "expiry date", "date of expiry", "valable jusqu'au", "date de fin de validite"}
	labelsIssue  = []string{"delivree le", "delivre le", "date de delivrance", "date of issue", "date et lieu de delivrance"}
	labelsBirth  = []string{"date de naiss", "date of birth", "ne(e) le", "nee le", "date et lieu de naissance"}
	labelsNumber = []string{"n° du document", "document no", "passeport n°", "passport no", "carte nationale d'identite n°"}
)

// idSignals: an MRZ almost decides alone; otherwise a title plus the usual
// identity labels are needed, each label weighing little.
var idSignals = []signal{
	{name: "mrz", weight: 0.6, test: func(d *Doc) bool { return d.MRZ().Kind != "" }},
	// A zone too garbled to read (fillers read K or L, an accent
	// inserted) still shows that the document has one.
	{name: "mrz_shape", weight: 0.25, test: func(d *Doc) bool { return d.MRZ().Kind == "" && mrz.Shaped(d.Raw) }},
	// A title that begins a line: « DEMANDE DE CARTE NATIONALE
	// D'IDENTITÉ » titles a form.
	{name: "title", weight: 0.35, headings: titlesID},
	// Labels alone, however many, are a form's: a document is one by its
	// title or its zone.
	{name: "document", required: true, headings: titlesID, test: func(d *Doc) bool {
		return d.MRZ().Kind != "" || mrz.Shaped(d.Raw)
	}},
	{name: "republique", weight: 0.1, phrases: []string{"republique francaise"}},
	// The holder's sex and nationality code side by side (« M FRA »,
	// « F TUN »), as cards print them: the card's labels are its smallest
	// print, lost first on a card scanned on an A4 flatbed, where values
	// survive.
	{name: "holder_row", weight: 0.15, test: func(d *Doc) bool { return holderRowRe.MatchString(d.Raw) }},
	{name: "surname", weight: 0.06, phrases: []string{"surname", "nom d'usage", "nom de naissance"}},
	{name: "given_names", weight: 0.06, phrases: []string{"prenoms", "prenom(s)", "given names"}},
	{name: "sex", weight: 0.06, phrases: []string{"sexe"}},
	{name: "nationality", weight: 0.06, phrases: []string{"nationalite", "nationality"}},
	{name: "birth", weight: 0.06, phrases: labelsBirth},
	{name: "birth_place", weight: 0.06, phrases: []string{"lieu de naissance", "place of birth"}},
	{name: "expiry", weight: 0.06, phrases: labelsExpiry},
	{name: "issue", weight: 0.06, phrases: labelsIssue},
	{name: "holder", weight: 0.06, phrases: []string{"signature du titulaire", "taille", "height"}},
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func (pieceIdentite) Score(d *Doc) (float64, string) { return weigh(d, idSignals) }

func (pieceIdentite) Extract(d *Doc) Result {
	sub := idSubtype(d)
	printed := coffre.Fields{}
	putDate(printed, "expiry_date", d, labelsExpiry)
	putDate(printed, "issue_date", d, labelsIssue)
	putDate(printed, "birth_date", d, labelsBirth)
	if n := printedNumber(d, sub); n != "" {
		printed["document_number"] = n
	}
	r := Result{Subtype: sub, Fields: printed}
	if m := d.MRZ(); m.Zone != nil {
		zone := m.fields(d.AsOf)
		fillerKs(zone, visualText(d))
		match, differ := visualMatch(printed, zone, d)
		// Check digits are mod 10: a misreading (or a repair) passes them
		// one time in ten. A zone whose number or dates the visual zone
		// contradicts is not proof; a differing name is only reported, as
		// no check digit covers names.
		verified := m.Zone.Verified() && !m.Disputed && !slices.ContainsFunc(differ, func(k string) bool { return k != "surname" }) &&
			frenchNumberFits(m, sub)
		r.Fields = mergeMRZ(printed, zone, verified)
		if !verified && confirmedNumber(printed, m, sub) {
			r.Fields["document_number"] = m.Zone.DocumentNumber
		}
		r.Checks = append(r.Checks, m.digitsCheck(verified))
		if match.Name != "" {
			r.Checks = append(r.Checks, match)
		}
	}
	datesByOrder(r.Fields, d)
	if sub == coffre.SubtypeCNI {
		if cf := cardFormat(d, r.Fields); cf != "" {
			r.Fields["card_format"] = cf
		}
	}
	r.Confidence = share(r.Fields, "birth_date", "expiry_date", "document_number")
	if v, ok := r.Fields["mrz_verified"].(bool); ok && !v {
		r.Confidence *= 0.7 // fields from a zone whose check digits fail
	}
	if !boolField(r.Fields, "issue_month_only") {
		r.IssuedOn, _ = r.Fields["issue_date"].(coffre.Date)
	}
	return r
}

// frenchNumberFits tells whether a French document's number has its
// subtype's form (a passport's is 2 digits, 2 letters, 5 digits): one that
// does not was misread, whatever its check digit says.
func frenchNumberFits(m *mrzRead, sub string) bool {
	if m.Zone.IssuingState != "FRA" || sub != coffre.SubtypePasseport {
		return true
	}
	_, ok := fitForm(m.Zone.DocumentNumber, formPassport, 0)
	return ok
}

// confirmedNumber reports whether the zone's document number is to be
// preferred to the printed one although the zone as a whole is
// unverified (another of its fields misread): its own check digit holds,
// and the visual zone printed the same number but for characters OCR
// confuses (1 and I, 0 and O…). Two readings agree, and the OCR-B one is
// proven; the visual zone's font is what tells 1 from I least.
func confirmedNumber(printed coffre.Fields, m *mrzRead, sub string) bool {
	p, ok := printed["document_number"].(string)
	z := m.Zone.DocumentNumber
	return ok && p != z && m.Zone.NumberChecked() && frenchNumberFits(m, sub) &&
		digitLike.Replace(strings.ToLower(p)) == digitLike.Replace(strings.ToLower(z))
}

// mergeMRZ combines the visual zone with the MRZ. A zone whose check
// digits hold is the better reading (OCR-B, proven): its values win. One
// whose checks fail only fills what the visual zone lacks, and the record
// says the zone is unverified.
func mergeMRZ(printed, zone coffre.Fields, verified bool) coffre.Fields {
	out := coffre.Fields{"mrz_verified": verified}
	for k, v := range printed {
		out[k] = v
	}
	for k, v := range zone {
		if _, have := printed[k]; verified || !have {
			out[k] = v
		}
	}
	// A printed issue date is exact; the old card's number gives only the
	// month.
	if _, ok := printed["issue_date"]; ok {
		out["issue_date"] = printed["issue_date"]
		delete(out, "issue_month_only")
	}
	return out
}

func boolField(f coffre.Fields, k string) bool {
	v, _ := f[k].(bool)
	return v
}

// idSubtype trusts the MRZ first, then the printed title; a residence
// permit is tested before the passport because it may mention one.
func idSubtype(d *Doc) string {
	switch {
	case d.MRZ().Kind != "":
		return d.MRZ().Kind
	case d.Has(titleTitre...):
		return coffre.SubtypeTitreSejour
	case d.Has(titlePassport...) && !d.Has(titleCNI...):
		return coffre.SubtypePasseport
	}
	return coffre.SubtypeCNI
}

// holderRowRe: one line, so that a line ending in « M » and the next
// starting with a three-letter word are no such row.
var holderRowRe = regexp.MustCompile(`(?m)(?:^|[ \t])[MF][ \t]+[A-Z]{3}(?:[ \t]|$)`)

// Document number forms by subtype, one class per character: 9 a digit,
// A a letter, X either. Old and new CNI numbers differ: the old card's is
// its month of issue (YYMM), the office's department or code (3) and a
// sequence (5 digits); the new card's 9 characters. A passport's is 2
// digits, 2 letters, 5 digits.
const (
	formOldCNI   = "9999XXX99999"
	formTD1      = "XXXXXXXXX"
	formPassport = "99AA99999"
)

var numberForms = map[string][]string{
	coffre.SubtypeCNI:         {formOldCNI, formTD1},
	coffre.SubtypePasseport:   {formPassport},
	coffre.SubtypeTitreSejour: {formTD1},
}

// printedNumber reads the document number printed next to its label. OCR
// slips a bracket or a bar into a word at a glyph's edge ("PBNCZ5G]JZ"):
// a word that has its form once they are dropped is the number too.
func printedNumber(d *Doc, sub string) string {
	parse := func(s string) (string, bool) {
		s = strings.ToUpper(s)
		for _, tok := range append(strings.FieldsFunc(s, notAlnum), squeezedWords(s)...) {
			if !strings.ContainsAny(tok, "0123456789") {
				continue
			}
			for _, form := range numberForms[sub] {
				if n, ok := fitForm(tok, form, 1); ok {
					return n, true
				}
			}
		}
		return "", false
	}
	n, _ := valueAfter(d, labelsNumber, parse)
	return n
}

// squeezedWords returns the words of s (split at spaces) that hold other
// characters than letters and digits, without them.
func squeezedWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if sq := strings.Map(func(r rune) rune {
			if notAlnum(r) {
				return -1
			}
			return r
		}, w); sq != w && sq != "" {
			out = append(out, sq)
		}
	}
	return out
}

// fitForm returns tok in form, undoing up to repairs OCR confusions where
// the form allows a digit or a letter only: a passport number read
// "31Q181608" is 31QI81608, as its fourth character is a letter.
func fitForm(tok, form string, repairs int) (string, bool) {
	if len(tok) != len(form) {
		return "", false
	}
	out := []byte(tok)
	for i, c := range out {
		isDigit, isLetter := '0' <= c && c <= '9', 'A' <= c && c <= 'Z'
		switch form[i] {
		case 'X':
			if isDigit || isLetter {
				continue
			}
		case '9':
			if isDigit {
				continue
			}
		case 'A':
			if isLetter {
				continue
			}
		}
		to, ok := mrz.Misread(c, form[i] == '9')
		if repairs--; !ok || repairs < 0 {
			return "", false
		}
		out[i] = to
	}
	return string(out), true
}

// cardFormat tells the laminated CNI ("old") from the 2021 card ("new"):
// the MRZ layout first, then the bilingual labels, the old card's wording,
// and the number's length.
func cardFormat(d *Doc, f coffre.Fields) string {
	n, _ := f["document_number"].(string)
	switch {
	case d.MRZ().oldCNI():
		return "old"
	case d.MRZ().Zone != nil && d.MRZ().Kind == coffre.SubtypeCNI:
		return "new"
	case d.Has("identity card", "document no", "date of birth"):
		return "new"
	case d.Has("carte valable jusqu'au") || len(n) == 12:
		return "old"
	case len(n) == 9:
		return "new"
	}
	return ""
}

// maxValidityYears is the longest a French identity document is valid: a CNI
// issued to an adult from 2004 to 2013, ten years extended by five.
const maxValidityYears = 15

// datesByOrder fills the birth and expiry dates that neither a label nor
// the zone gave, from the order every identity document's dates follow:
// born, then issued, then valid until. With three dates or more the first
// and the last are the birth and expiry dates. With two, only when the
// later is still to come (so it is no issue date) and more than the
// longest validity after the earlier (so the earlier is no issue date).
func datesByOrder(f coffre.Fields, d *Doc) {
	_, haveBirth := f["birth_date"]
	_, haveExpiry := f["expiry_date"]
	if haveBirth && haveExpiry {
		return
	}
	dates := printedDates(d)
	if len(dates) < 2 {
		return
	}
	first, last := dates[0], dates[len(dates)-1]
	if !first.Before(d.AsOf) {
		return
	}
	if len(dates) == 2 && !(last.After(d.AsOf) && last.Year-first.Year > maxValidityYears) {
		return
	}
	if !haveBirth {
		f["birth_date"] = first
	}
	if !haveExpiry {
		f["expiry_date"] = last
	}
}

// printedDates returns the distinct dates printed on the document, in
// order.
func printedDates(d *Doc) []coffre.Date {
	var dates []coffre.Date
	for _, l := range d.Lines {
		l = fixDigits(l)
		for _, re := range []*regexp.Regexp{numDateRe, packDateRe, wordDateRe} {
			for _, m := range re.FindAllStringSubmatch(l, -1) {
				if v, ok := dateOf(m[1], m[2], m[3]); ok && !slices.Contains(dates, v) {
					dates = append(dates, v)
				}
			}
		}
	}
	slices.SortFunc(dates, func(a, b coffre.Date) int { return a.Time().Compare(b.Time()) })
	return dates
}
