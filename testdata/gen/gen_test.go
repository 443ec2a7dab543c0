package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"coffre"
)

// ICAO 9303 part 4 specimen (Anna Maria Eriksson, Utopia).
func TestCheckDigitICAOSpecimen(t *testing.T) {
	l2 := "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
	for _, c := range []struct{ field, want string }{
		{l2[0:9], l2[9:10]}, {l2[13:19], l2[19:20]}, {l2[21:27], l2[27:28]}, {l2[28:42], l2[42:43]},
		{l2[0:10] + l2[13:20] + l2[21:43], l2[43:44]},
	} {
		if got := string(checkDigit(c.field)); got != c.want {
			t.Errorf("checkDigit(%q) = %s, want %s", c.field, got, c.want)
		}
	}
}

// specimens builds every kind for several seeds without rendering.
func specimens(t *testing.T) []Specimen {
	t.Helper()
	var out []Specimen
	for seed := uint64(1); seed <= 40; seed++ {
		for _, k := range allKinds {
			out = append(out, Build(k, rand.New(rand.NewPCG(seed, 7))))
		}
	}
	return out
}

// texts returns every string printed on the specimen.
func texts(sp Specimen, weight Weight, any bool) []string {
	docs := sp.Pages
	if sp.Card != nil {
		docs = []*Doc{sp.Card.Recto, sp.Card.Verso}
	}
	var s []string
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, e := range d.Els {
			if tx, ok := e.(Text); ok && (any || tx.St.W == weight) {
				s = append(s, tx.S)
			}
		}
	}
	return s
}

func cd(t *testing.T, what, field string, digit byte) {
	t.Helper()
	if checkDigit(field) != digit {
		t.Errorf("%s: check digit of %q is %c, MRZ says %c", what, field, checkDigit(field), digit)
	}
}

// checkMRZ validates the zone's structure, check digits and agreement
// with the ground truth.
func checkMRZ(t *testing.T, sp Specimen, z []string) {
	f := sp.Fields
	num := f["document_number"].(string)
	birth := yymmdd(f["birth_date"].(coffre.Date))
	switch {
	case len(z) == 3 && len(z[0]) == 30:
		l1, l2 := z[0], z[1]
		cd(t, "TD1 number", l1[5:14], l1[14])
		cd(t, "TD1 birth", l2[0:6], l2[6])
		cd(t, "TD1 expiry", l2[8:14], l2[14])
		cd(t, "TD1 composite", l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29], l2[29])
		want := map[string]string{coffre.SubtypeCNI: "IDFRA", coffre.SubtypeTitreSejour: "IRFRA"}[sp.Subtype]
		if !strings.HasPrefix(l1, want) || l1[5:14] != num || l2[0:6] != birth || l2[15:18] != f["nationality"] {
			t.Errorf("TD1 %q disagrees with truth %v", z, f)
		}
	case len(z) == 2 && len(z[0]) == 44:
		l2 := z[1]
		cd(t, "TD3 number", l2[0:9], l2[9])
		cd(t, "TD3 birth", l2[13:19], l2[19])
		cd(t, "TD3 expiry", l2[21:27], l2[27])
		cd(t, "TD3 composite", l2[0:10]+l2[13:20]+l2[21:43], l2[43])
		if !strings.HasPrefix(z[0], "P<FRA") || l2[0:9] != num || l2[21:27] != yymmdd(f["expiry_date"].(coffre.Date)) {
			t.Errorf("TD3 %q disagrees with truth %v", z, f)
		}
	case len(z) == 2 && len(z[0]) == 36:
		l1, l2 := z[0], z[1]
		cd(t, "old CNI number", l2[0:12], l2[12])
		cd(t, "old CNI birth", l2[27:33], l2[33])
		cd(t, "old CNI composite", l1+l2[:35], l2[35])
		if !strings.HasPrefix(l1, "IDFRA") || l2[0:12] != num || l2[27:33] != birth || len(l2) != 36 {
			t.Errorf("old CNI %q disagrees with truth %v", z, f)
		}
	default:
		t.Errorf("%s: unexpected MRZ shape %q", sp.Layout, z)
	}
}

func TestIdentityMRZ(t *testing.T) {
	for _, sp := range specimens(t) {
		if sp.Type == coffre.TypePieceIdentite {
			checkMRZ(t, sp, texts(sp, OCR, false))
		}
	}
}

var (
	reFiscal = regexp.MustCompile(`^[0-3][0-9]{12}$`)
	reRef    = regexp.MustCompile(`^[0-9]{4}[0-9A-Z]{7}[0-9]{2}$`)
	reAlloc  = regexp.MustCompile(`^[0-9]{7}$`)
)

