package classifiers

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/mrz"
)

// want is a fixture's golden result, kept in <name>.want.json beside it.
// Fields lists every field expected, in their JSON forms.
type want struct {
	Type     coffre.DocType `json:"type"`
	Subtype  string         `json:"subtype"`
	IssuedOn coffre.Date    `json:"issued_on"`
	Fields   map[string]any `json:"fields"`
}

type fixture struct {
	dir, name, text string
	want            want
}

// testAsOf is the day the fixtures are read on.
var testAsOf = coffre.NewDate(2026, 11, 23)

var update = flag.Bool("update", false, "rewrite the positive fixtures' goldens with what Classify returns")

// fixtures loads testdata/<dir>/*.txt with their goldens.
func fixtures(t testing.TB, dir string) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(strings.TrimSuffix(p, ".txt") + ".want.json")
		if err != nil {
			t.Fatalf("%s has no golden: %v", p, err)
		}
		f := fixture{dir: dir, name: filepath.Base(p), text: string(text)}
		if err := json.Unmarshal(raw, &f.want); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, f)
	}
	return out
}

// writeGolden replaces f's golden with got; review the diff before
// committing it.
func writeGolden(t *testing.T, f fixture, got Result) {
	t.Helper()
	w := want{Type: got.Type, Subtype: got.Subtype, IssuedOn: got.IssuedOn, Fields: asJSON(t, got.Fields)}
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", f.dir, strings.TrimSuffix(f.name, ".txt")+".want.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	f.want = w
}

// positives returns the fixtures of every registered type.
func positives(t testing.TB) []fixture {
	var out []fixture
	for _, typ := range Registered() {
		out = append(out, fixtures(t, string(typ))...)
	}
	return out
}

