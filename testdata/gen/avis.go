package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"coffre"
)

// avisLayout is a data-driven variant of the DGFiP notice layout.
type avisLayout struct {
	name      string
	longTitle bool    // "AVIS D'IMPÔT 2025 SUR LES REVENUS…" vs "Impôt sur le revenu – …"
	refsRight bool    // references box top right (else under the address)
	leaders   bool    // dot leaders in the detail
	addrX     float64 // window envelope position of the address
}

var avisLayouts = []avisLayout{
	{"avis-a", true, true, true, 110},
	{"avis-b", false, false, false, 100},
	{"avis-c", true, false, true, 112},
}

// avisData is the content of an income-tax notice.
type avisData struct {
	kind          string // "imposable", "non_imposable", "asdir"
	year          int    // income year
	decl          []Person
	numFiscal     string
	reference     string
	rfr, rbg, ri  int
	parts         float64
	impot         int
	etab, recouvr coffre.Date
	sip           city
	situation     string
	pac           int
	nonImp        string // wording of a zero tax
	legal         int    // second legal paragraph
}

// dependants is the number of children giving extra parts: half a part
// each for the first two, one for each further child.
func dependants(extra float64) int {
	if extra <= 1 {
		return int(math.Ceil(max(extra, 0) * 2))
	}
	return 2 + int(math.Ceil(extra-1))
}

// impotBareme applies the 2024 progressive scale to the taxable income.
func impotBareme(ri int, parts float64) int {
	q := float64(ri) / parts
	cuts := []struct{ lim, rate float64 }{{11294, 0}, {28797, .11}, {82341, .30}, {177106, .41}, {1e12, .45}}
	tax, prev := 0.0, 0.0
	for _, c := range cuts {
		if q > prev {
			tax += (min(q, c.lim) - prev) * c.rate
		}
		prev = c.lim
	}
	t := int(tax * parts)
	if t < 61 {
		return 0
	}
	return t
}

func newAvis(r *rand.Rand, kind string) avisData {
	a := avisData{kind: kind, year: 2021 + r.IntN(5), sip: pick(r, cities)}
	p := newPerson(r, 1940, 2003)
	a.decl = []Person{p}
	a.parts = pick(r, []float64{1, 1, 1.5, 2, 2, 2.5, 2.75, 3, 3.5})
	if a.parts >= 2 && r.IntN(3) > 0 {
		q := newPerson(r, 1945, 2002)
		q.Surname, q.Street, q.City = p.Surname, p.Street, p.City
		a.decl = append(a.decl, q)
		a.situation = pick(r, []string{"Marié(e)", "Pacsé(e)"})
	} else {
		a.situation = pick(r, []string{"Célibataire", "Divorcé(e)", "Veuf(ve)"})
	}
	a.pac = dependants(a.parts - float64(len(a.decl)))
	top := 30000
	if kind == "non_imposable" {
		top = 11000
	}
	a.rbg = 4000 + int(float64(r.IntN(top))*(0.6+0.4*a.parts))
	a.ri = a.rbg - r.IntN(a.rbg/10+1)
	a.rfr = a.ri + r.IntN(800)
	a.impot = impotBareme(a.ri, a.parts)
	if kind == "non_imposable" {
		a.impot = 0
	}
	a.nonImp = pick(r, []string{"Vous n'êtes pas imposable", "Non imposable", "AVIS DE NON-IMPOSITION"})
	a.legal = 1 + r.IntN(len(avisLegal)-1)
	a.numFiscal = fmt.Sprint(r.IntN(4)) + digits(r, 12)
	mid := digits(r, 7)
	if r.IntN(3) == 0 {
		k := r.IntN(7)
		mid = mid[:k] + letters(r, 1) + mid[k+1:]
	}
	a.reference = fmt.Sprintf("%02d", (a.year+1)%100) + digits(r, 2) + mid + digits(r, 2)
	a.recouvr = pick(r, []coffre.Date{ymd(a.year+1, 7, 31), ymd(a.year+1, 8, 31), ymd(a.year+1, 9, 30)})
	a.etab = a.recouvr.AddDays(-7 - r.IntN(10))
	if kind == "asdir" {
		a.etab = randDate(r, ymd(a.year+1, 9, 1), ymd(a.year+2, 6, 30))
	}
	return a
}

func groupFiscal(n string) string {
	return n[0:2] + " " + n[2:4] + " " + n[4:7] + " " + n[7:10] + " " + n[10:13]
}
func groupRef(n string) string { return n[0:2] + " " + n[2:4] + " " + n[4:11] + " " + n[11:13] }

// AvisSpecimen builds an income-tax notice of the given kind.
func AvisSpecimen(r *rand.Rand, kind string) Specimen {
	a := newAvis(r, kind)
	lay := pick(r, avisLayouts)
	fam := pick(r, familyNames)
	pages := []*Doc{avisPage(a, lay, fam)}
	if r.IntN(2) == 0 {
		pages = append(pages, legalPage(r, fam, avisLegal, "impots.gouv.fr", 2))
	}
	return Specimen{
		Type: coffre.TypeAvisImposition, Layout: lay.name + "-" + kind, Font: fam, Pages: pages,
		Fields: coffre.Fields{"annee_revenus": a.year, "numero_fiscal": a.numFiscal, "reference_avis": a.reference,
			"revenu_fiscal_reference": a.rfr, "nombre_parts": a.parts},
		IssuedOn: a.etab, ExpiresOn: ymd(a.year+2, 9, 14),
		Meta: pdfMeta{Title: fmt.Sprintf("Avis d'impôt %d", a.year+1), Author: "DGFiP", Creator: "DGFiP - ADELIE",
			Date: a.etab.Time().Add(36000e9)},
	}
}
