package main

import (
	"fmt"
	"strings"
)

var (
	stTiny  = St{Size: 6.5}
	stSmall = St{Size: 7.5}
	stBody  = St{Size: 9}
	stBodyB = St{Size: 9, W: Bold}
	stHead  = St{Size: 11, W: Bold}
	stTitle = St{Size: 13, W: Bold}
)

// dgfipHeader draws the Marianne block and the tax office.
func dgfipHeader(d *Doc, office city) {
	d.Fill(15, 12, 11, 9, light)
	d.Put(15, 27, St{Size: 7, W: Bold}, "RÉPUBLIQUE")
	d.Put(15, 30, St{Size: 7, W: Bold}, "FRANÇAISE")
	d.Put(15, 33.5, St{Size: 5.5}, "Liberté Égalité Fraternité")
	d.Put(42, 17, St{Size: 8, W: Bold}, "DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES")
	f := Flow{D: d, X: 42, Y: 18, W: 70}
	f.Line(stSmall, "Centre des Finances Publiques")
	f.Line(stSmall, "SIP DE "+office.Name)
	f.Line(stSmall, fmt.Sprintf("%d RUE DES IMPÔTS", 2+len(office.Name)))
	f.Line(stSmall, office.CP+" "+office.Name+" CEDEX")
}

// addressBlock prints the addressee in the envelope window.
func addressBlock(d *Doc, x, y float64, a avisData) {
	f := Flow{D: d, X: x, Y: y, W: 85}
	line := a.decl[0].Civ() + " " + a.decl[0].FullUpper()
	if len(a.decl) > 1 {
		line = "M. ET MME " + a.decl[0].FullUpper()
	}
	f.Line(stBody, line)
	for _, l := range a.decl[0].AddressLines() {
		f.Line(stBody, l)
	}
}

// refsBlock prints "Vos références".
func refsBlock(d *Doc, x, y, w float64, a avisData) float64 {
	d.Box(x, y, w, 27, 0.3)
	f := Flow{D: d, X: x + 3, Y: y, W: w - 6}
	f.Line(stBodyB, "Vos références")
	f.KV(stSmall, stBodyB, "Numéro fiscal", groupFiscal(a.numFiscal), false)
	f.KV(stSmall, stBodyB, "Référence de l'avis", groupRef(a.reference), false)
	f.KV(stSmall, stSmall, "Numéro d'accès en ligne", groupFiscal(a.reference)[:10]+" 0"+a.numFiscal[9:13], false)
	f.Line(stTiny, "Vos démarches : impots.gouv.fr – Messagerie sécurisée")
	return y + 27
}

func avisTitle(a avisData, lay avisLayout) []string {
	n, y := a.year+1, a.year
	if a.kind == "asdir" {
		return []string{fmt.Sprintf("AVIS DE SITUATION DÉCLARATIVE À L'IMPÔT SUR LE REVENU %d", n),
			fmt.Sprintf("sur les revenus de l'année %d", y)}
	}
	if lay.longTitle {
		return []string{fmt.Sprintf("AVIS D'IMPÔT %d SUR LES REVENUS DE L'ANNÉE %d", n, y)}
	}
	return []string{fmt.Sprintf("Impôt sur le revenu – Avis d'impôt %d – Revenus %d", n, y)}
}

// avisPage lays out page 1 of an income-tax notice.
func avisPage(a avisData, lay avisLayout, fam string) *Doc {
	d := newA4(fam)
	dgfipHeader(d, a.sip)
	y := 55.0
	if lay.refsRight {
		refsBlock(d, 118, 12, 78, a)
		addressBlock(d, lay.addrX, 48, a)
	} else {
		addressBlock(d, lay.addrX, 45, a)
		y = refsBlock(d, 15, 52, 80, a) - 20
	}
	f := Flow{D: d, X: 15, Y: y + 20, W: 180}
	for _, t := range avisTitle(a, lay) {
		f.Line(St{Size: 12.5, W: Bold, Al: Center}, t)
	}
	f.Gap(3)
	if a.kind == "asdir" {
		asdirBody(&f, a, lay)
	} else {
		avisSummary(&f, a, lay)
		avisDetail(&f, a, lay)
	}
	f.Gap(4)
	f.Para(stTiny, avisLegal[0])
	f.Gap(2)
	f.Para(stTiny, avisLegal[a.legal])
	coupon(d, a)
	return d
}

// avisSummary prints the amount box and the household situation.
func avisSummary(f *Flow, a avisData, lay avisLayout) {
	top := f.Y
	f.Gap(1)
	head := fmt.Sprintf("Montant de votre impôt : %s €", frInt(a.impot))
	if a.impot == 0 {
		head = a.nonImp
	}
	f.Line(St{Size: 12, W: Bold, Al: Center}, head)
	f.Gap(2)
	inner := Flow{D: f.D, X: f.X + 5, Y: f.Y, W: f.W - 10}
	inner.KV(stBody, stBodyB, "Date de mise en recouvrement :", dateFmt(a.recouvr, "slash"), lay.leaders)
	inner.KV(stBody, stBodyB, "Date d'établissement :", dateFmt(a.etab, "slash"), lay.leaders)
	inner.KV(stBody, stBodyB, "Situation de famille", a.situation, lay.leaders)
	inner.KV(stBody, stBodyB, "Nombre de parts", frNum(a.parts), lay.leaders)
	inner.KV(stBody, stBodyB, "Nombre de personnes à charge", fmt.Sprint(a.pac), lay.leaders)
	inner.KV(stBody, stBodyB, "Revenu fiscal de référence", frInt(a.rfr)+" €", lay.leaders)
	f.Y = inner.Y + 3
	f.D.Box(f.X, top, f.W, f.Y-top, 0.4)
	f.Gap(4)
}

