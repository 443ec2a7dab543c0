package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var employers = []string{"SARL BOULANGERIE DU CENTRE", "SAS PROPRETÉ SERVICES PLUS", "ASSOCIATION AIDE À DOMICILE 33",
	"SA TRANSPORTS MOREAU", "EHPAD LES GLYCINES"}

func bulletinPaie(r *rand.Rand, p Person) letter {
	d := ymd(2025+r.IntN(2), 1+r.IntN(12), 1)
	brut := 180000 + r.IntN(120000)
	cot := brut * 22 / 100
	net := brut - cot
	impo := net + brut*29/1000
	pas := impo * (r.IntN(60)) / 1000
	end := d.AddMonthsClamped(1).AddDays(-1)
	return letter{Org: []string{pick(r, employers), p.City.CP + " " + p.City.Name, "SIRET : " + digits(r, 14),
		"Code APE : " + digits(r, 4) + letters(r, 1), "URSSAF " + p.City.Dept},
		Refs: [][2]string{{"Période :", "du " + dateFmt(d, "slash") + " au " + dateFmt(end, "slash")},
			{"Date de paiement :", dateFmt(end, "slash")}, {"Matricule :", digits(r, 5)},
			{"Emploi :", pick(r, []string{"Agent d'entretien", "Vendeur(se)", "Aide à domicile", "Chauffeur"})}},
		To:    addressee(p),
		Title: []string{"BULLETIN DE PAIE"},
		Table: [][]string{{"Rubrique", "Base", "Taux", "Montant"},
			{"Salaire de base", "151,67", frMoney(brut / 151), frMoney(brut)},
			{"Santé – complémentaire", frMoney(brut), "1,20", frMoney(brut * 12 / 1000)},
			{"Retraite sécurité sociale plafonnée", frMoney(brut), "6,90", frMoney(brut * 69 / 1000)},
			{"Retraite complémentaire T1", frMoney(brut), "4,01", frMoney(brut * 401 / 10000)},
			{"CSG déductible", frMoney(brut * 9825 / 10000), "6,80", frMoney(brut * 668 / 10000)},
			{"CSG/CRDS non déductible", frMoney(brut * 9825 / 10000), "2,90", frMoney(brut * 285 / 10000)},
			{"Total des cotisations salariales", "", "", frMoney(cot)}},
		Widths: []float64{3, 1.2, 0.8, 1.2},
		Totals: [][2]string{{"Net à payer avant impôt sur le revenu", frMoney(net) + " €"}, {"Net imposable", frMoney(impo) + " €"},
			{fmt.Sprintf("Impôt sur le revenu prélevé à la source (taux %s %%)", frNum(float64(pas)*100/float64(max(impo, 1)))), frMoney(pas) + " €"},
			{"Net à payer", frMoney(net-pas) + " €"}},
		Paras:  []string{"Dans votre intérêt et pour vous aider à faire valoir vos droits, conservez ce bulletin de paie sans limitation de durée."},
		Footer: "Convention collective nationale applicable – Congés payés acquis : " + frNum(float64(r.IntN(50))/2) + " jours"}
}

var pieces = []string{"votre dernier avis d'imposition", "un justificatif de domicile de moins de trois mois",
	"vos trois derniers bulletins de salaire", "votre relevé d'identité bancaire (RIB)",
	"le formulaire de déclaration trimestrielle de ressources complété et signé", "une copie de votre titre de séjour en cours de validité"}

func courrierCAF(r *rand.Rand, p Person) letter {
	d := ymd(2025+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
	list := make([]string, 0, 3)
	for _, i := range r.Perm(len(pieces))[:3] {
		list = append(list, "– "+pieces[i])
	}
	return letter{Org: []string{"Caisse d'allocations familiales", deptPhrase(p.City), p.City.CP + " " + p.City.Name + " CEDEX", "caf.fr"},
		Refs: [][2]string{{"N° allocataire :", fmt.Sprint(1+r.IntN(9)) + digits(r, 6)}, {"Dossier suivi par :", "Service Prestations"},
			{"Le :", dateFmt(d, "slash")}},
		To:    addressee(p),
		Title: []string{"Votre dossier"},
		Paras: []string{map[string]string{"M": "Monsieur,", "F": "Madame,"}[p.Sex],
			"Nous vous informons que l'étude de vos droits nécessite des informations complémentaires. " +
				"Afin de poursuivre le traitement de votre dossier, nous vous remercions de nous transmettre les pièces ci-dessous.",
			"Pièces à fournir : " + strings.Join(list, " "),
			"Sans réponse de votre part dans un délai d'un mois, le versement de vos prestations pourra être suspendu. " +
				"Vous pouvez déposer ces documents dans votre Espace Mon Compte sur caf.fr.",
			"Nous vous prions d'agréer, " + map[string]string{"M": "Monsieur", "F": "Madame"}[p.Sex] + ", l'expression de nos salutations distinguées.",
			"Votre conseiller Caf"},
		Footer: "Ce courrier n'est pas une attestation et ne peut pas servir de justificatif."}
}

var dishes = []string{"Carottes râpées", "Poulet rôti", "Haricots verts", "Yaourt nature", "Lasagnes", "Salade verte",
	"Poisson pané", "Purée de pommes de terre", "Compote de pommes", "Taboulé", "Omelette", "Riz pilaf", "Fromage blanc"}

func pageSansRapport(r *rand.Rand, p Person) letter {
	d := ymd(2025+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
	school := []string{"École élémentaire Jules Ferry", fmt.Sprintf("%d rue des Écoles", 1+r.IntN(30)), p.City.CP + " " + p.City.Name}
	if r.IntN(2) == 0 {
		rows := [][]string{{"Jour", "Entrée", "Plat", "Accompagnement", "Dessert"}}
		for _, j := range []string{"Lundi", "Mardi", "Jeudi", "Vendredi"} {
			rows = append(rows, []string{j, pick(r, dishes), pick(r, dishes), pick(r, dishes), pick(r, dishes)})
		}
		return letter{Org: school, Title: []string{"Menu de la restauration scolaire", "Semaine du " + dateFmt(d, "long")},
			Table: rows, Widths: []float64{1, 1.5, 1.5, 1.5, 1.5},
			Paras: []string{"Les menus sont susceptibles de modifications en fonction des approvisionnements. " +
				"Produits issus de l'agriculture biologique signalés par un astérisque."}}
	}
	return letter{Org: school, To: []string{"Aux parents d'élèves"}, Title: []string{"Sortie scolaire au musée"},
		KVs: [][2]string{{"Date :", dateFmt(d, "long")}, {"Départ :", "8 h 45"}, {"Participation :", "5 €"}},
		Paras: []string{"Madame, Monsieur, dans le cadre du projet de classe, les élèves de CE2 se rendront au musée " +
			"des Beaux-Arts. Merci de fournir un pique-nique et de retourner le coupon ci-dessous avant le vendredi.",
			"Je soussigné(e) ………………………… autorise mon enfant ………………………… à participer à la sortie.",
			"Signature des parents :"}}
}