func printed(sp Specimen, s string) bool {
	for _, x := range texts(sp, Reg, true) {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func checkAvis(t *testing.T, sp Specimen) {
	f := sp.Fields
	year, num, ref := f["annee_revenus"].(int), f["numero_fiscal"].(string), f["reference_avis"].(string)
	if !reFiscal.MatchString(num) || !reRef.MatchString(ref) || ref[:2] != fmt.Sprintf("%02d", (year+1)%100) {
		t.Errorf("avis: bad numero %q / reference %q for %d", num, ref, year)
	}
	if !printed(sp, groupFiscal(num)) || !printed(sp, groupRef(ref)) || !printed(sp, frInt(f["revenu_fiscal_reference"].(int))+" €") {
		t.Errorf("avis %s: references or RFR not printed as grouped", sp.Layout)
	}
	if year < 2021 || year > 2025 || sp.ExpiresOn != ymd(year+2, 9, 14) || sp.IssuedOn.Year != year+1 && sp.IssuedOn.Year != year+2 {
		t.Errorf("avis: year %d issued %v expires %v", year, sp.IssuedOn, sp.ExpiresOn)
	}
}

func checkCAF(t *testing.T, sp Specimen) {
	ed := sp.Fields["date_edition"].(coffre.Date)
	if !reAlloc.MatchString(sp.Fields["numero_allocataire"].(string)) || sp.IssuedOn != ed ||
		sp.ExpiresOn != ed.AddMonthsClamped(3) || ed.Before(ymd(2025, 6, 1)) || ed.After(ymd(2026, 11, 30)) {
		t.Errorf("caf: %v", sp.Fields)
	}
	if qf, ok := sp.Fields["quotient_familial"].(int); ok && !printed(sp, fmt.Sprintf("%d €", qf)) {
		t.Errorf("caf: quotient %d not printed", qf)
	}
}

func checkIdentity(t *testing.T, sp Specimen) {
	f := sp.Fields
	exp, issue, birth := f["expiry_date"].(coffre.Date), f["issue_date"].(coffre.Date), f["birth_date"].(coffre.Date)
	want := exp
	if sp.Layout == "cni-old" {
		if issue.Year < 2005 || issue.Year > 2020 {
			t.Errorf("old CNI issued %v", issue)
		}
		if !issue.Before(ymd(2004, 1, 2)) && !issue.After(ymd(2013, 12, 31)) && ageOn(birth, issue) >= 18 {
			want = exp.AddYearsClamped(5)
		}
	} else if issue.Year < 2017 || issue.Year > 2026 {
		t.Errorf("%s issued %v", sp.Layout, issue)
	}
	if sp.ExpiresOn != want || !exp.After(issue) || !issue.After(birth) {
		t.Errorf("%s: issue %v expiry %v truth %v want %v", sp.Layout, issue, exp, sp.ExpiresOn, want)
	}
}

func TestGroundTruthRules(t *testing.T) {
	extended := 0
	for _, sp := range specimens(t) {
		switch sp.Type {
		case coffre.TypeAvisImposition:
			checkAvis(t, sp)
		case coffre.TypeAttestationCAF:
			checkCAF(t, sp)
		case coffre.TypePieceIdentite:
			checkIdentity(t, sp)
			if sp.ExpiresOn != sp.Fields["expiry_date"] {
				extended++
			}
		case coffre.TypeUnknown:
			if sp.Lookalike == "" || len(sp.Fields) != 0 || !sp.ExpiresOn.IsZero() {
				t.Errorf("look-alike %q has truth %v", sp.Lookalike, sp.Fields)
			}
		}
	}
	if extended == 0 {
		t.Error("no old CNI with the five-year extension")
	}
}

func TestDeterministic(t *testing.T) {
	for _, k := range allKinds {
		a, _ := json.Marshal(Build(k, rand.New(rand.NewPCG(3, 9))).Fields)
		b, _ := json.Marshal(Build(k, rand.New(rand.NewPCG(3, 9))).Fields)
		if string(a) != string(b) {
			t.Errorf("%s: not deterministic", k)
		}
	}
}

func TestSmallPlan(t *testing.T) {
	plan := smallPlan()
	kinds, rends := map[string]int{}, map[string]int{}
	big, bad, rotated, photos := 0, 0, 0, 0
	for _, it := range plan {
		kinds[it.Kind]++
		rends[it.Rend]++
		if it.Rend == "photo" {
			photos++
			if it.MP >= 12 {
				big++
			}
			if it.Rotate != 0 {
				rotated++
			}
		}
		if it.Unreadable() {
			bad++
		}
	}
	if n := len(plan); n < 60 || n > 80 || big < 6 || bad < 3 || bad > 4 || rotated*4 < photos {
		t.Errorf("plan: %d items, %d 12 MP, %d unreadable, %d/%d rotated", n, big, bad, rotated, photos)
	}
	for _, k := range allKinds {
		if kinds[k] < 2 {
			t.Errorf("kind %s has %d items", k, kinds[k])
		}
	}
	if rends["digital"] < 8 || rends["scan"] < 8 {
		t.Errorf("renderings %v", rends)
	}
}
