// Package corpus reads a ground-truth corpus (a directory of documents,
// each with a <name>.json truth beside it, as testdata/gen writes them) and
// scores scan records against it: accuracy by type and rendering for type,
// fields, expiry and status, and stage timings. `coffre eval` prints its
// Report; the integration test asserts floors on it.
package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"coffre"
)

// Truth is what a corpus document really is.
type Truth struct {
	File      string         `json:"file"`
	Type      coffre.DocType `json:"type"`
	Subtype   string         `json:"subtype"`
	Rendering string         `json:"rendering"` // clean, scan, photo, digital
	Lookalike string         `json:"lookalike"` // the look-alike's kind, for type unknown
	Readable  *bool          `json:"readable"`  // absent means readable
	Fields    map[string]any `json:"fields"`
	IssuedOn  coffre.Date    `json:"issued_on"`
	ExpiresOn coffre.Date    `json:"expires_on"`
}

// IsReadable reports whether a good pipeline can read the document.
func (t Truth) IsReadable() bool { return t.Readable == nil || *t.Readable }

// Load reads every truth file in dir, sorted by file name.
func Load(dir string) ([]Truth, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var truths []Truth
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var t Truth
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("corpus: %s: %w", name, err)
		}
		if t.File == "" {
			continue // not a truth file
		}
		t.File = filepath.Join(dir, t.File)
		truths = append(truths, t)
	}
	if len(truths) == 0 {
		return nil, fmt.Errorf("corpus: no ground truth (*.json) in %s", dir)
	}
	sort.Slice(truths, func(i, j int) bool { return truths[i].File < truths[j].File })
	return truths, nil
}

// ScoredFields lists the fields scored for each type. Names are left out:
// truths keep their accents, the MRZ has none.
var ScoredFields = map[coffre.DocType][]string{
	coffre.TypeAvisImposition: {"annee_revenus", "numero_fiscal", "reference_avis", "revenu_fiscal_reference", "nombre_parts"},
	coffre.TypeAttestationCAF: {"numero_allocataire", "date_edition", "quotient_familial"},
	coffre.TypePieceIdentite:  {"document_number", "birth_date", "expiry_date"},
}

// normal returns v as the JSON text it encodes to, so that 2024 (int) in a
// record equals 2024 (float64) in a truth, and a Date equals its string.
func normal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var back any
	if json.Unmarshal(b, &back) != nil {
		return string(b)
	}
	b, _ = json.Marshal(back)
	return strings.ToUpper(string(b))
}
