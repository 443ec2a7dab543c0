package mrz

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre"
)

type vector struct {
	Name   string
	Lines  []string
	Parsed map[string]any
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// vectorFormat maps the vectors' format descriptions to ours.
func vectorFormat(s string) Format {
	switch {
	case strings.HasPrefix(s, "FRA_CNI"):
		return FrenchID
	case strings.HasPrefix(s, "TD1"):
		return TD1
	}
	return Format(s)
}

// vectorChecks maps the vectors' check names to ours.
var vectorChecks = map[string]string{
	"document_number": checkDocNumber, "birth": checkBirth, "expiry": checkExpiry,
	"personal_number": checkPersonal, "composite": checkComposite,
}

func checkNamed(m *MRZ, name string) (Check, bool) {
	i := slices.IndexFunc(m.Checks, func(c Check) bool { return c.Name == name })
	if i < 0 {
		return Check{}, false
	}
	return m.Checks[i], true
}

// TestVectors asserts every field and check outcome the vectors give.
func TestVectors(t *testing.T) {
	asOf := coffre.NewDate(2025, time.June, 1)
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			m, err := Parse(v.Lines)
			if err != nil {
				t.Fatal(err)
			}
			allOK := assertParsed(t, v.Parsed, m)
			if c, _ := checkNamed(m, checkCharset); !c.OK {
				t.Errorf("charset check failed: %+v", m.Checks)
			}
			if m.Verified() != allOK {
				t.Errorf("Verified() = %v, want %v", m.Verified(), allOK)
			}
			if !slices.Equal(m.Lines, v.Lines) || m.Repairs != nil {
				t.Errorf("Lines, Repairs = %q, %v, want the input unrepaired", m.Lines, m.Repairs)
			}
			if yymm, ok := v.Parsed["issue_yymm"].(string); ok {
				y, mo, ok := IssueMonth(m, asOf)
				wantOK := yymm[2:] >= "01" && yymm[2:] <= "12"
				if ok != wantOK || ok && fmt.Sprintf("%02d%02d", y%100, mo) != yymm {
					t.Errorf("IssueMonth = %d, %v, %v; want %s, %v", y, mo, ok, yymm, wantOK)
				}
			}
			// Read must keep a verified zone as is, and find no repair for
			// the negative vector.
			r, err := Read(v.Lines)
			if err != nil || r.Verified() != allOK || !slices.Equal(r.Lines, v.Lines) {
				t.Errorf("Read = %+v, %v; want the zone as parsed", r, err)
			}
			if allOK {
				lines, err := Compose(*m)
				if err != nil || !slices.Equal(lines, v.Lines) {
					t.Errorf("Compose = %q, %v; want %q", lines, err, v.Lines)
				}
			}
		})
	}
}

// assertParsed checks m against every key of a vector's "parsed" object,
// failing on keys it does not know, and reports whether the vector's
// checks all hold.
func assertParsed(t *testing.T, parsed map[string]any, m *MRZ) (allOK bool) {
	t.Helper()
	fields := map[string]string{
		"document_code": m.DocumentCode, "issuing_state": m.IssuingState,
		"document_number": m.DocumentNumber, "surname": m.Surname, "given_names": m.GivenNames,
		"nationality": m.Nationality, "birth_date": m.BirthDate, "sex": m.Sex,
		"expiry_date": m.ExpiryDate, "personal_number": m.PersonalNumber,
		"optional_data": m.Optional1, "optional_data_1": m.Optional1, "optional_data_2": m.Optional2,
		"administrative_code": m.AdminCode,
	}
	if m.Format == FrenchID { // the parts of the old card's number
		fields["issue_yymm"], fields["issuing_dept"], fields["sequence"] = m.DocumentNumber[:4], m.DocumentNumber[4:7], m.DocumentNumber[7:]
	}
	checkDigits := map[string]string{
		"document_number_check": checkDocNumber, "birth_check": checkBirth, "expiry_check": checkExpiry,
		"personal_number_check": checkPersonal, "composite_check": checkComposite,
	}
	allOK = true
	for key, want := range parsed {
		switch name, isDigit := checkDigits[key]; {
		case key == "format":
			if f := vectorFormat(want.(string)); m.Format != f {
				t.Errorf("format = %q, want %q", m.Format, f)
			}
		case key == "checks":
			for name, ok := range want.(map[string]any) {
				c, found := checkNamed(m, vectorChecks[name])
				if !found || c.OK != ok.(bool) {
					t.Errorf("check %s = %+v (found %v), want OK %v", name, c, found, ok)
				}
				allOK = allOK && ok.(bool)
			}
			if len(m.Checks) != len(want.(map[string]any))+1 {
				t.Errorf("checks = %+v, want those of the vector and charset", m.Checks)
			}
		case isDigit:
			if c, _ := checkNamed(m, name); string(c.Digit) != want {
				t.Errorf("%s = %q, want %q", key, c.Digit, want)
			}
		default:
			if got, ok := fields[key]; !ok {
				t.Errorf("vector field %s is not asserted", key)
			} else if got != want {
				t.Errorf("%s = %q, want %q", key, got, want)
			}
		}
	}
	return allOK
}

