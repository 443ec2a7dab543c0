package classifiers

import (
	"strings"
	"testing"
	"time"

	"coffre"
)

func TestHasToleratesOCR(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"Revenu fiscal de référence", "revenu fiscal de reference", true},
		{"REVENUFISCAL DE REFE RENCE", "revenu fiscal de reference", true},  // glued and split
		{"Revenu fiscaI de rëférence", "revenu fiscal de reference", true},  // I for l, ë
		{"Rcvenu fisca de reference", "revenu fiscal de reference", true},   // two errors
		{"Revenu\nfiscal de référence", "revenu fiscal de reference", true}, // wrapped
		{"lMP0T SUR LE REVENU", "impot sur le revenu", true},
		{"Nornbre de parts", "nombre de parts", true}, // rn for m
		{"Revenu brut global", "revenu fiscal de reference", false},
		{"taxe foncière", "taxe d'habitation", false},
		{"sexe", "sexy", false}, // short words are matched exactly
	}
	for _, tt := range tests {
		if got := NewDoc(tt.text).Has(tt.phrase); got != tt.want {
			t.Errorf("Has(%q) in %q = %v, want %v", tt.phrase, tt.text, got, tt.want)
		}
	}
}

func TestHasWordIsWholeToken(t *testing.T) {
	d := NewDoc("Café de la gare — CAF du Nord")
	if !d.HasWord("caf") {
		t.Error(`"CAF" not found as a word`)
	}
	if NewDoc("Café de la gare").HasWord("caf") {
		t.Error(`"Café" taken for the word "caf"`)
	}
}

func TestParseDate(t *testing.T) {
	want := coffre.NewDate(2030, time.February, 11)
	for _, s := range []string{"11 02 2030", "11.02.2030", "11/02/2030", ": 11-02-2030", "11022030", "1l/O2/2O30", "11 février 2030", "11 FEV. / FEB 2030"} {
		if got, ok := parseDate(fold(s)); !ok || got != want {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if got, ok := parseDate("le 1er juillet 2026"); !ok || got != coffre.NewDate(2026, time.July, 1) {
		t.Errorf("1er juillet 2026: got %v", got)
	}
	for _, s := range []string{"31/02/2030", "2030", "12 rue des lilas", ""} {
		if got, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) = %v, want no date", s, got)
		}
	}
}

func TestParseEuros(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{": 15 432 €", 15432, true},
		{"15.432 euros", 15432, true},
		{"28 9o4 €", 28904, true},
		{"612,50 €", 612, true},
		{"  63 118  ", 63118, true},
		{"de septembre 2026 : 612 €", 612, true},
		{"allocataire n° 1234567", 0, false},
		{"date d'edition : 28/02/2026", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseEuros(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseEuros(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseReference(t *testing.T) {
	for in, want := range map[string]string{
		": 25 12 a345678 90":  "2512A34567890",
		"2512a34567890":       "2512A34567890",
		"25 l2 a345678 9o":    "2512A34567890", // digits misread in the outer groups
		"25 12 a345678 90 x":  "2512A34567890",
		"25 12 a345678 90b":   "2512A34567890", // a 14th letter added by the user
		"la ref est inconnue": "",
	} {
		if got, _ := parseReference(in); got != want {
			t.Errorf("parseReference(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	for first, want := range map[string]string{
		"IDFRABERTHIER<<<<<<<<<<<<<<<<<92C001":  "cni",
		"IDFRAX4RTBPFW46<<<<<<<<<<<<<<<":        "cni",
		"I<UTOD231458907<<<<<<<<<<<<<<<":        "cni",
		"IRFRAEI80125907<<<<<<<<<<<<<<<":        "titre_sejour",
		"1RFRAEI80125907<<<<<<<<<<<<<<<":        "titre_sejour",
		"P<FRASPECIMEN<<NATACHA<<<<<<<<<<<<<<<": "passeport",
		"12345678901234567890123456789":         "",
		"X":                                     "",
	} {
		if got := kindOf(first); got != want {
			t.Errorf("kindOf(%q) = %q, want %q", first, got, want)
		}
	}
}

func TestFixDigits(t *testing.T) {
	for in, want := range map[string]string{
		"2o24":             "2024",
		"l5 432 €":         "15 432 €",
		"1er octobre":      "1er octobre",
		"a345678 lol 1o/o": "a345678 lol 10/0",
	} {
		if got := fixDigits(in); got != want {
			t.Errorf("fixDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseParts(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1,5", 1.5, true}, {"2,75", 2.75, true}, {" 1 ", 1, true}, {"4", 4, true},
		{"15", 1.5, true}, {"25", 2.5, true},
		{"3,3", 0, false}, {"0,5", 0, false}, {"2,7", 0, false}, {"LD", 0, false},
		// A comma read as a colon: the parts after it are not to be lost.
		{"1;5", 1.5, true}, {"2:75", 2.75, true}, {"2:73", 0, false}, {"1 ; 1", 1, true},
		// A lone 1 read as a letter; a word is no count.
		{" l", 1, true}, {": i", 1, true}, {"|", 1, true}, {"la", 0, false}, {"o", 0, false},
	} {
		got, ok := parseParts(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseParts(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFillerKs(t *testing.T) {
	visual := squashWord("Nom : DA SILVA Prénoms : Jean-Luc, Kévin")
	zone := coffre.Fields{"surname": "DAKSILVA", "given_names": []string{"JEANKLUC", "KEVIN"}}
	fillerKs(zone, visual)
	if zone["surname"] != "DA SILVA" {
		t.Errorf("surname %q, want DA SILVA", zone["surname"])
	}
	if got := zone["given_names"].([]string); strings.Join(got, ",") != "JEAN,LUC,KEVIN" {
		t.Errorf("given names %q, want JEAN LUC KEVIN (the K of Kévin kept)", got)
	}
}

// TestSplitRow: a two-column table read column by column pairs each label
// with the value at its rank, only when both runs have the same length.
func TestSplitRow(t *testing.T) {
	labels := "Date d'établissement\nNombre de parts\nSituation de famille\nRevenu fiscal de référence\n"
	for _, tc := range []struct {
		name, text string
		label      int // line of the label asked for
		want       string
		ok         bool
	}{
		{"as many values as labels", labels + "03/03/2025\n1,5\nMarié(e)\n24 824 €\nCe document est établi à partir de votre déclaration", 1, "1,5", true},
		{"the last label", labels + "03/03/2025\n1,5\nMarié(e)\n24 824 €\n", 3, "24 824 €", true},
		{"a value missing", labels + "03/03/2025\n1,5\n24 824 €\nCe document est établi à partir de votre déclaration", 1, "", false},
		{"a label with its value", "Nombre de parts 2\nRevenu fiscal de référence\n12 000 €\n", 0, "", false},
		{"two labels only", "Nombre de parts\nRevenu fiscal de référence\n2\n12 000 €\n", 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDoc(tc.text)
			i, ok := d.splitRow(tc.label)
			if ok != tc.ok || ok && d.Lines[i] != fold(tc.want) {
				got := ""
				if ok {
					got = d.Lines[i]
				}
				t.Errorf("splitRow(%d) = %q, %v; want %q, %v", tc.label, got, ok, fold(tc.want), tc.ok)
			}
		})
	}
}
