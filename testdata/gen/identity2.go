package main

import (
	"math/rand/v2"
	"strings"

	"coffre"
)

// PasseportSpecimen is the data page of a French passport (ID-3).
func PasseportSpecimen(r *rand.Rand) Specimen {
	p, issue := holderAndIssue(r, 2017, 2026, 0)
	exp := validity(p, issue, 10, 5)
	num := digits(r, 2) + letters(r, 2) + digits(r, 5)
	fam := pick(r, familyNames)
	cd := designPasseport
	d := newSide(cd, fam, 5)
	header(d, "RÉPUBLIQUE FRANÇAISE", "PASSEPORT / PASSPORT")
	photo(d, 5, 16, 32, 40)
	c1, c2, c3 := 42.0, 72.0, 98.0
	cd.fields(d, []cardField{
		{"Type / Type", "P", c1, 17}, {"Code du pays / Country code", "FRA", c2, 17}, {"Passeport N° / Passport No.", num, c3, 17},
		{"Nom / Surname", p.Surname, c1, 25}, {"Prénoms / Given names", strings.Join(p.Given, ", "), c1, 32},
		{"Nationalité / Nationality", "Française", c1, 39}, {"Date de naissance / Date of birth", dateFmt(p.Birth, "space"), c2 + 8, 39},
		{"Sexe / Sex", p.Sex, c1, 46}, {"Lieu de naissance / Place of birth", titleCase(p.City.Name), c2 - 12, 46},
		{"Date de délivrance / Date of issue", dateFmt(issue, "space"), c1, 53},
		{"Date d'expiration / Date of expiry", dateFmt(exp, "space"), c2 + 8, 53},
		{"Autorité / Authority", "Préfecture " + deptPhrase(p.City), c1, 60},
	})
	mrz(d, mrzTD3(num, p, exp))
	return Specimen{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypePasseport, Layout: "passeport", Font: fam,
		Fields: idFields(p, num, "FRA", issue, exp), IssuedOn: issue, ExpiresOn: exp, Card: &Card{Recto: d}}
}

var sejourKinds = []struct {
	name  string
	years int
}{{"CARTE SEJOUR TEMPORAIRE", 1}, {"CARTE SEJOUR PLURIANNUELLE", 4}, {"CARTE DE RESIDENT", 10}}

// SejourSpecimen is a residence permit card (titre de séjour, ID-1).
func SejourSpecimen(r *rand.Rand) Specimen {
	p, issue := holderAndIssue(r, 2017, 2026, 16)
	p.Given = p.Given[:1]
	kind := pick(r, sejourKinds)
	exp := issue.AddYearsClamped(kind.years).AddDays(-1)
	nat := pick(r, nationalities)
	num := letters(r, 2) + digits(r, 7)
	fam := pick(r, familyNames)
	cd := designSejour
	re := newSide(cd, fam, 6)
	header(re, "RÉPUBLIQUE FRANÇAISE", "TITRE DE SEJOUR / RESIDENCE PERMIT")
	photo(re, 4, 13, 22, 29)
	cd.fields(re, []cardField{
		{"NOM / Surname", p.Surname, 30, 15}, {"Prénoms / Given names", strings.Join(p.Given, ", "), 30, 21},
		{"SEXE / Sex", p.Sex, 30, 27}, {"NATIONALITÉ / Nationality", nat, 42, 27},
		{"DATE DE NAISS. / Date of birth", dateFmt(p.Birth, "space"), 60, 27},
		{"TYPE DU TITRE / Type of permit", kind.name, 30, 33},
		{"VALABLE JUSQU'AU / Valid until", dateFmt(exp, "space"), 30, 39},
		{"N° DU DOCUMENT / Document No.", num, 58, 39},
		{"REMARQUES / Remarks", pick(r, []string{"SALARIÉ", "VIE PRIVÉE ET FAMILIALE", "ÉTUDIANT", "TRAVAILLEUR TEMPORAIRE"}), 30, 45},
	})
	ve := newSide(cd, fam, 7)
	cd.fields(ve, []cardField{
		{"ADRESSE / Address", strings.ToUpper(p.Street) + ", " + p.City.CP + " " + p.City.Name, 5, 6},
		{"DATE DE DÉLIVRANCE / Date of issue", dateFmt(issue, "space"), 5, 13},
		{"LIEU DE DÉLIVRANCE / Place of issue", "PRÉFECTURE " + strings.ToUpper(deptPhrase(p.City)), 40, 13},
	})
	mrz(ve, mrzTD1("IR", num, p, exp, nat))
	return Specimen{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypeTitreSejour, Layout: "sejour", Font: fam,
		Fields: idFields(p, num, nat, issue, exp), IssuedOn: issue, ExpiresOn: exp,
		Card: &Card{Recto: re, Verso: ve, VersoKeys: []string{"issue_date"}}}
}
