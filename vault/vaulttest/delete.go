package vaulttest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/vault"
)

// Crasher is what a store's own tests give the suite to make deleting
// documents' rows fail, as a crash between Delete's two steps would:
// while fail is set, every DELETE of documents fails.
type Crasher interface {
	FailDeletesForTest(ctx context.Context, fail bool) error
}

// deleted checks that docs, as Delete returned them, are want (ids, in
// any order), with their person and pages and no key, and that each is
// gone: Get, Events and Search by text no longer find it.
func deleted(t *testing.T, s vault.Store, docs []vault.Document, want ...*vault.Document) {
	t.Helper()
	got := slices.Clone(docs)
	slices.SortFunc(got, func(a, b vault.Document) int { return strings.Compare(a.ID, b.ID) })
	wantDocs := slices.Clone(want)
	slices.SortFunc(wantDocs, func(a, b *vault.Document) int { return strings.Compare(a.ID, b.ID) })
	if len(got) != len(wantDocs) {
		t.Fatalf("deleted %v, want %d documents", ids(got), len(wantDocs))
	}
	for i, d := range got {
		w := wantDocs[i]
		if d.ID != w.ID || d.PersonID != w.PersonID || !gocmp.Equal(d.Pages, w.Pages) || len(d.WrappedKey) != 0 {
			t.Errorf("deleted %+v; want %s of %s, its pages, and no key", d, w.ID, w.PersonID)
		}
		_, err := s.Get(t.Context(), d.ID)
		wantErr(t, "Get after Delete", err, vault.ErrNotFound)
		_, err = s.Events(t.Context(), d.ID)
		wantErr(t, "Events after Delete", err, vault.ErrNotFound)
	}
}

// duplicate stores a duplicate of person's document with content at now
// and returns it (Create returns the original).
func duplicate(t *testing.T, s vault.Store, person, content string, now time.Time) *vault.Document {
	t.Helper()
	d := docOf(person, content)
	if _, created, err := s.Create(t.Context(), d, now); err != nil || created || d.DuplicateOf == "" {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err)
	}
	return d
}

func testDelete(t *testing.T, s vault.Store) {
	ctx := t.Context()
	typ := coffre.TypeAvisImposition
	// older is superseded by doc, which has a duplicate, an alert and a
	// correction; kept is another person's, with the same words.
	older := read(t, s, "p1", rec(typ, "", coffre.NewDate(2023, 7, 1), asOf.AddDays(5)), "avis", vault.StateDone, at(0))
	doc := create(t, s, docOf("p1", "avis"), at(1))
	claim(t, s, doc.ID, at(1))
	finish(t, s, doc.ID, rec(typ, "", coffre.NewDate(2024, 7, 1), asOf.AddDays(5)), "avis Montbéliard", vault.StateDone, at(1))
	dup := duplicate(t, s, "p1", "avis", at(2))
	if _, err := s.Correct(ctx, doc.ID, rec(typ, "", coffre.NewDate(2024, 7, 1), asOf.AddDays(6)),
		[]vault.Correction{{Field: "expires_on", Old: "a", New: "b", By: "u1"}}, at(3)); err != nil {
		t.Fatal(err)
	}
	if alerts, err := s.FlagExpiries(ctx, asOf, 30, at(4)); err != nil || len(alerts) != 1 || alerts[0].DocumentID != doc.ID {
		t.Fatalf("FlagExpiries = %+v, %v; want one alert, of %s", alerts, err, doc.ID)
	}
	kept := read(t, s, "p2", rec(typ, "", coffre.Date{}, coffre.Date{}), "avis Montbéliard", vault.StateDone, at(5))
	if got := get(t, s, older); got.SupersededBy != doc.ID {
		t.Fatalf("older document superseded by %q, want %s", got.SupersededBy, doc.ID)
	}

	docs, err := s.Delete(ctx, doc.ID, at(10))
	if err != nil {
		t.Fatal(err)
	}
	deleted(t, s, docs, doc, dup)
	if diff := gocmp.Diff([]string{kept}, search(t, s, vault.Query{Text: "montbeliard"})); diff != "" {
		t.Errorf("Search(montbeliard) after Delete (-want +got):\n%s", diff)
	}
	if alerts, err := s.Alerts(ctx, "", base); err != nil || len(alerts) != 0 {
		t.Errorf("alerts after Delete: %+v, %v; want none", alerts, err)
	}
	if got := get(t, s, older); got.SupersededBy != "" {
		t.Errorf("older document still superseded by %q, deleted", got.SupersededBy)
	}
	if events, err := s.Events(ctx, older); err != nil || len(events) != 3 {
		t.Errorf("events of the document kept: %d, %v; want 3", len(events), err)
	}
	_, err = s.Delete(ctx, doc.ID, at(11))
	wantErr(t, "Delete twice", err, vault.ErrNotFound)
	_, err = s.Delete(ctx, vault.NewID(), at(11))
	wantErr(t, "Delete of an unknown document", err, vault.ErrNotFound)

	// Deleting a duplicate deletes only it.
	original := create(t, s, docOf("p2", "again"), at(12))
	dup = duplicate(t, s, "p2", "again", at(13))
	docs, err = s.Delete(ctx, dup.ID, at(14))
	if err != nil {
		t.Fatal(err)
	}
	deleted(t, s, docs, dup)
	get(t, s, original.ID)
}

