package classifiers

import (
	"regexp"

	"coffre"
)

func init() { register(attestationCAF{}) }

// attestationCAF recognises the CAF's attestations (de paiement, de
// quotient familial, de droits) and refuses its ordinary letters and other
// bodies' payment attestations.
type attestationCAF struct{}

func (attestationCAF) Type() coffre.DocType { return coffre.TypeAttestationCAF }

var (
	labelsAllocataire = []string{"numero allocataire", "n° allocataire", "allocataire n°", "numero de dossier", "matricule"}
	labelsEdition     = []string{"date d'edition", "edite le", "edition du", "fait a", "etablie le"}
)

var (
	cafIssuer  = []string{"caisse d'allocations familiales", "caisse des allocations familiales"}
	cafWords   = []string{"caf"}
	cafPhrases = []string{"caf.fr", "caf de", "caf du", "caf des"}
)

var cafSignals = []signal{
	// An attestation says so in its title, and again in the sentence that
	// makes it one ("la Caf certifie que…"): OCR may drop a title set
	// apart in large print, rarely both. The CAF must be the one that
	// certifies: a host's attestation d'hébergement certifies too, and
	// may name the CAF.
	{name: "title", weight: 0.35, required: true, headings: []string{"attestation de paiement", "attestation de quotient familial", "attestation de droits", "attestation de situation", "attestation de prestations", "attestation d'allocataire", "attestation"},
		phrases: []string{"allocations familiales certifie", "allocations familiales atteste", "caf certifie", "caf atteste"}},
	{name: "issuer", weight: 0.3, phrases: cafIssuer},
	{name: "caf", weight: 0.15, words: cafWords, phrases: cafPhrases},
	// The MSA pays family benefits too, to farmers, with the same
	// attestations: one from the CAF names it.
	{name: "from_caf", required: true, words: cafWords, phrases: concat(cafIssuer, cafPhrases)},
	{name: "allocataire", weight: 0.15, phrases: []string{"allocataire", "matricule"}},
	{name: "quotient", weight: 0.1, phrases: []string{"quotient familial"}},
	{name: "benefits", weight: 0.1, words: []string{"apl", "als", "alf", "rsa", "paje", "aah"},
		phrases: []string{"prime d'activite", "allocation de logement", "allocations familiales", "montant verse", "prestations"}},
}

func (attestationCAF) Score(d *Doc) (float64, string) { return weigh(d, cafSignals) }

func (attestationCAF) Extract(d *Doc) Result {
	f := coffre.Fields{}
	// Usually 7 digits; 6 to 8 keeps postcodes (5) and phone numbers (10) out.
	if n, ok := valueAfter(d, labelsAllocataire, digitsParser(6, 8)); ok {
		f["numero_allocataire"] = n
	} else if n, ok := loneAllocataire(d); ok {
		f["numero_allocataire"] = n
	}
	if v, ok := editionDate(d); ok {
		f["date_edition"] = v
	}
	if v, ok := valueAfter(d, []string{"quotient familial"}, parseEuros); ok {
		f["quotient_familial"] = v
	}
	r := Result{Fields: f, Confidence: share(f, "numero_allocataire", "date_edition")}
	r.IssuedOn, _ = f["date_edition"].(coffre.Date)
	return r
}

// placeDateRe finds a letter-style date line: "Lyon, le 5 octobre 2026".
var placeDateRe = regexp.MustCompile(`(?:^|, ?)le (.*)$`)

// editionDate reads the issue date from its label, else from a
// "<place>, le <date>" line.
func editionDate(d *Doc) (coffre.Date, bool) {
	if v, ok := valueAfter(d, labelsEdition, parseDate); ok {
		return v, true
	}
	for _, l := range d.Lines {
		if m := placeDateRe.FindStringSubmatch(l); m != nil {
			if v, ok := parseDate(m[1]); ok {
				return v, true
			}
		}
	}
	return coffre.Date{}, false
}

// loneNumberRe is a line holding only a 6-8 digit number.
var loneNumberRe = regexp.MustCompile(`^\D{0,2}(\d{6,8})\D{0,2}$`)

// loneAllocataire finds the numéro allocataire printed alone on its line:
// in a two-column header OCR reads the labels' block and the values'
// block apart, so the number is no longer next to its label. Only a
// document that has the label is searched.
func loneAllocataire(d *Doc) (string, bool) {
	if len(d.labelHits(labelsAllocataire)) == 0 {
		return "", false
	}
	for _, l := range d.Lines {
		if m := loneNumberRe.FindStringSubmatch(fixDigits(l)); m != nil {
			return m[1], true
		}
	}
	return "", false
}
