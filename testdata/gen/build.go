package main

import (
	"math/rand/v2"
	"strings"
)

// Build generates the specimen of a plan kind.
func Build(kind string, r *rand.Rand) Specimen {
	base, variant, _ := strings.Cut(kind, ":")
	switch base {
	case "avis":
		return AvisSpecimen(r, variant)
	case "caf":
		return CAFSpecimen(r, variant)
	case "cni_new":
		return NewCNISpecimen(r)
	case "cni_old":
		return OldCNISpecimen(r)
	case "passeport":
		return PasseportSpecimen(r)
	case "titre_sejour":
		return SejourSpecimen(r)
	}
	return LookalikeSpecimen(r, base)
}
