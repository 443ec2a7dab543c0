package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"coffre"
)

// cafLayout is a data-driven variant of a CAF attestation.
type cafLayout struct {
	name     string
	grid     bool   // table with rules
	centered bool   // centred title
	dateForm string // "edition", "fait", "edite"
}

var cafLayouts = []cafLayout{
	{"caf-a", true, true, "edition"},
	{"caf-b", false, false, "fait"},
	{"caf-c", true, false, "edite"},
}

var cafTitles = map[string][]string{
	"paiement": {"ATTESTATION DE PAIEMENT", "Attestation de paiement"},
	"qf":       {"Attestation de quotient familial", "ATTESTATION DE QUOTIENT FAMILIAL"},
	"droits":   {"Attestation de droits", "ATTESTATION DE DROITS ET DE PAIEMENTS"},
}

var prestations = []string{"Revenu de solidarité active (RSA)", "Aide personnalisée au logement (APL)",
	"Allocations familiales", "Prime d'activité", "Allocation de logement sociale (ALS)",
	"Complément familial", "Allocation aux adultes handicapés (AAH)"}

// cafHeader prints the fund's identity block.
func cafHeader(d *Doc, c city) {
	d.Fill(15, 12, 24, 12, rgb(0, 90, 170))
	d.Put(27, 20.5, St{Size: 14, W: Bold, Al: Center, C: white}, "caf")
	f := Flow{D: d, X: 15, Y: 26, W: 80}
	f.Line(stBodyB, "Caisse d'allocations familiales")
	f.Line(stSmall, deptPhrase(c))
	f.Line(stSmall, fmt.Sprintf("%d rue du Docteur Roux – CS %d", 3+len(c.Name), 40000+len(c.Dept)*37))
	f.Line(stSmall, c.CP[:2]+"9"+c.CP[3:]+" "+c.Name+" CEDEX")
	f.Line(stSmall, "caf.fr – 32 30 (service gratuit + prix d'un appel)")
}

// CAFSpecimen builds a CAF attestation of the given kind.
func CAFSpecimen(r *rand.Rand, kind string) Specimen {
	lay, fam := pick(r, cafLayouts), pick(r, familyNames)
	p := newPerson(r, 1950, 2004)
	edition := randDate(r, ymd(2025, 6, 1), ymd(2026, 11, 30))
	num := fmt.Sprint(1+r.IntN(9)) + digits(r, 6)
	d := newA4(fam)
	cafHeader(d, p.City)
	f := Flow{D: d, X: 115, Y: 14, W: 80}
	f.KV(stSmall, stBodyB, pick(r, []string{"N° allocataire :", "Numéro allocataire :", "N° Allocataire"}), num, false)
	f.KV(stSmall, stSmall, "Référence :", "ATT-"+digits(r, 8), false)
	f.Gap(20)
	f.Line(stBody, p.Civ()+" "+p.FullUpper())
	for _, l := range p.AddressLines() {
		f.Line(stBody, l)
	}
	body := Flow{D: d, X: 20, Y: 85, W: 170}
	title := St{Size: 14, W: Bold}
	if lay.centered {
		title.Al = Center
	}
	body.Line(title, pick(r, cafTitles[kind]))
	body.Gap(6)
	fields := coffre.Fields{"numero_allocataire": num, "date_edition": edition}
	cafBody(&body, r, kind, p, edition, lay, fields)
	body.Gap(5)
	cafDate(&body, lay, p.City, edition)
	body.Gap(3)
	body.Line(St{Size: 9, Al: Right}, pick(r, []string{"Le Directeur", "La Directrice", "Pour le Directeur, par délégation"}))
	body.Gap(10)
	for _, l := range cafLegal[:2+r.IntN(3)] {
		body.Para(stTiny, l)
		body.Gap(1.5)
	}
	d.Put(105, 288, St{Size: 6.5, Al: Center, C: gray}, "Caf "+p.City.Dept+" – caf.fr – document édité par internet – page 1/1")
	return Specimen{Type: coffre.TypeAttestationCAF, Layout: lay.name + "-" + kind, Font: fam, Pages: []*Doc{d},
		Fields: fields, IssuedOn: edition, ExpiresOn: edition.AddMonthsClamped(3),
		Meta: pdfMeta{Title: "Attestation", Author: "Caisse nationale des allocations familiales", Creator: "caf.fr",
			Date: edition.Time().Add(4e13)}}
}

// cafBody prints the certification text, the prestation table and, when
// the attestation has one, the quotient familial.
func cafBody(f *Flow, r *rand.Rand, kind string, p Person, ed coffre.Date, lay cafLayout, fields coffre.Fields) {
	f.Para(stBody, fmt.Sprintf("La Caisse d'allocations familiales certifie que %s %s %s, né(e) le %s, "+
		"allocataire sous le numéro indiqué ci-dessus, %s :", map[string]string{"M": "Monsieur", "F": "Madame"}[p.Sex],
		p.Surname, strings.Join(p.Given, " "), dateFmt(p.Birth, "slash"),
		map[string]string{"paiement": "a perçu les prestations suivantes", "qf": "est connu(e) de nos services",
			"droits": "a droit aux prestations suivantes"}[kind]))
	f.Gap(4)
	rows := [][]string{{"Prestation", "Période", "Date de paiement", "Montant"}}
	ps := r.Perm(len(prestations))[:1+r.IntN(3)]
	amounts := make([]int, len(ps))
	for i := range amounts {
		amounts[i] = 5000 + r.IntN(80000)
	}
	for m := 3; m >= 1; m-- {
		start := coffre.NewDate(ed.Year, ed.Month-time.Month(m), 1)
		for i, pr := range ps {
			rows = append(rows, []string{prestations[pr], months[start.Month-1] + " " + fmt.Sprint(start.Year),
				dateFmt(start.AddMonthsClamped(1).AddDays(4), "slash"), frMoney(amounts[i]) + " €"})
		}
	}
	if kind == "qf" {
		rows = rows[:1+len(ps)]
	}
	f.Table(stSmall, []float64{3, 1.4, 1.4, 1}, rows, true, lay.grid)
	if kind == "paiement" || kind == "droits" && r.IntN(2) == 0 {
		return
	}
	qf := 150 + r.IntN(1300)
	fields["quotient_familial"] = qf
	f.Gap(4)
	stQF := St{Size: 10, W: Bold}
	if r.IntN(2) == 0 {
		f.Line(stQF, fmt.Sprintf("Quotient familial : %d €", qf))
	} else {
		f.Para(stBody, fmt.Sprintf("Le quotient familial calculé pour le mois de %s %d est de : %d €",
			months[ed.Month-1], ed.Year, qf))
	}
}

// cafDate prints the edition date in the layout's wording.
func cafDate(f *Flow, lay cafLayout, c city, ed coffre.Date) {
	switch lay.dateForm {
	case "fait":
		f.Line(stBody, "Fait à "+titleCase(c.Name)+", le "+dateFmt(ed, "slash"))
	case "edite":
		f.Line(stBody, "Édité le "+dateFmt(ed, "slash"))
	default:
		f.Line(stBody, "Date d'édition : "+dateFmt(ed, "slash"))
	}
}
