package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"coffre"
)

// French labels for people reading the table.
var (
	typeLabels = map[coffre.DocType]string{
		coffre.TypeAvisImposition: "Avis d'imposition",
		coffre.TypePieceIdentite:  "Pièce d'identité",
		coffre.TypeAttestationCAF: "Attestation CAF",
		coffre.TypeUnknown:        "Inconnu",
	}
	subtypeLabels = map[string]string{
		coffre.SubtypeCNI:         "CNI",
		coffre.SubtypePasseport:   "passeport",
		coffre.SubtypeTitreSejour: "titre de séjour",
	}
	statusLabels = map[coffre.Status]string{
		coffre.StatusValid:        "valide",
		coffre.StatusExpiringSoon: "expire bientôt",
		coffre.StatusExpired:      "expiré",
		coffre.StatusUndetermined: "indéterminé",
	}
)

// printTable returns a printer of records as a French table, one line per
// file, flushed after each so that long scans show progress.
func printTable(w io.Writer) func(coffre.Record) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FICHIER\tTYPE\tCONFIANCE\tVALABLE JUSQU'AU\tSTATUT\tREMARQUES")
	return func(r coffre.Record) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.File, typeLabel(r), strings.Replace(fmt.Sprintf("%.2f", r.Confidence), ".", ",", 1),
			frenchDate(r.ExpiresOn), statusLabels[r.Status], remarks(r))
		tw.Flush()
	}
}

func typeLabel(r coffre.Record) string {
	if s, ok := subtypeLabels[r.Subtype]; ok {
		return typeLabels[r.Type] + " (" + s + ")"
	}
	return typeLabels[r.Type]
}

func frenchDate(d coffre.Date) string {
	if d.IsZero() {
		return "—"
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

func remarks(r coffre.Record) string {
	if r.Error != "" {
		return r.Error
	}
	return strings.Join(r.Messages, " ")
}
