package classifiers

import "coffre"

// Documents that share words, identifiers or issuers with the accepted
// types but are not accepted proofs. Each is scored like an accepted type,
// on several signals, so that it wins over the type it resembles only when
// the document really is one; Classify then answers unknown.
func init() {
	for _, l := range []refused{
		{"taxe_fonciere", []signal{
			{name: "title", weight: 0.5, phrases: []string{"taxe fonciere", "taxes foncieres"}},
			{name: "bati", weight: 0.2, phrases: []string{"proprietes baties", "proprietes non baties", "foncier bati", "foncier non bati"}},
			{name: "bien", weight: 0.15, phrases: []string{"adresse du bien", "revenu cadastral", "designation des biens", "locaux"}},
			{name: "collectivites", weight: 0.15, phrases: []string{"intercommunalite", "syndicats", "taxe speciale d'equipement", "ordures menageres"}},
			{name: "base", weight: 0.1, phrases: []string{"base d'imposition", "taux d'imposition", "cotisations"}},
		}},
		{"taxe_habitation", []signal{
			{name: "title", weight: 0.5, phrases: []string{"taxe d'habitation"}},
			{name: "residence", weight: 0.2, phrases: []string{"residence secondaire", "residences secondaires", "habitation principale", "local d'habitation"}},
			{name: "valeur", weight: 0.15, phrases: []string{"valeur locative", "base nette d'imposition"}},
			{name: "collectivites", weight: 0.15, phrases: []string{"intercommunalite", "commune", "taxe speciale d'equipement", "audiovisuel public"}},
			{name: "base", weight: 0.1, phrases: []string{"base d'imposition", "taux d'imposition", "cotisations"}},
		}},
		{"bulletin_paie", []signal{
			{name: "title", weight: 0.45, phrases: []string{"bulletin de paie", "bulletin de salaire", "fiche de paie"}},
			{name: "net", weight: 0.2, phrases: []string{"net a payer", "net paye", "net imposable", "net social"}},
			{name: "brut", weight: 0.15, phrases: []string{"salaire brut", "salaire de base", "brut mensuel"}},
			{name: "cotisations", weight: 0.15, phrases: []string{"cotisations salariales", "part salariale", "part patronale", "cotisations et contributions", "urssaf"}},
			{name: "employer", weight: 0.1, words: []string{"siret", "ape", "naf"}, phrases: []string{"convention collective", "employeur", "date d'entree"}},
			{name: "period", weight: 0.1, phrases: []string{"periode de paie", "periode du", "conges payes", "heures travaillees"}},
		}},
		{"facture", []signal{
			{name: "title", weight: 0.35, words: []string{"facture"}, phrases: []string{"echeancier"}},
			{name: "energy", weight: 0.25, words: []string{"kwh", "electricite", "gaz", "abonnement"}, phrases: []string{"consommation", "point de livraison", "reference acheminement", "lieu de consommation"}},
			{name: "billing", weight: 0.2, phrases: []string{"montant ttc", "total ttc", "montant ht", "tva", "date limite de paiement", "prelevement le"}},
			{name: "account", weight: 0.15, phrases: []string{"compte client", "compte de facturation", "vos references", "numero de contrat", "n° client"}},
			{name: "supplier", weight: 0.1, words: []string{"edf", "engie", "totalenergies", "veolia", "orange", "sfr"}},
		}},
		{"courrier", []signal{
			{name: "salutation", weight: 0.25, phrases: []string{"madame, monsieur", "madame monsieur", "cher allocataire", "chere allocataire"}},
			{name: "request", weight: 0.3, phrases: []string{"pieces a fournir", "pieces justificatives", "merci de nous retourner", "nous vous demandons", "nous avons besoin", "veuillez nous transmettre", "merci de nous faire parvenir"}},
			{name: "inform", weight: 0.2, phrases: []string{"nous vous informons", "nous avons bien recu", "nous avons etudie", "suite a votre demande", "votre demande"}},
			{name: "dossier", weight: 0.15, phrases: []string{"votre dossier", "votre situation", "objet :"}},
			{name: "closing", weight: 0.2, phrases: []string{"veuillez agreer", "nos salutations", "nos sinceres salutations", "cordialement", "salutations distinguees"}},
		}},
		{"attestation_autre_organisme", []signal{
			{name: "body", weight: 0.45, words: []string{"cpam", "msa"}, phrases: []string{"france travail", "pole emploi", "assurance maladie", "mutualite sociale agricole", "caisse primaire", "assurance retraite", "carsat"}},
			{name: "title", weight: 0.25, phrases: []string{"attestation de paiement", "attestation de droits", "attestation de periodes", "releve de situation"}},
			{name: "jobseeker", weight: 0.2, phrases: []string{"demandeur d'emploi", "identifiant", "allocation d'aide au retour a l'emploi", "indemnites journalieres", "numero de securite sociale"}},
		}},
		// Attestations that a person or an employer writes share the CAF
		// attestation's words (« certifie que », a mention of the CAF).
		{"attestation_tiers", []signal{
			{name: "title", weight: 0.6, headings: []string{"attestation d'hebergement", "attestation employeur", "attestation de l'employeur", "attestation de salaire", "attestation sur l'honneur", "attestation de domicile", "attestation de scolarite", "certificat de scolarite", "attestation d'assurance"}},
			{name: "soussigne", weight: 0.2, phrases: []string{"je soussigne", "je soussignee"}},
			{name: "signature", weight: 0.1, phrases: []string{"signature"}},
		}},
		{"autre_titre", []signal{
			{name: "title", weight: 0.6, phrases: []string{"permis de conduire", "driving licence", "certificat d'immatriculation", "carte grise", "carte vitale", "carte d'electeur", "livret de famille"}},
			{name: "labels", weight: 0.2, phrases: []string{"categories", "immatriculation", "genre national", "puissance fiscale", "bureau de vote"}},
			{name: "republique", weight: 0.1, phrases: []string{"republique francaise"}},
		}},
		{"declaration_revenus", []signal{
			{name: "title", weight: 0.5, phrases: []string{"declaration des revenus", "declaration de revenus", "formulaire 2042"}},
			{name: "form", weight: 0.3, words: []string{"cerfa"}, phrases: []string{"a remplir", "cases", "cochez"}},
			{name: "sign", weight: 0.2, phrases: []string{"date et signature", "je certifie"}},
		}},
	} {
		registerLookalike(l)
	}
}

// refused is the classifier of a kind of document: it only
// scores.
type refused struct {
	kind    string
	signals []signal
}

func (l refused) Type() coffre.DocType           { return coffre.DocType(l.kind) }
func (l refused) Score(d *Doc) (float64, string) { return weigh(d, l.signals) }
func (l refused) Extract(*Doc) Result            { return Result{} }
