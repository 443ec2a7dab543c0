package mrz

import (
	"reflect"
	"strings"
	"testing"
)

var (
	cnie = []string{
		"IDFRAX4RTBPFW46<<<<<<<<<<<<<<<",
		"9007138F3002119FRA<<<<<<<<<<<6",
		"MARTIN<<MAELYS<GAELLE<MARIE<<<",
	}
	passport = []string{
		"P<FRASPECIMEN<<NATACHA<<<<<<<<<<<<<<<<<<<<<<",
		"07CD123044FRA7307122F1603062<<<<<<<<<<<<<<04",
	}
	oldCNI = []string{
		"IDFRABERTHIER<<<<<<<<<<<<<<<<<92C001",
		"8806923102858CORINNE<<<<<<<6512068F8",
	}
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want [][]string
	}{
		{"clean", "IDFRAX4RTBPFW46<<<<<<<<<<<<<<<\n9007138F3002119FRA<<<<<<<<<<<6\nMARTIN<<MAELYS<GAELLE<MARIE<<<\n", [][]string{cnie}},
		{"2021 card back, noisy",
			"RÉPUBLIQUE FRANÇAISE\n" +
				"Adresse : 12 RUE DE LA PAIX\n" +
				"75002 PARIS\n" +
				"\n" +
				"IDFRAX4RTBPFW46«««««««««««««««\n" + // chevrons read as «
				"  9007138F3002119FRA<<<< <<<<<<<6 \r\n" + // stray spaces, CRLF
				"\n" + // OCR often puts a blank line between MRZ lines
				"martin<<maelys<gaelle<marieKKK\n", // fillers read as K, lower case
			[][]string{cnie}},
		{"passport page with K runs and a dropped filler",
			"PASSEPORT\nPASSPORT\nNom/Surname: SPECIMEN\n" +
				"P<FRASPECIMEN<<NATACHA<<<<<<<KKKKK<<<<<<<<\n" + // 42 long, K run
				"07CD123044FRA7307122F1603062‹‹‹‹‹‹‹‹‹‹‹‹‹‹04\n" +
				"SIGNATURE DU TITULAIRE",
			[][]string{passport}},
		{"old card with a filler run read as K and no < left",
			"CARTE NATIONALE D'IDENTITE N° : 880692310285\n" +
				"IDFRABERTHIERKKKKKKKKKKKKKKKKK92C001\n" +
				"8806923102858CORINNE(((((((6512068F8\n",
			[][]string{oldCNI}},
		{"trailing fillers: two too many, one missing",
			cnie[0][:29] + "\n" + cnie[1] + "\n" + cnie[2] + "<<\n",
			[][]string{cnie}},
		{"line 2 of the zone unreadable", "P<FRASPECIMEN<<NATACHA<<<<<<<<<<<<<<<<<<<<<<\n07CD123044FRA7307122F16€3062<<<<<<<<<<<<<<04\n", nil},
		{"a line too short that cannot be padded", "IDFRAX4RTBPFW46<<<<<<<<<<<<<<<\n9007138F3002119FRA<<<<<<<<<<6\nMARTIN<<MAELYS<GAELLE<MARIE<<<\n", nil},
		{"no text", "", nil},
		{"a stray line of 30 before the zone, ranked last",
			"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n" + cnie[0] + "\n" + cnie[1] + "\n" + cnie[2] + "\n",
			[][]string{cnie, {"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", cnie[0], cnie[1]}}},
		{"two zones, the passport first",
			"000000000000000000000000000000000000000000<<\n111111111111111111111111111111111111111111<<\nnot mrz\n" + passport[0] + "\n" + passport[1],
			[][]string{passport, {"000000000000000000000000000000000000000000<<", "111111111111111111111111111111111111111111<<"}}},
		{"table rows of a zone's width, no filler",
			"Lundi Omelette Fromage blanc Salade verte Riz pilaf\nMardi Salade verte Poulet roti Bboule Haricots verts\n", nil},
	} {
		got := Find(tc.text)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Find =\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

func TestShaped(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"a zone whose first line is lost to an accent",
			"CARTE NATIONALE D'IDENTITÉ\nIDFRA96ÉD3MKOCH4<<<<<<K<K<<LLLLK<\n7412165F3402203FRA<<<<<<<<<<<8\n\nMULLER<<CELINE<<<<<<<<<<<<<<<<\n", true},
		{"a clean zone", strings.Join(cnie, "\n"), true},
		{"one line of fillers alone", "Nom : MARTIN\n" + cnie[2] + "\nSignature\n", false},
		{"zone lines apart", cnie[1] + "\nAdresse : 12 rue de la Paix\n" + cnie[2], false},
		{"a tax coupon's long numbers", "2860807694848 2344851858210 2 00101486\n2860807694848 2344851858210 2 00101486\n", false},
		{"no text", "", false},
	} {
		if got := Shaped(tc.text); got != tc.want {
			t.Errorf("%s: Shaped = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestFindThenRead checks the whole path on noisy text: a zone found
// among other lines, with a confusion Read undoes.
func TestFindThenRead(t *testing.T) {
	text := "CARTE NATIONALE D'IDENTITÉ\nNom : MARTIN\n" +
		"IDFRAX4RTBPFW46 «««««««««««««««\n" +
		"9OO7138F3002119FRA<<<<<<<<<<<6\n" + // 0 read as O in the birth date
		"MARTIN<<MAELYS<GAELLE<MARIE<<<\n"
	groups := Find(text)
	if len(groups) != 1 {
		t.Fatalf("Find = %q, want one group", groups)
	}
	m, err := Read(groups[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []Repair{{1, 1, 'O', '0'}, {1, 2, 'O', '0'}}
	if !m.Verified() || m.BirthDate != "900713" || !reflect.DeepEqual(m.Repairs, want) {
		t.Errorf("Read = %+v, want verified, born 900713, repairs %v", m, want)
	}
}

func TestCandidateLine(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", true},
		{"p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", true},
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<<", "", false}, // 47: too long for any zone
		{"ERIKSSON<<ANNA<MARIA<<<<<<<<<<", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<", true},
		{"ERIKSSON<<ANNA<MARIAKK<<<<<<<<", "ERIKSSON<<ANNA<MARIAKK<<<<<<<<", true}, // KK kept where < survived
		{"ERIKSSONKKANNAKMARIAKKKKKKKKKK", "ERIKSSON<<ANNAKMARIA<<<<<<<<<<", true}, // no <: KK+ are fillers
		{"HAKKINEN<<MIKKO<<<<<<<<<<<<<<<", "HAKKINEN<<MIKKO<<<<<<<<<<<<<<<", true},
		{"I<UTOD23145890(7349[{££<<<<<<<", "I<UTOD23145890<7349<<<<<<<<<<<", true},
		// French OCR reads fillers as c and e in an upper-case line...
		{"IRFRASUO1080090<<<<ccecececece", "IRFRASUO1080090<<<<<<<<<<<<<<<", true},
		{"7704020M2909211TUR<<<<<<<<c<ccé", "7704020M2909211TUR<<<<<<<<<<<<<", true},
		{"ce<<7704020M2909211TUR<<<<<<<<", "<<<<7704020M2909211TUR<<<<<<<<", true},
		// ...but only next to a filler, and not in a line read in lower case.
		{"DUPONCE<<ALICE<<<<<<<<<<<<<<<<", "DUPONCE<<ALICE<<<<<<<<<<<<<<<<", true},
		{"dupont<<alice<<<<<<<<<<<<<<<<<", "DUPONT<<ALICE<<<<<<<<<<<<<<<<<", true},
		{"NOM: MARTIN<<<<<<<<<<<<<<<<<<<<", "", false},
		{"P<UTOERIKSSON", "", false},
		{"", "", false},
	} {
		got, ok := candidate(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("candidate(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
		ok    bool
	}{
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<", 44, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", true},     // 42: padded
		{"P<FRALEROY<<NICOLAS<<<<<<<<<<<<<<<<", 44, "P<FRALEROY<<NICOLAS<<<<<<<<<<<<<<<<<<<<<<<<<", true},            // 35: Tesseract shortened the run
		{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<", 44, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", true}, // 46: trimmed
		{"L898902C36UTO7408122F1204159ZE184226B<<<<<1", 44, "", false},                                               // short, ends in a digit
		{"IRFRAMT62466126<<<<<<<K", 30, "IRFRAMT62466126<<<<<<<<<<<<<<<", true},                                      // short, its last filler read K
		{"P<FRAMARTIN<<ERIK", 44, "", false},                                                                         // short, ends in a name's K
		{"L898902C36UTO7408122F1204159ZE184226B<<<<<10<", 44, "L898902C36UTO7408122F1204159ZE184226B<<<<<10", true},
		{"L898902C36UTO7408122F1204159ZE184226B<<<<<105", 44, "L898902C36UTO7408122F1204159ZE184226B<<<<<105", true}, // for Read
		{"1409092172892THEO<<FRANCO1IS6405146M5", 36, "1409092172892THEO<<FRANCO1IS6405146M5", true},
		{"1409092172892THEO<<FRANCO1IS6405146M5XYZ", 36, "", false},
	} {
		got, ok := shape(tc.in, tc.width)
		if got != tc.want || ok != tc.ok {
			t.Errorf("shape(%q, %d) = %q, %v; want %q, %v", tc.in, tc.width, got, ok, tc.want, tc.ok)
		}
	}
}