// avisDetail prints the calculation table.
func avisDetail(f *Flow, a avisData, lay avisLayout) {
	f.Line(stHead, "Détail de votre impôt")
	f.Gap(1)
	rows := [][]string{{"Revenus", "Déclarant 1", "Déclarant 2", "Foyer"}}
	sal := a.rbg * 9 / 10
	d2 := "-"
	if len(a.decl) > 1 {
		d2 = frInt(sal / 3)
		sal -= sal / 3
	}
	rows = append(rows,
		[]string{"Salaires, pensions, rentes", frInt(sal), d2, frInt(a.rbg * 9 / 10)},
		[]string{"Revenus de capitaux mobiliers", "", "", frInt(a.rbg - a.rbg*9/10)},
		[]string{"Revenu brut global", "", "", frInt(a.rbg)},
		[]string{"Revenu imposable", "", "", frInt(a.ri)},
		[]string{"Impôt sur le revenu net", "", "", frInt(a.impot)},
		[]string{"Prélèvement à la source déjà versé", "", "", frInt(a.impot - a.impot/12)},
		[]string{"Montant de votre impôt", "", "", frInt(a.impot)})
	f.Table(stSmall, []float64{3, 1.2, 1.2, 1.2}, rows, true, lay.leaders)
}

// asdirBody prints the situation déclarative grid.
func asdirBody(f *Flow, a avisData, lay avisLayout) {
	rows := [][]string{{"", "Déclarant 1", "Déclarant 2"}}
	get := func(i int, fn func(Person) string) string {
		if i < len(a.decl) {
			return fn(a.decl[i])
		}
		return ""
	}
	for _, row := range []struct {
		l  string
		fn func(Person) string
	}{
		{"Nom", func(p Person) string { return p.Surname }},
		{"Nom de naissance", func(p Person) string { return p.Surname }},
		{"Prénom(s)", func(p Person) string { return strings.Join(p.Given, " ") }},
		{"Date de naissance", func(p Person) string { return dateFmt(p.Birth, "slash") }},
	} {
		rows = append(rows, []string{row.l, get(0, row.fn), get(1, row.fn)})
	}
	f.Table(stSmall, []float64{2, 2, 2}, rows, true, true)
	f.Line(stBody, "Adresse au 1er janvier "+fmt.Sprint(a.year+1)+" : "+strings.Join(a.decl[0].AddressLines(), " "))
	f.Gap(2)
	for _, kv := range [][2]string{
		{"Date de mise en recouvrement de l'avis d'impôt", dateFmt(a.recouvr, "slash")},
		{"Date d'établissement", dateFmt(a.etab, "slash")},
		{"Nombre de part(s)", frNum(a.parts)},
		{"Situation de famille", a.situation},
		{"Nombre de personne(s) à charge", fmt.Sprint(a.pac)},
		{"Revenu brut global", frInt(a.rbg) + " €"},
		{"Revenu imposable", frInt(a.ri) + " €"},
		{"Impôt sur le revenu net avant corrections", frInt(a.impot) + " €"},
		{"Montant de l'impôt", frInt(a.impot) + " €"},
		{"Revenu fiscal de référence", frInt(a.rfr) + " €"},
	} {
		f.KV(stBody, stBodyB, kv[0], kv[1], lay.leaders)
	}
	f.Gap(3)
	f.Para(stSmall, "Ce document est établi à partir des éléments de votre déclaration et vaut justificatif "+
		"de votre situation déclarative. Son authenticité peut être vérifiée sur impots.gouv.fr "+
		"(service de vérification en ligne des avis).")
}

// coupon draws the detachable payment slip repeating the references.
func coupon(d *Doc, a avisData) {
	y := 250.0
	d.Put(105, y, St{Size: 7, Al: Center, C: gray}, strings.Repeat("- ", 60))
	f := Flow{D: d, X: 15, Y: y + 2, W: 180}
	f.Line(stSmall, "Talon à joindre à votre paiement si vous ne payez pas en ligne – ne pas plier")
	f.KV(stSmall, stBodyB, "Numéro fiscal :", groupFiscal(a.numFiscal), false)
	f.KV(stSmall, stBodyB, "Référence de l'avis :", groupRef(a.reference), false)
	f.KV(stSmall, stBodyB, "Montant à payer :", frInt(max(a.impot-a.impot*11/12, 0))+" €", false)
	f.Gap(4)
	d.Put(15, f.Y, St{Size: 9, W: OCR}, fmt.Sprintf("%s %s %s  %08d", a.numFiscal, a.reference, "2", a.rfr*7%99999999))
}
