package vaulttest

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/vault"
)

func testCorrect(t *testing.T, s vault.Store) {
	ctx := t.Context()
	id := coffre.TypePieceIdentite
	first := rec(id, coffre.SubtypeCNI, coffre.Date{}, asOf.AddDays(-1))
	first.Fields = coffre.Fields{"nom": "DUPONT"}
	doc := read(t, s, "p1", first, "carte", vault.StateNeedsReview, at(0))

	// The agent says it is a passport, valid for a year, of Dupond.
	second := rec(id, coffre.SubtypePasseport, coffre.Date{}, asOf.AddDays(365))
	second.Fields = coffre.Fields{"nom": "DUPOND"}
	cs := []vault.Correction{
		{Field: "subtype", Old: coffre.SubtypeCNI, New: coffre.SubtypePasseport, By: "u1", At: at(9)},
		{Field: "nom", Old: "DUPONT", New: "DUPOND", By: "u1"}, // At: now
	}
	got, err := s.Correct(ctx, doc, second, cs, at(10))
	if err != nil {
		t.Fatal(err)
	}
	cs[1].At = at(10)
	if got.State != vault.StateDone || !got.UpdatedAt.Equal(at(10)) || !gocmp.Equal(got.Record, &second) ||
		!gocmp.Equal(got.Corrections, cs) {
		t.Errorf("Correct returned state %s, updated %v, record %+v, corrections %+v; want done, minute 10, %+v, %+v",
			got.State, got.UpdatedAt, got.Record, got.Corrections, second, cs)
	}
	if diff := gocmp.Diff(got, get(t, s, doc)); diff != "" {
		t.Errorf("Get after Correct (-returned +got):\n%s", diff)
	}
	events, err := s.Events(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	want := vault.Event{DocumentID: doc, From: vault.StateNeedsReview, To: vault.StateDone, At: at(10), Cause: vault.CauseCorrected}
	if last := events[len(events)-1]; last != want {
		t.Errorf("last event %+v, want %+v", last, want)
	}
	// Searches see the corrected type, subtype and expiry.
	for _, tt := range []struct {
		name string
		q    vault.Query
		want []string
	}{
		{"new subtype", vault.Query{Subtype: coffre.SubtypePasseport}, []string{doc}},
		{"old subtype", vault.Query{Subtype: coffre.SubtypeCNI}, nil},
		{"new status", vault.Query{Status: coffre.StatusValid, AsOf: asOf, SoonDays: 30}, []string{doc}},
		{"old status", vault.Query{Status: coffre.StatusExpired, AsOf: asOf}, nil},
	} {
		if diff := gocmp.Diff(tt.want, search(t, s, tt.q)); diff != "" {
			t.Errorf("Search, %s (-want +got):\n%s", tt.name, diff)
		}
	}

	// A done document is corrected again: corrections add up, oldest
	// first, and its state does not change, so no event.
	more := []vault.Correction{{Field: "nom", Old: "DUPOND", New: "DUPONT", By: "u2", At: at(20)}}
	got, err = s.Correct(ctx, doc, first, more, at(20))
	if err != nil || !gocmp.Equal(got.Corrections, append(cs, more...)) || got.Record.Subtype != coffre.SubtypeCNI {
		t.Errorf("second Correct = %+v, %v; want corrections %+v", got, err, append(cs, more...))
	}
	if again, _ := s.Events(ctx, doc); len(again) != len(events) {
		t.Errorf("correcting a done document recorded an event: %+v", again[len(again)-1])
	}

	failed := read(t, s, "p1", rec(coffre.TypeUnknown, "", coffre.Date{}, coffre.Date{}), "", vault.StateFailed, at(30))
	received := create(t, s, docOf("p1", "received"), at(31))
	done := create(t, s, docOf("p1", "done"), at(32))
	claim(t, s, done.ID, at(32))
	processing := done.ID
	// A duplicate of a done document is done too, but shows the original.
	original := create(t, s, docOf("p1", "original"), at(33))
	claim(t, s, original.ID, at(33))
	finish(t, s, original.ID, first, "carte", vault.StateDone, at(33))
	dup := duplicate(t, s, "p1", "original", at(34))
	for _, tt := range []struct {
		name, id string
		want     error
	}{
		{"failed", failed, vault.ErrConflict},
		{"received", received.ID, vault.ErrConflict},
		{"processing", processing, vault.ErrConflict},
		{"a duplicate", dup.ID, vault.ErrConflict},
		{"unknown", vault.NewID(), vault.ErrNotFound},
	} {
		_, err := s.Correct(ctx, tt.id, second, cs, at(40))
		wantErr(t, "Correct of a document "+tt.name, err, tt.want)
	}
	if got := get(t, s, received.ID); got.Record != nil || got.Corrections != nil {
		t.Errorf("a refused Correct changed the document: %+v", got)
	}
}