func TestParseErrors(t *testing.T) {
	td3 := []string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}
	for name, lines := range map[string][]string{
		"none":        nil,
		"one line":    td3[:1],
		"short line":  {td3[0], td3[1][:43]},
		"mixed":       {td3[0][:36], td3[1]},
		"lower case":  {strings.ToLower(td3[0]), td3[1]},
		"chevron":     {strings.Replace(td3[0], "<", "«", 1), td3[1]},
		"three of 44": {td3[0], td3[1], td3[1]},
	} {
		if m, err := Parse(lines); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Parse = %+v, %v; want ErrFormat", name, m, err)
		}
		if _, err := Read(lines); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Read error = %v; want ErrFormat", name, err)
		}
	}
}

// TestTD2OrFrenchID checks that 2×36 lines are told apart by the IDFRA
// prefix alone.
func TestTD2OrFrenchID(t *testing.T) {
	for _, tc := range []struct {
		line1 string
		want  Format
	}{
		{"IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<", FrenchID},
		{"I<FRABERTHIER<<CORINNE<<<<<<<<<<<<<<", TD2},
		{"IDFRIBERTHIER<<<<<<<<<<<<<<<<<<<<<<<", TD2},
	} {
		m, err := Parse([]string{tc.line1, "9409923102854CORINNE<<<<<<<6512068F4"})
		if err != nil || m.Format != tc.want {
			t.Errorf("Parse(%s…) = %v, %v; want %s", tc.line1[:6], m.Format, err, tc.want)
		}
	}
}

// TestCharset checks that a field holding a character outside its
// alphabet fails verification although the check digits hold.
func TestCharset(t *testing.T) {
	for _, lines := range [][]string{
		{"P<UTOERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UT07408122F1204159ZE184226B<<<<<10"},
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122K1204159ZE184226B<<<<<10"},
	} {
		m, err := Parse(lines)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := checkNamed(m, checkCharset); c.OK || m.Verified() {
			t.Errorf("Parse(%q): charset OK %v, Verified %v; want both false", lines, c.OK, m.Verified())
		}
	}
}

func TestVerifiedNeedsEveryCheck(t *testing.T) {
	for _, m := range []*MRZ{
		{Format: TD3},
		{Format: TD3, Checks: []Check{{Name: checkDocNumber, OK: true}}},
		{Format: "TD9", Checks: []Check{{Name: checkDocNumber, OK: true}}},
	} {
		if m.Verified() {
			t.Errorf("%+v: Verified() = true", m)
		}
	}
}

// TestLongDocumentNumber checks numbers of more than nine characters,
// which continue in the optional data, followed by their check digit, a
// filler and any optional data.
func TestLongDocumentNumber(t *testing.T) {
	for _, tc := range []struct {
		f              Format
		number, opt    string
		line, from, to int
		want           string
	}{
		{TD1, "D23145890734", "ABC", 0, 5, 30, "D23145890<7349<ABC<<<<<<<"},
		{TD1, "D23145890734", "", 0, 5, 30, "D23145890<7349<<<<<<<<<<<"},
		{TD1, "D23145890ABCDEFGHIJKLMN", "", 0, 5, 30, "D23145890<ABCDEFGHIJKLMN" + "8"},
		{TD2, "D23145890734", "X", 1, 0, 10, "D23145890<"},
		{TD2, "D23145890734", "X", 1, 28, 35, "7349<X<"},
	} {
		m := MRZ{Format: tc.f, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: tc.number, Optional1: tc.opt,
			BirthDate: "340712", Sex: "M", ExpiryDate: "950712", Nationality: "UTO", Surname: "STEVENSON", GivenNames: "PETER JOHN"}
		lines, err := Compose(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := lines[tc.line][tc.from:tc.to]; got != tc.want {
			t.Errorf("%s %s/%s: line %d[%d:%d] = %q, want %q", tc.f, tc.number, tc.opt, tc.line, tc.from, tc.to, got, tc.want)
		}
		got, err := Parse(lines)
		if err != nil || !got.Verified() || got.DocumentNumber != tc.number || got.Optional1 != tc.opt {
			t.Errorf("Parse(%q) = %+v, %v", lines, got, err)
		}
	}
}

// TestNamePadding: OCR reads stray K's in the padding after the names;
// names end at the first filler run longer than a separator.
func TestNamePadding(t *testing.T) {
	for _, tc := range []struct {
		lines          []string
		surname, given string
	}{
		{[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M2604147MAR<<<<<<<<<<<6", "DA<SILVA<<JEAN<<<<<<<<<<K<K<<<"}, "DA SILVA", "JEAN"},
		{[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M2604147MAR<<<<<<<<<<<6", "DA<SILVA<<JEAN<PAUL<<<<<<<K<<<"}, "DA SILVA", "JEAN PAUL"},
		{[]string{"IDFRALOISEAU<<<<<<<<<<<<<<<<<<<K<<<<", "970675K002774HERVE<<DJAMEL<7303216M4"}, "LOISEAU", "HERVE DJAMEL"},
	} {
		m, err := Parse(tc.lines)
		if err != nil {
			t.Fatal(err)
		}
		if m.Surname != tc.surname || m.GivenNames != tc.given {
			t.Errorf("%q: names %q / %q, want %q / %q", tc.lines, m.Surname, m.GivenNames, tc.surname, tc.given)
		}
	}
}
