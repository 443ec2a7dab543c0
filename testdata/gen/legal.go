package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var avisLegal = []string{
	"Le montant de votre impôt a été calculé à partir des informations que vous avez déclarées. " +
		"En cas de désaccord, vous pouvez présenter une réclamation jusqu'au 31 décembre de la deuxième année " +
		"suivant celle de la mise en recouvrement. Pour toute question, connectez-vous à votre espace particulier " +
		"sur impots.gouv.fr ou contactez votre centre des finances publiques.",
	"Prélèvement à la source : votre taux de prélèvement a été actualisé à partir de cette déclaration et " +
		"s'appliquera à compter du mois de septembre. Vous pouvez le modifier à tout moment dans la rubrique " +
		"« Gérer mon prélèvement à la source ».",
	"Revenu fiscal de référence : ce montant peut vous permettre de bénéficier de certaines prestations ou " +
		"exonérations (tarifs sociaux, bourses, chèque énergie). Conservez cet avis : il vous sera demandé " +
		"pour justifier de vos ressources.",
	"Les données vous concernant font l'objet d'un traitement informatique. Conformément au règlement " +
		"général sur la protection des données, vous disposez d'un droit d'accès et de rectification auprès " +
		"de votre centre des finances publiques.",
	"Paiement : si votre impôt reste à payer, il sera prélevé automatiquement sur votre compte bancaire. " +
		"Le paiement en ligne, par smartphone ou par prélèvement est obligatoire au-delà de 300 €.",
}

var cafLegal = []string{
	"Cette attestation est établie pour servir et valoir ce que de droit. Elle est délivrée sur la base " +
		"des informations connues de la Caf à la date d'édition et ne préjuge pas d'un éventuel contrôle.",
	"Toute fausse déclaration expose à des poursuites et au remboursement des sommes indûment perçues " +
		"(articles L114-13 et L114-17 du Code de la sécurité sociale).",
	"Vous pouvez consulter vos paiements et télécharger vos attestations dans votre Espace Mon Compte sur " +
		"caf.fr ou sur l'application mobile Caf - Mon Compte.",
	"Conformément à la loi informatique et libertés, vous disposez d'un droit d'accès et de rectification " +
		"aux informations vous concernant auprès de votre Caf.",
}

// legalPage is a closing page of informational paragraphs.
func legalPage(r *rand.Rand, fam string, paras []string, site string, n int) *Doc {
	d := newA4(fam)
	f := Flow{D: d, X: 20, Y: 20, W: 170}
	f.Line(stHead, "Informations utiles")
	f.Gap(4)
	for i := range paras {
		p := paras[(i+r.IntN(2))%len(paras)]
		f.Line(stBodyB, fmt.Sprintf("%d. %s", i+1, firstWords(p, 4)))
		f.Para(stBody, p)
		f.Gap(4)
	}
	d.Put(105, 285, St{Size: 7, Al: Center, C: gray}, fmt.Sprintf("%s – page %d/%d", site, n, n))
	return d
}

// firstWords returns the first n words of s followed by an ellipsis.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return s
	}
	return strings.Join(w[:n], " ") + "…"
}
