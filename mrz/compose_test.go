package mrz

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var formats = []Format{TD1, TD2, TD3, FrenchID}

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digs   = "0123456789"
	alnums = upper + digs
)

func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// randomOptional returns optional data of up to n characters, with inner
// fillers but none at the end, which Parse would trim.
func randomOptional(r *rand.Rand, n int) string {
	s := []byte(randomString(r, alnums+"<<<", r.IntN(n+1)))
	if len(s) > 0 {
		s[len(s)-1] = alnums[r.IntN(len(alnums))]
	}
	return string(s)
}

// randomName returns one to three words joined by spaces or hyphens whose
// MRZ form, parts joined with sep, is at most n characters.
func randomName(r *rand.Rand, n int, sep string) string {
	for {
		words := make([]string, 1+r.IntN(3))
		for i := range words {
			words[i] = randomString(r, upper, 1+r.IntN(9))
		}
		var name strings.Builder
		for i, w := range words {
			if i > 0 {
				name.WriteString([]string{" ", "-"}[r.IntN(2)])
			}
			name.WriteString(w)
		}
		if s, _ := mrzName(name.String(), sep); len(s) <= n {
			return name.String()
		}
	}
}

func randomDate(r *rand.Rand) string {
	d := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(125*365))
	return d.Format("060102")
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

// randomMRZ returns the fields of a random zone of format f that Compose
// accepts.
func randomMRZ(r *rand.Rand, f Format) MRZ {
	m := MRZ{Format: f, BirthDate: randomDate(r), Sex: pick(r, "M", "F", ""),
		IssuingState: pick(r, randomString(r, upper, 3), "D"), Nationality: pick(r, randomString(r, upper, 3), "D")}
	if f != FrenchID {
		m.ExpiryDate = randomDate(r)
		m.DocumentNumber = randomString(r, alnums, 1+r.IntN(9))
	}
	// ICAO names: surname, "<<", given names in the width after the state.
	names := map[Format]int{TD1: 30, TD2: 31, TD3: 39}[f]
	switch f {
	case TD1, TD2:
		m.DocumentCode = pick(r, "I", "IR", "AC", "C", "A")
		if f == TD1 {
			m.DocumentCode = pick(r, m.DocumentCode, "ID")
			m.Optional2 = randomOptional(r, 11)
		}
		// A long number continues in the optional data, then its check
		// digit and a filler, then optional data if room is left.
		width := map[Format]int{TD1: 15, TD2: 7}[f]
		if r.IntN(4) == 0 {
			extra := 1 + r.IntN(width-1)
			m.DocumentNumber = randomString(r, alnums, 9+extra)
			if room := width - extra - 2; room > 0 && r.IntN(2) == 0 {
				m.Optional1 = randomOptional(r, room)
			}
		} else {
			m.Optional1 = randomOptional(r, width)
		}
	case TD3:
		m.DocumentCode = pick(r, "P", "PD", "PO")
		m.PersonalNumber = randomOptional(r, 14)
	case FrenchID:
		m.DocumentCode, m.IssuingState, m.Nationality = "ID", "FRA", ""
		m.DocumentNumber = randomString(r, digs, 4) + randomString(r, alnums, 3) + randomString(r, digs, 5)
		m.AdminCode = randomOptional(r, 6)
		m.Surname = randomName(r, 25, "<")
		m.GivenNames = randomName(r, 14, "<<")
		return m
	}
	m.Surname = randomName(r, names/2, "<")
	m.GivenNames = randomName(r, names-names/2-2, "<")
	return m
}

// parsedFields returns the fields Parse should give for m: names with
// hyphens read back as spaces, no lines, checks or repairs.
func parsedFields(m MRZ) MRZ {
	unhyphen := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' }), " ")
	}
	m.Surname, m.GivenNames = unhyphen(m.Surname), unhyphen(m.GivenNames)
	m.Lines, m.Checks, m.Repairs = nil, nil, nil
	return m
}

// TestRoundTrip composes random zones of every format and parses them back.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range formats {
		longs := 0
		for range 2000 {
			m := randomMRZ(r, f)
			lines, err := Compose(m)
			if err != nil {
				t.Fatalf("Compose(%+v): %v", m, err)
			}
			got, err := Parse(lines)
			if err != nil {
				t.Fatalf("Parse(%q): %v", lines, err)
			}
			if !got.Verified() {
				t.Fatalf("Parse(%q) not verified: %+v", lines, got.Checks)
			}
			if want := parsedFields(m); !reflect.DeepEqual(parsedFields(*got), want) {
				t.Fatalf("Parse(Compose(m)):\n got %+v\nwant %+v\nlines %q", parsedFields(*got), want, lines)
			}
			// The old card writes a hyphen within a given name as '<' and a
			// space between given names as "<<"; Parse reads both as spaces.
			if f == FrenchID && strings.Contains(m.GivenNames, "-") {
				continue
			}
			if again, err := Compose(*got); err != nil || !slices.Equal(again, lines) {
				t.Fatalf("Compose(Parse(%q)) = %q, %v", lines, again, err)
			}
			if len(m.DocumentNumber) > 9 && f != FrenchID {
				longs++
			}
		}
		if (f == TD1 || f == TD2) && longs == 0 {
			t.Errorf("%s: no long document number generated", f)
		}
	}
}

