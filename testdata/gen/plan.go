package main

import (
	"math/rand/v2"
	"strings"
)

// Item is one document of the plan: what to generate and how to render it.
type Item struct {
	Kind   string  // "avis:imposable", "cni_new", "bulletin_paie", …
	Rend   string  // clean, digital, scan, photo
	Sheet  string  // identity documents: card, pair, copy, pages
	MP     float64 // photo megapixels
	Rotate int     // photo rotation
	Blur   float64 // photo blur; ≥ 6 makes it unreadable
	Dark   bool    // very dark photo (unreadable)
	EXIF   bool    // rotation stored as EXIF orientation
	Seed   int64   // seed of the photo/scan degradation
}

// Unreadable reports whether the rendering destroys the content.
func (it Item) Unreadable() bool { return it.Blur >= 6 || it.Dark }

// compact plan syntax: "kind rend [sheet] [mp] [rotN] [blur] [dark] [exif]".
var smallSpec = []string{
	"avis:imposable digital", "avis:imposable clean", "avis:imposable scan", "avis:imposable photo 5",
	"avis:imposable photo 12 rot90",
	"avis:non_imposable digital", "avis:non_imposable clean", "avis:non_imposable photo 5 rot180",

	"avis:asdir digital", "avis:asdir clean", "avis:asdir photo 5 exif rot90", "avis:asdir photo 5 blur",
	"caf:paiement digital", "caf:paiement clean", "caf:paiement photo 5 rot270", "caf:paiement scan",
	"caf:qf digital", "caf:qf clean", "caf:qf photo 12", "caf:qf photo 5 dark",
	"caf:droits digital", "caf:droits clean", "caf:droits photo 5",
	"cni_new clean card", "cni_new clean pair", "cni_new scan pages", "cni_new scan copy",
	"cni_new photo card 5", "cni_new photo copy 12 rot90", "cni_new photo card 5 blur",
	"cni_old clean pair", "cni_old clean copy", "cni_old scan pages", "cni_old scan copy",
	"cni_old photo copy 5 rot270", "cni_old photo pair 12",
	"passeport clean card", "passeport scan copy", "passeport photo card 5", "passeport photo copy 12 rot180",
	"titre_sejour clean pair", "titre_sejour scan pages", "titre_sejour photo card 5",
	"titre_sejour photo copy 12", "titre_sejour photo card 5 dark",
	"taxe_fonciere digital", "taxe_fonciere clean", "taxe_fonciere photo 5 rot90", "taxe_fonciere scan",
	"taxe_habitation digital", "taxe_habitation clean", "taxe_habitation photo 5",
	"facture_electricite digital", "facture_electricite clean", "facture_electricite photo 12",
	"bulletin_paie digital", "bulletin_paie clean", "bulletin_paie photo 5 rot270", "bulletin_paie scan",
	"courrier_caf clean", "courrier_caf photo 5",
	"page_blanche clean", "page_blanche photo 5",
	"page_sans_rapport clean", "page_sans_rapport photo 5 rot90",
}

func smallPlan() []Item {
	items := make([]Item, len(smallSpec))
	for i, s := range smallSpec {
		items[i] = parseItem(s)
	}
	return items
}

func parseItem(s string) Item {
	f := strings.Fields(s)
	it := Item{Kind: f[0], Rend: f[1], Sheet: "copy", MP: 5}
	for _, w := range f[2:] {
		switch {
		case w == "card" || w == "pair" || w == "copy" || w == "pages":
			it.Sheet = w
		case w == "12":
			it.MP = 12
		case w == "blur":
			it.Blur = 9
		case w == "dark":
			it.Dark = true
		case w == "exif":
			it.EXIF = true
		case strings.HasPrefix(w, "rot"):
			it.Rotate = map[string]int{"rot90": 90, "rot180": 180, "rot270": 270}[w]
		}
	}
	return it
}

var (
	allKinds = []string{"avis:imposable", "avis:non_imposable", "avis:asdir", "caf:paiement", "caf:qf", "caf:droits",
		"cni_new", "cni_old", "passeport", "titre_sejour", "taxe_fonciere", "taxe_habitation",
		"facture_electricite", "bulletin_paie", "courrier_caf", "page_blanche", "page_sans_rapport"}
	// digitalKinds are normally downloaded as born-digital PDFs.
	digitalKinds = "avis caf taxe_fonciere taxe_habitation facture_electricite bulletin_paie"
)

// largePlan draws n random items.
func largePlan(n int, r *rand.Rand) []Item {
	items := make([]Item, n)
	for i := range items {
		it := Item{Kind: pick(r, allKinds), Sheet: pick(r, []string{"card", "pair", "copy", "pages"}), MP: 5}
		it.Rend = pick(r, []string{"clean", "scan", "photo", "photo"})
		if strings.Contains(digitalKinds, shortKindBase(it.Kind)) && r.IntN(3) == 0 {
			it.Rend = "digital"
		}
		if it.Rend == "photo" {
			it.Rotate = pick(r, []int{0, 0, 90, 180, 270})
			it.EXIF = r.IntN(4) == 0
			it.Blur = pick(r, []float64{0, 0, 0, 1, 2, 9})
			it.Dark = r.IntN(20) == 0
			if r.IntN(4) == 0 {
				it.MP = 12
			}
		}
		items[i] = it
	}
	return items
}

func shortKindBase(kind string) string { k, _, _ := strings.Cut(kind, ":"); return k }