// asJSON gives fields the forms they have in the scan output, so that they
// compare with the goldens (numbers as float64, dates as strings).
func asJSON(t *testing.T, f coffre.Fields) map[string]any {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEveryTypeHasFixtures: a new classifier cannot land without examples.
func TestEveryTypeHasFixtures(t *testing.T) {
	for _, typ := range Registered() {
		if n := len(fixtures(t, string(typ))); n < 8 {
			t.Errorf("%s: %d fixtures, want at least 8", typ, n)
		}
	}
	if n := len(fixtures(t, "lookalikes")); n < 10 {
		t.Errorf("lookalikes: %d fixtures, want at least 10", n)
	}
}

// classifyGolden classifies f's text and checks its type and fields
// against the golden (rewritten first with -update).
func classifyGolden(t *testing.T, f fixture) Result {
	t.Helper()
	got := Classify(f.text, testAsOf)
	if *update {
		writeGolden(t, f, got)
	}
	if got.Type != f.want.Type || got.Subtype != f.want.Subtype {
		t.Fatalf("got %s/%s, want %s/%s (scores %v)", got.Type, got.Subtype, f.want.Type, f.want.Subtype, got.Scores)
	}
	if diff := cmp.Diff(f.want.Fields, asJSON(t, got.Fields)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	return got
}

func TestPositiveFixtures(t *testing.T) {
	for _, f := range positives(t) {
		t.Run(f.dir+"/"+f.name, func(t *testing.T) {
			got := classifyGolden(t, f)
			if got.IssuedOn != f.want.IssuedOn {
				t.Errorf("issued_on = %v, want %v", got.IssuedOn, f.want.IssuedOn)
			}
			if got.Confidence < 0.6 || got.Confidence > 1 {
				t.Errorf("confidence = %v, want in [0.6, 1]", got.Confidence)
			}
		})
	}
}

func TestDatesByOrder(t *testing.T) {
	asOf := coffre.NewDate(2026, 11, 23)
	for _, tc := range []struct {
		name, text    string
		have          coffre.Fields
		birth, expiry string // "" when none is to be found
	}{
		{"recto and verso, labels garbled: born, issued, valid until",
			"SEXE / Sen NATIONALIT / Nate @T LE MAINS\nM FRA 16 12 1974\n96D3MKOCH 20 02 2034\n21 02 2024 Préfecture d'Ille-et-Vilaine", nil, "1974-12-16", "2034-02-20"},
		{"dates packed by OCR", "M TUN 12 04 1947\n01112023 © MT6246612\n02112019 Préfecture", nil, "1947-04-12", "2023-11-01"},
		{"two dates: a birth and a future expiry", "21 11 1940\nDATE L'EXPIR\n29 11 2034", nil, "1940-11-21", "2034-11-29"},
		{"two dates within a validity: issue and expiry", "delivre 02/11/2019\n01/11/2029", nil, "", ""},
		{"two dates, the later past: expiry or issue, no telling", "12 04 1947\n01 11 2023", nil, "", ""},
		{"a label's reading is kept", "12 04 1947\n02 11 2019\n01 11 2029", coffre.Fields{"birth_date": coffre.NewDate(1947, 4, 21)}, "1947-04-21", "2029-11-01"},
	} {
		f := coffre.Fields{}
		for k, v := range tc.have {
			f[k] = v
		}
		d := NewDoc(tc.text)
		d.AsOf = asOf
		datesByOrder(f, d)
		got := asJSON(t, f)
		if b, _ := got["birth_date"].(string); b != tc.birth {
			t.Errorf("%s: birth_date %q, want %q", tc.name, b, tc.birth)
		}
		if e, _ := got["expiry_date"].(string); e != tc.expiry {
			t.Errorf("%s: expiry_date %q, want %q", tc.name, e, tc.expiry)
		}
	}
}

// TestPoorReads: texts of poor photos and scans where little more than
// the title and a garbled zone, or the title and the values without their
// labels, were read. The type is still found, and no field is guessed
// from the garbage.
func TestPoorReads(t *testing.T) {
	for _, f := range fixtures(t, "poor") {
		t.Run(f.name, func(t *testing.T) { classifyGolden(t, f) })
	}
}

// TestLookalikes: documents that share words with accepted types must come
// out unknown; when an accepted type clears the bar on one, it must be
// because the look-alike was recognised, not by chance.
func TestLookalikes(t *testing.T) {
	for _, f := range fixtures(t, "lookalikes") {
		t.Run(f.name, func(t *testing.T) {
			got := Classify(f.text, testAsOf)
			if got.Type != coffre.TypeUnknown || len(got.Fields) != 0 {
				t.Fatalf("got %s with %v, want unknown (scores %v)", got.Type, got.Fields, got.Scores)
			}
			for typ, s := range got.Scores {
				if accepted[typ] && s >= threshold && got.Lookalike == "" {
					t.Errorf("%s scores %.2f and no look-alike was recognised (scores %v)", typ, s, got.Scores)
				}
			}
			if got.Confidence < 0.5 {
				t.Errorf("unknown with confidence %.2f, want >= 0.5", got.Confidence)
			}
		})
	}
}

func TestScoresListEveryClassifier(t *testing.T) {
	got := Classify("", testAsOf)
	if len(got.Scores) != len(registry) {
		t.Errorf("Scores has %d entries, want %d", len(got.Scores), len(registry))
	}
	if got.Type != coffre.TypeUnknown || got.Fields == nil {
		t.Errorf("empty text: got %+v", got)
	}
}

// TestGarbledFiscalNumberReconciled: the copy next to the label is garbled
// into another valid-looking number; the two copies that agree win.
func TestGarbledFiscalNumberReconciled(t *testing.T) {
	text := strings.Join([]string{
		"AVIS D'IMPÔT 2025 sur les revenus de l'année 2024",
		"Numéro fiscal : 14 62 918 310 007",
		"Revenu fiscal de référence : 11 240 €",
		"Nombre de parts : 1",
		"14 62 978 310 007",
		"Direction générale des Finances publiques",
		"Vos références 14 62 978 310 007",
	}, "\n")
	got := Classify(text, testAsOf)
	if n := got.Fields["numero_fiscal"]; n != "1462978310007" {
		t.Errorf("numero_fiscal = %v, want 1462978310007 (seen twice)", n)
	}
}

func TestReferenceYearCheck(t *testing.T) {
	text := "AVIS D'IMPÔT\nimpôt sur les revenus de l'année 2023\nRéférence de l'avis : 25 12 A345678 90\n" +
		"Revenu fiscal de référence 15 000 €\nNombre de parts 1\nNuméro fiscal 12 34 567 890 123\nDGFiP"
	got := Classify(text, testAsOf)
	c := got.Checks
	if len(c) != 1 || c[0].Name != "reference_avis_year" || c[0].OK {
		t.Errorf("checks = %+v, want a failed reference_avis_year check", c)
	}
	if got.Fields["annee_revenus"] != 2023 {
		t.Errorf("annee_revenus = %v, want the printed 2023", got.Fields["annee_revenus"])
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering a type twice did not panic")
		}
	}()
	register(avisImposition{})
}

// TestMRZContradicted: a zone whose check digits hold but whose number the
// visual zone prints otherwise is not proof (check digits collide one time
// in ten); agreeing zones are.
func TestMRZContradicted(t *testing.T) {
	lines, err := mrz.Compose(mrz.MRZ{Format: mrz.TD3, DocumentCode: "P", IssuingState: "FRA", Surname: "MARTIN",
		GivenNames: "LEA", DocumentNumber: "12AB34567", Nationality: "FRA", BirthDate: "900101", Sex: "F", ExpiryDate: "300101"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		printed  string
		verified bool
	}{
		{"12AB34567", true},
		{"12AB34561", false},
	} {
		text := "PASSEPORT / PASSPORT\nNom / Surname: MARTIN\nPasseport n° " + tc.printed + "\n" + strings.Join(lines, "\n")
		got := Classify(text, testAsOf)
		c, _ := checkNamed(got.Checks, CheckMRZDigits)
		if c.OK != tc.verified || got.Fields["document_number"] != tc.printed {
			t.Errorf("printed %s: mrz_check_digits %+v, number %v; want ok=%v, the printed number", tc.printed, c, got.Fields["document_number"], tc.verified)
		}
	}
}

func checkNamed(checks []coffre.Check, name string) (coffre.Check, bool) {
	for _, c := range checks {
		if c.Name == name {
			return c, true
		}
	}
	return coffre.Check{}, false
}

// TestMRZMisreadPassportNumber: "31QI81608" read "31818I608" keeps its
// check digit (Q and 8, I and 1 collide modulo 10) but is no French
// passport number.
func TestMRZMisreadPassportNumber(t *testing.T) {
	lines, err := mrz.Compose(mrz.MRZ{Format: mrz.TD3, DocumentCode: "P", IssuingState: "FRA", Surname: "MARTIN",
		GivenNames: "LEA", DocumentNumber: "31818I608", Nationality: "FRA", BirthDate: "900101", Sex: "F", ExpiryDate: "300101"})
	if err != nil {
		t.Fatal(err)
	}
	got := Classify("PASSEPORT / PASSPORT\nNom / Surname: MARTIN\n"+strings.Join(lines, "\n"), testAsOf)
	if c, _ := checkNamed(got.Checks, CheckMRZDigits); c.OK {
		t.Errorf("mrz_check_digits %+v: an ill-formed French passport number reported verified", c)
	}
}

// TestMRZNumberConfirmed: a zone unverified for another field's sake (its
// composite digit misread) still proves its document number, against a
// visual zone that read the same number with an I for its 1; a number the
// visual zone prints otherwise stays as printed.
func TestMRZNumberConfirmed(t *testing.T) {
	lines, err := mrz.Compose(mrz.MRZ{Format: mrz.TD1, DocumentCode: "ID", IssuingState: "FRA", Surname: "PETIT",
		GivenNames: "AMINA", DocumentNumber: "XJ1RY6FFP", Nationality: "FRA", BirthDate: "930122", Sex: "F", ExpiryDate: "360924"})
	if err != nil {
		t.Fatal(err)
	}
	last := lines[1][29]
	lines[1] = lines[1][:29] + string('0'+(last-'0'+1)%10) // the composite, misread
	for _, tc := range []struct{ printed, want string }{
		{"XJIRY6FFP", "XJ1RY6FFP"},
		{"XJ1RY6FFP", "XJ1RY6FFP"},
		{"XJ7RY6FFP", "XJ7RY6FFP"},
	} {
		text := "CARTE NATIONALE D'IDENTITE / IDENTITY CARD\nNom / Surname PETIT\nN° du document / Document No " + tc.printed +
			"\nDate d'expir. / Expiry date 24 09 2036\n" + strings.Join(lines, "\n")
		got := Classify(text, testAsOf)
		if c, _ := checkNamed(got.Checks, CheckMRZDigits); c.OK {
			t.Errorf("printed %s: mrz_check_digits %+v, want failed (composite)", tc.printed, c)
		}
		if got.Fields["document_number"] != tc.want {
			t.Errorf("printed %s: document_number %v, want %s", tc.printed, got.Fields["document_number"], tc.want)
		}
	}
}

// TestMRZDisputed: the page's reading and the MRZ pass each verify, with
// different numbers (three misread characters can cancel out modulo 10):
// neither is proof. Two readings that agree are.
func TestMRZDisputed(t *testing.T) {
	zone := func(number string) string {
		lines, err := mrz.Compose(mrz.MRZ{Format: mrz.TD1, DocumentCode: "ID", IssuingState: "FRA", Surname: "LE GOFF",
			GivenNames: "AURELIE", DocumentNumber: number, Nationality: "FRA", BirthDate: "050923", Sex: "F", ExpiryDate: "270624"})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	for _, tc := range []struct {
		second   string
		verified bool
	}{
		{"T8BCE9A9K", true},
		{"TBBCEDAIK", false},
	} {
		text := "CARTE NATIONALE D'IDENTITE / IDENTITY CARD\nNom / Surname LE GOFF\n" + zone("T8BCE9A9K") + "\n\n" + zone(tc.second)
		got := Classify(text, testAsOf)
		if c, _ := checkNamed(got.Checks, CheckMRZDigits); c.OK != tc.verified {
			t.Errorf("readings T8BCE9A9K and %s: mrz_check_digits %+v, want ok=%v", tc.second, c, tc.verified)
		}
	}
}

// TestPrintedNumber: the number beside its label, in its subtype's form,
// with one digit-letter confusion undone where the form allows only one of
// them, and a bracket OCR slipped into it dropped.
func TestPrintedNumber(t *testing.T) {
	for _, tc := range []struct{ sub, printed, want string }{
		{coffre.SubtypePasseport, "31QI81608", "31QI81608"},
		{coffre.SubtypePasseport, "31Q181608", "31QI81608"}, // its fourth character is a letter
		{coffre.SubtypePasseport, "3IQI81608", "31QI81608"},
		{coffre.SubtypePasseport, "3IQ181608", ""}, // two confusions: a guess
		{coffre.SubtypePasseport, "31QX8160", ""},
		{coffre.SubtypeCNI, "PBNCZ5GJZ", "PBNCZ5GJZ"},
		{coffre.SubtypeCNI, "PBNCZ5G]JZ", "PBNCZ5GJZ"},
		{coffre.SubtypeCNI, "PBNCZ5G] JZ", ""},
		{coffre.SubtypeCNI, "970675K00277", "970675K00277"},
		{coffre.SubtypeCNI, "97O675K00277", "970675K00277"},
		{coffre.SubtypeCNI, "97O675KOO277", ""}, // its sequence is digits: three confusions
		{coffre.SubtypeCNI, "DOCUMENTS", ""},
		{coffre.SubtypeTitreSejour, "MT6246612", "MT6246612"},
	} {
		d := NewDoc("N° du document / Document No\n" + tc.printed + " 04 11 2033")
		if got := printedNumber(d, tc.sub); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.sub, tc.printed, got, tc.want)
		}
	}
}

// TestHolderRow: a card's row of sex and nationality code, on one line.
func TestHolderRow(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"M FRA 08 06 1976", true},
		{"SEXE / Sex\nF  TUN 12 04 1947", true},
		{"Madame M\nCAF de Paris", false},
		{"M. DUPONT", false},
		{"M DUPONT", false},
		{"m fra 08 06 1976", false},
	} {
		if got := holderRowRe.MatchString(tc.text); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.text, got, tc.want)
		}
	}
}
