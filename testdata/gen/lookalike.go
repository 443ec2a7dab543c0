package main

import (
	"fmt"
	"math/rand/v2"

	"coffre"
)

// lookalikes builds the letter of each look-alike document.
var lookalikes = map[string]func(*rand.Rand, Person) letter{
	"taxe_fonciere":       taxeFonciere,
	"taxe_habitation":     taxeHabitation,
	"facture_electricite": factureElec,
	"bulletin_paie":       bulletinPaie,
	"courrier_caf":        courrierCAF,
	"page_sans_rapport":   pageSansRapport,
	"page_blanche":        func(*rand.Rand, Person) letter { return letter{} },
}

// LookalikeSpecimen builds a document that is none of the justificatifs.
func LookalikeSpecimen(r *rand.Rand, name string) Specimen {
	fam := pick(r, familyNames)
	d := newA4(fam)
	p := newPerson(r, 1950, 2003)
	lookalikes[name](r, p).render(d, r.IntN(2) == 0)
	return Specimen{Type: coffre.TypeUnknown, Lookalike: name, Layout: name, Font: fam, Pages: []*Doc{d},
		Fields: coffre.Fields{}, Meta: pdfMeta{Title: name, Author: "coffre-gen", Creator: "coffre-gen",
			Date: ymd(2026, 1+r.IntN(10), 1+r.IntN(28)).Time()}}
}

func addressee(p Person) []string {
	return append([]string{p.Civ() + " " + p.FullUpper()}, p.AddressLines()...)
}

func dgfipOrg(c city) []string {
	return []string{"DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES", "Centre des Finances Publiques",
		"SIP DE " + c.Name, c.CP + " " + c.Name + " CEDEX", "impots.gouv.fr"}
}

// localTax is the shared body of the taxe foncière / d'habitation notices.
func localTax(r *rand.Rand, p Person, title, base string) letter {
	year := 2022 + r.IntN(4)
	num := fmt.Sprint(r.IntN(4)) + digits(r, 12)
	ref := fmt.Sprintf("%02d", year%100) + digits(r, 11)
	rows := [][]string{{"", "Commune", "Syndicat", "Intercommunalité", "Taxe GEMAPI", "Total"}}
	bases := 1200 + r.IntN(3000)
	taux := []float64{21 + r.Float64()*20, 0.5 + r.Float64(), 2 + r.Float64()*5, 0.2 + r.Float64()/3}
	rows = append(rows, []string{"Taux " + fmt.Sprint(year), frNum(taux[0]) + " %", frNum(taux[1]) + " %",
		frNum(taux[2]) + " %", frNum(taux[3]) + " %", ""})
	rows = append(rows, []string{base, frInt(bases), frInt(bases), frInt(bases), frInt(bases), ""})
	tot := 0
	cots := []string{"Cotisations"}
	for _, t := range taux {
		c := int(float64(bases) * t / 100)
		tot += c
		cots = append(cots, frInt(c))
	}
	rows = append(rows, append(cots, frInt(tot)))
	due := ymd(year, 10, 15)
	return letter{Org: dgfipOrg(p.City), To: addressee(p),
		Refs:  [][2]string{{"Numéro fiscal", groupFiscal(num)}, {"Référence de l'avis", groupRef(ref)}, {"N° de rôle", digits(r, 3)}},
		Title: []string{fmt.Sprintf("AVIS D'IMPÔT %d", year), title},
		KVs: [][2]string{{"Date de mise en recouvrement :", dateFmt(ymd(year, 8, 31), "slash")},
			{"Date limite de paiement :", dateFmt(due, "slash")}, {"Montant de votre impôt :", frInt(tot) + " €"},
			{"Commune :", p.City.Name}, {"Adresse du bien :", p.Street}},
		Table: rows, Widths: []float64{2, 1, 1, 1.3, 1, 1},
		Paras: []string{"Frais de gestion de la fiscalité directe locale inclus. Si vous êtes mensualisé(e), " +
			"ne payez pas cet avis : les prélèvements se poursuivront automatiquement.", avisLegal[3]},
		Footer: "Pour payer en ligne, connectez-vous à impots.gouv.fr. Conservez cet avis pendant trois ans."}
}

func taxeFonciere(r *rand.Rand, p Person) letter {
	return localTax(r, p, pick(r, []string{"TAXES FONCIÈRES", "TAXE FONCIÈRE SUR LES PROPRIÉTÉS BÂTIES"}), "Base d'imposition")
}

func taxeHabitation(r *rand.Rand, p Person) letter {
	return localTax(r, p, "TAXE D'HABITATION SUR LES RÉSIDENCES SECONDAIRES", "Valeur locative nette")
}

func factureElec(r *rand.Rand, p Person) letter {
	d := ymd(2025+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
	kwh := 150 + r.IntN(900)
	ht := kwh*2516/10 + 1473*2
	tva := ht * 20 / 100
	return letter{Org: []string{"VOLTA ÉNERGIE", "Service Clients – TSA 21941", "76934 ROUEN CEDEX 9", "Tél. 09 69 32 15 15"},
		Refs: [][2]string{{"Vos références", ""}, {"Référence client", digits(r, 10)}, {"N° de compte", digits(r, 8)},
			{"Facture n°", digits(r, 11)}},
		To:    addressee(p),
		Title: []string{"Facture du " + dateFmt(d, "slash")},
		KVs: [][2]string{{"Période de consommation", "du " + dateFmt(d.AddMonthsClamped(-2), "slash") + " au " + dateFmt(d.AddDays(-3), "slash")},
			{"Consommation :", frInt(kwh) + " kWh"}, {"Point de livraison (PDL) :", digits(r, 14)},
			{"Puissance souscrite :", fmt.Sprint(3*(1+r.IntN(3))) + " kVA"}, {"Option tarifaire :", pick(r, []string{"Base", "Heures creuses"})}},
		Table: [][]string{{"Désignation", "Quantité", "Prix unitaire", "Montant HT"},
			{"Abonnement (2 mois)", "2", "14,73", frMoney(2946)}, {"Consommation", frInt(kwh) + " kWh", "0,2516", frMoney(kwh * 2516 / 100)},
			{"Accise sur l'électricité", frInt(kwh) + " kWh", "0,0337", frMoney(kwh * 337 / 100)}, {"TVA 20 %", "", "", frMoney(tva)}},
		Widths: []float64{3, 1.2, 1.2, 1.2},
		Totals: [][2]string{{"Montant TTC :", frMoney(ht+tva+kwh*337/100) + " €"},
			{"Prélevé le :", dateFmt(d.AddDays(14), "slash")}},
		Paras:  []string{"Votre prochaine facture sera établie sur la base d'un relevé réel de votre compteur communicant."},
		Footer: "Volta Énergie SA au capital de 1 000 000 € – RCS Paris 552 081 317 – médiateur national de l'énergie : energie-mediateur.fr"}
}
