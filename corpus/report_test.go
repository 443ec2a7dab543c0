package corpus

import (
	"testing"

	"coffre"
)

func TestScore(t *testing.T) {
	no := false
	truths := []Truth{
		{File: "a", Type: coffre.TypeAvisImposition, Rendering: "photo", ExpiresOn: coffre.NewDate(2026, 9, 14),
			Fields: map[string]any{"annee_revenus": float64(2024), "nombre_parts": 1.5}},
		{File: "b", Type: coffre.TypeUnknown, Rendering: "clean", Lookalike: "taxe_fonciere"},
		{File: "c", Type: coffre.TypeAttestationCAF, Rendering: "photo", Readable: &no},
		{File: "d", Type: coffre.TypeAttestationCAF, Rendering: "scan"},
	}
	readable := []coffre.Check{{Name: coffre.CheckReadable, OK: true}}
	records := map[string]coffre.Record{
		"a": {Type: coffre.TypeAvisImposition, Confidence: 0.9, ExpiresOn: coffre.NewDate(2026, 9, 14), Status: coffre.StatusValid,
			Checks: readable, Fields: coffre.Fields{"annee_revenus": 2024, "nombre_parts": 4.5}, TimingsMS: map[string]int64{"ocr": 900}},
		"b": {Type: coffre.TypeAvisImposition, Confidence: 0.4, Status: coffre.StatusUndetermined, Checks: readable},
		"c": {Type: coffre.TypeUnknown, Status: coffre.StatusUndetermined, Checks: []coffre.Check{{Name: coffre.CheckReadable}}},
		"d": {Error: "Le fichier est illisible"},
	}
	valid := func(coffre.Date) coffre.Status { return coffre.StatusValid }
	r := Score(truths, records, valid)

	if r.Type != (Tally{1, 2}) || r.TypeBy["rendering:photo"] != (Tally{1, 1}) {
		t.Errorf("type %v, photo %v; want 1/2 and 1/1", r.Type, r.TypeBy["rendering:photo"])
	}
	if r.Fields["avis_imposition.annee_revenus"] != (Tally{1, 1}) || r.Fields["avis_imposition.nombre_parts"] != (Tally{0, 1}) {
		t.Errorf("fields %v: an int must equal the truth's float, 4.5 must not equal 1.5", r.Fields)
	}
	if len(r.LookalikesTaken) != 1 || r.Unreadable != (Tally{1, 1}) || len(r.Errors) != 1 {
		t.Errorf("look-alikes %q, unreadable %v, errors %q", r.LookalikesTaken, r.Unreadable, r.Errors)
	}
	if r.Status != (Tally{2, 2}) {
		t.Errorf("status %v: a look-alike is expected undetermined, the avis valid", r.Status)
	}
	if got := Percentile(r.Timings["ocr"], 95); got.Milliseconds() != 900 {
		t.Errorf("p95 ocr = %v", got)
	}
}
