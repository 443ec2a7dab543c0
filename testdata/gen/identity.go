package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"coffre"
)

var nationalities = []string{"DZA", "MAR", "TUN", "SEN", "MLI", "CIV", "CMR", "TUR", "CHN", "HTI", "COM", "UKR"}

// alnum returns n random capitals and digits.
func alnum(r *rand.Rand, n int) string {
	const set = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// idFields is the ground truth common to identity documents.
func idFields(p Person, number, nat string, issue, expiry coffre.Date) coffre.Fields {
	return coffre.Fields{"document_number": number, "surname": p.Surname, "given_names": p.Given,
		"birth_date": p.Birth, "expiry_date": expiry, "issue_date": issue, "sex": p.Sex, "nationality": nat}
}

// holderAndIssue draws a holder and an issue date when they were at least minAge.
func holderAndIssue(r *rand.Rand, from, to int, minAge int) (Person, coffre.Date) {
	issue := randDate(r, ymd(from, 1, 1), ymd(to, 10, 31))
	p := newPerson(r, 1940, min(issue.Year-minAge, 2010))
	return p, issue
}

func validity(p Person, issue coffre.Date, adult, minor int) coffre.Date {
	n := adult
	if ageOn(p.Birth, issue) < 18 {
		n = minor
	}
	return issue.AddYearsClamped(n).AddDays(-1)
}

// NewCNISpecimen is the ID-1 identity card issued since 2021.
func NewCNISpecimen(r *rand.Rand) Specimen {
	p, issue := holderAndIssue(r, 2021, 2026, 1)
	p.Given = p.Given[:min(len(p.Given), 2)]
	exp := validity(p, issue, 10, 5)
	num := alnum(r, 9)
	fam := pick(r, familyNames)
	cd := designNewCNI
	re := newSide(cd, fam, 1)
	header(re, "RÉPUBLIQUE FRANÇAISE", "CARTE NATIONALE D'IDENTITÉ / IDENTITY CARD")
	photo(re, 4, 13, 22, 29)
	cd.fields(re, []cardField{
		{"NOM / Surname", p.Surname, 30, 15}, {"Prénoms / Given names", strings.Join(p.Given, ", "), 30, 22},
		{"SEXE / Sex", p.Sex, 30, 29}, {"NATIONALITÉ / Nationality", "FRA", 42, 29},
		{"DATE DE NAISS. / Date of birth", dateFmt(p.Birth, "space"), 60, 29},
		{"LIEU DE NAISSANCE / Place of birth", titleCase(p.City.Name) + " (" + p.City.DeptNo + ")", 30, 36},
		{"N° DU DOCUMENT / Document No.", num, 30, 43}, {"DATE D'EXPIR. / Expiry date", dateFmt(exp, "space"), 62, 43},
	})
	re.Put(82, 52, St{Size: 6, W: Mono, Al: Right}, digits(r, 6))
	ve := newSide(cd, fam, 2)
	cd.fields(ve, []cardField{
		{"ADRESSE / Address", strings.ToUpper(p.Street), 5, 6}, {"", p.City.CP + " " + p.City.Name, 5, 10},
		{"DATE DE DÉLIVR. / Date of issue", dateFmt(issue, "space"), 5, 17},
		{"AUTORITÉ / Authority", "Préfecture " + deptPhrase(p.City), 40, 17},
	})
	mrz(ve, mrzTD1("ID", num, p, exp, "FRA"))
	return Specimen{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypeCNI, Layout: "cni-new", Font: fam,
		Fields: idFields(p, num, "FRA", issue, exp), IssuedOn: issue, ExpiresOn: exp,
		Card: &Card{Recto: re, Verso: ve, VersoKeys: []string{"issue_date"}}}
}

// OldCNISpecimen is the laminated card (issued until 2021), whose
// validity was extended by five years for adults issued 2004-2013.
func OldCNISpecimen(r *rand.Rand) Specimen {
	p, issue := holderAndIssue(r, 2005, 2020, 2)
	p.Given = p.Given[:min(len(p.Given), 2)]
	exp := issue.AddYearsClamped(10).AddDays(-1)
	office := fmt.Sprintf("%03s", p.City.DeptNo)
	num := fmt.Sprintf("%02d%02d", issue.Year%100, issue.Month) + office + digits(r, 5)
	fam := pick(r, familyNames)
	cd := designOldCNI
	re := newSide(cd, fam, 3)
	re.Put(5, 6, St{Size: 7, W: Bold}, "RÉPUBLIQUE FRANÇAISE")
	re.Put(5, 11, St{Size: 8, W: Bold}, "CARTE NATIONALE D'IDENTITÉ N° : "+num)
	re.Put(5, 15, St{Size: 6.5}, "Nationalité Française")
	photo(re, 5, 18, 26, 33)
	given := strings.Join(p.Given, ", ")
	cd.fields(re, []cardField{{"Nom :", p.Surname, 36, 22}, {"Prénom(s) :", given, 36, 28}, {"Sexe :", p.Sex, 36, 34},
		{"Né(e) le :", dateFmt(p.Birth, "dot"), 36, 40}, {"à :", titleCase(p.City.Name) + " (" + p.City.DeptNo + ")", 36, 46},
		{"Taille :", fmt.Sprintf("1,%02dm", 55+r.IntN(35)), 36, 52}})
	mrz(re, mrzOldCNI(num, office+digits(r, 3), p))
	ve := newSide(cd, fam, 4)
	cd.fields(ve, []cardField{{"Adresse :", p.Street, 6, 12}, {"", p.City.CP + " " + p.City.Name, 20, 17},
		{"Carte valable jusqu'au :", dateFmt(exp, "dot"), 6, 28}, {"délivrée le :", dateFmt(issue, "dot"), 6, 35},
		{"par :", "PRÉFECTURE " + strings.ToUpper(deptPhrase(p.City)) + " (" + p.City.DeptNo + ")", 6, 42},
		{"Signature de l'autorité :", "", 6, 52}})
	ve.Els = append(ve.Els, Ellipse{X: 80, Y: 56, RX: 11, RY: 11, Fill: rgb(200, 190, 215)})
	truthExp := exp
	if !issue.Before(ymd(2004, 1, 2)) && !issue.After(ymd(2013, 12, 31)) && ageOn(p.Birth, issue) >= 18 {
		truthExp = exp.AddYearsClamped(5)
	}
	return Specimen{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypeCNI, Layout: "cni-old", Font: fam,
		Fields: idFields(p, num, "FRA", issue, exp), IssuedOn: issue, ExpiresOn: truthExp,
		Card: &Card{Recto: re, Verso: ve}}
}