// testDeleteCrash: the keys are shredded, and committed, before the rows
// go; a Delete that fails in between leaves the documents keyless, and
// the next one finishes.
func testDeleteCrash(t *testing.T, s vault.Store) {
	crash, ok := s.(Crasher)
	if !ok {
		t.Skipf("%T gives no way to fail its deletes", s)
	}
	ctx := t.Context()
	doc := create(t, s, docOf("p1", "avis"), at(0))
	dup := duplicate(t, s, "p1", "avis", at(1))
	if err := crash.FailDeletesForTest(ctx, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, doc.ID, at(2)); err == nil {
		t.Fatal("Delete succeeded with deletes failing")
	}
	for _, id := range []string{doc.ID, dup.ID} {
		if got := get(t, s, id); len(got.WrappedKey) != 0 {
			t.Errorf("document %s still has its key after a failed Delete", id)
		}
	}
	if err := crash.FailDeletesForTest(ctx, false); err != nil {
		t.Fatal(err)
	}
	docs, err := s.Delete(ctx, doc.ID, at(3))
	if err != nil {
		t.Fatal(err)
	}
	deleted(t, s, docs, doc, dup)
}

// testDeletePerson: everything of the person goes, nothing of others.
func testDeletePerson(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	p := newPerson(t, a, org, "Anne")
	other := newPerson(t, a, org, "Bob")
	u := newUser(t, a, vault.User{Role: vault.RolePerson, PersonID: p.ID}, "")
	otherUser := newUser(t, a, vault.User{Role: vault.RolePerson, PersonID: other.ID}, "")
	token, err := a.CreateToken(ctx, u.ID, at(0))
	if err != nil {
		t.Fatal(err)
	}
	session, err := a.CreateSession(ctx, u.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	link, err := a.CreateAccessLink(ctx, u.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	grant(t, a, vault.Mandate{PersonID: p.ID, OrgID: org.ID})
	grant(t, a, vault.Mandate{PersonID: other.ID, OrgID: org.ID})
	d1 := get(t, s, read(t, s, p.ID, rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{}), "Anne CAF", vault.StateDone, at(1)))
	d2 := create(t, s, docOf(p.ID, "avis"), at(2))
	dup := duplicate(t, s, p.ID, "avis", at(3))
	kept := read(t, s, other.ID, rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{}), "Bob CAF", vault.StateDone, at(4))

	docs, err := s.DeletePerson(ctx, p.ID, at(10))
	if err != nil {
		t.Fatal(err)
	}
	deleted(t, s, docs, d1, d2, dup)
	if diff := gocmp.Diff([]string{kept}, search(t, s, vault.Query{Text: "caf"})); diff != "" {
		t.Errorf("Search(caf) after DeletePerson (-want +got):\n%s", diff)
	}
	_, err = a.GetPerson(ctx, p.ID)
	wantErr(t, "GetPerson after DeletePerson", err, vault.ErrNotFound)
	_, err = a.UserByPerson(ctx, p.ID)
	wantErr(t, "UserByPerson after DeletePerson", err, vault.ErrNotFound)
	_, err = a.UserByToken(ctx, token)
	wantErr(t, "UserByToken after DeletePerson", err, vault.ErrUnauthorized)
	_, err = a.UserBySession(ctx, session, at(11))
	wantErr(t, "UserBySession after DeletePerson", err, vault.ErrUnauthorized)
	_, err = a.UseAccessLink(ctx, link, at(11))
	wantErr(t, "UseAccessLink after DeletePerson", err, vault.ErrUnauthorized)
	if ms, err := a.Mandates(ctx, p.ID); err != nil || len(ms) != 0 {
		t.Errorf("Mandates after DeletePerson: %+v, %v; want none", ms, err)
	}
	if visible, err := a.PersonVisible(ctx, org.ID, p.ID); err != nil || visible {
		t.Errorf("PersonVisible after DeletePerson: %v, %v; want false", visible, err)
	}
	// The other person keeps everything.
	if got, err := a.UserByPerson(ctx, other.ID); err != nil || got != otherUser {
		t.Errorf("the other person's account: %+v, %v", got, err)
	}
	if ms, err := a.Mandates(ctx, other.ID); err != nil || len(ms) != 1 {
		t.Errorf("the other person's mandates: %+v, %v", ms, err)
	}
	get(t, s, kept)

	_, err = s.DeletePerson(ctx, p.ID, at(11))
	wantErr(t, "DeletePerson twice", err, vault.ErrNotFound)
	// A person known only by their mandates (not registered) is deleted too.
	grant(t, a, vault.Mandate{PersonID: "p9", OrgID: org.ID})
	if docs, err := s.DeletePerson(ctx, "p9", at(12)); err != nil || len(docs) != 0 {
		t.Errorf("DeletePerson of a person with only a mandate = %v, %v", docs, err)
	}
}