func TestComposeErrors(t *testing.T) {
	base := func(f Format) MRZ {
		return MRZ{Format: f, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890",
			Surname: "ERIKSSON", GivenNames: "ANNA MARIA", Nationality: "UTO",
			BirthDate: "740812", Sex: "F", ExpiryDate: "120415"}
	}
	for _, tc := range []struct {
		name string
		edit func(*MRZ)
	}{
		{"unknown format", func(m *MRZ) { m.Format = "TD9" }},
		{"accented name", func(m *MRZ) { m.Surname = "ÉRIKSSON" }},
		{"digit in name", func(m *MRZ) { m.GivenNames = "ANNA2" }},
		{"names too long", func(m *MRZ) { m.GivenNames = strings.Repeat("ANNA ", 6) }},
		{"short date", func(m *MRZ) { m.BirthDate = "7408" }},
		{"letter in date", func(m *MRZ) { m.ExpiryDate = "12O415" }},
		{"sex", func(m *MRZ) { m.Sex = "Q" }},
		{"personal number in TD1", func(m *MRZ) { m.PersonalNumber = "ZE184226B" }},
		{"admin code in TD1", func(m *MRZ) { m.AdminCode = "92C001" }},
		{"number too long", func(m *MRZ) { m.DocumentNumber = strings.Repeat("D", 24) }},
		{"long number and optional data", func(m *MRZ) { m.DocumentNumber, m.Optional1 = "D231458907341", "ABCDEFGHIJ" }},
		{"state too long", func(m *MRZ) { m.IssuingState = "UTOP" }},
		{"TD2 that reads as old French card", func(m *MRZ) { m.Format, m.DocumentCode, m.IssuingState = TD2, "ID", "FRA" }},
		{"old French card with expiry", func(m *MRZ) {
			m.Format, m.DocumentCode, m.IssuingState, m.Nationality = FrenchID, "ID", "FRA", ""
			m.DocumentNumber = "880692310285"
		}},
		{"old French card with letters in the sequence", func(m *MRZ) {
			m.Format, m.DocumentCode, m.IssuingState, m.Nationality, m.ExpiryDate = FrenchID, "ID", "FRA", "", ""
			m.DocumentNumber = "8806923102AB"
		}},
	} {
		m := base(TD1)
		tc.edit(&m)
		if lines, err := Compose(m); err == nil {
			t.Errorf("%s: Compose = %q, want an error", tc.name, lines)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	// The base itself composes, so each error above is the edit's.
	if _, err := Compose(base(TD1)); err != nil {
		t.Errorf("Compose(base): %v", err)
	}
}

func TestComposeNames(t *testing.T) {
	for _, tc := range []struct {
		f                 Format
		surname, given    string
		wantLine          int
		wantPrefix, wantS string
	}{
		{TD3, "de la Cruz", "Jean-Pierre", 0, "P<UTODE<LA<CRUZ<<JEAN<PIERRE<", "DE LA CRUZ"},
		{TD3, "O'Neil", "", 0, "P<UTOONEIL<<<", "ONEIL"},
		{FrenchID, "Dupont-Moretti", "Jean-Luc Marc", 1, "880692310285", "DUPONT MORETTI"},
	} {
		m := MRZ{Format: tc.f, DocumentCode: "P", IssuingState: "UTO", Nationality: "UTO", DocumentNumber: "L898902C",
			BirthDate: "740812", ExpiryDate: "120415", Surname: tc.surname, GivenNames: tc.given}
		if tc.f == FrenchID {
			m.DocumentCode, m.IssuingState, m.Nationality, m.ExpiryDate, m.DocumentNumber = "ID", "FRA", "", "", "880692310285"
		}
		lines, err := Compose(m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(lines[tc.wantLine], tc.wantPrefix) {
			t.Errorf("Compose(%q, %q) = %q, want line %d to start %q", tc.surname, tc.given, lines, tc.wantLine, tc.wantPrefix)
		}
		if got, _ := Parse(lines); got.Surname != tc.wantS {
			t.Errorf("surname read back = %q, want %q", got.Surname, tc.wantS)
		}
		if tc.f == FrenchID && !strings.Contains(lines[1], "JEAN<LUC<<MARC") {
			t.Errorf("old card given names in %q, want JEAN<LUC<<MARC", lines[1])
		}
	}
}

func ExampleCompose() {
	lines, err := Compose(MRZ{Format: TD3, DocumentCode: "P", IssuingState: "UTO", Surname: "Eriksson",
		GivenNames: "Anna Maria", DocumentNumber: "L898902C3", Nationality: "UTO", BirthDate: "740812",
		Sex: "F", ExpiryDate: "120415", PersonalNumber: "ZE184226B"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
	// L898902C36UTO7408122F1204159ZE184226B<<<<<10
}
