package vaulttest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/vault"
)

// journalTests are the suite's tests of vault.Journal, which Exercise
// runs on every store that implements it.
var journalTests = []struct {
	name string
	run  func(t *testing.T, s vault.Store)
}{
	{"EntryHash", testEntryHash},
	{"JournalAppend", testJournalAppend},
	{"CreateJournaled", testCreateJournaled},
	{"JournalEntries", testJournalEntries},
	{"JournalLimits", testJournalLimits},
	{"JournalInvalid", testJournalInvalid},
	{"JournalConcurrent", testJournalConcurrent},
	{"JournalVerify", testJournalVerify},
	{"JournalTamper", testJournalTamper},
}

// Tamperer is what a store's own tests give the suite to tamper with its
// journal behind its back, as someone with access to the database could:
// bypassing the append-only triggers, TamperForTest sets field (a column:
// actor, person_id, document_id, action, outcome, prev, hash) of entry
// seq to value, and DeleteForTest removes entry seq.
type Tamperer interface {
	TamperForTest(ctx context.Context, seq int64, field, value string) error
	DeleteForTest(ctx context.Context, seq int64) error
}

// journal returns s as a vault.Journal, or skips t.
func journal(t *testing.T, s vault.Store) vault.Journal {
	t.Helper()
	j, ok := s.(vault.Journal)
	if !ok {
		t.Skipf("%T is not a vault.Journal", s)
	}
	return j
}

// entry returns an entry at minute n of the suite's clock.
func entry(n int, actor, person, document, action string) vault.Entry {
	return vault.Entry{At: at(n), Actor: actor, PersonID: person, DocumentID: document, Action: action, Outcome: "ok"}
}

// appendEntry appends e, which must succeed.
func appendEntry(t *testing.T, j vault.Journal, e vault.Entry) vault.Entry {
	t.Helper()
	got, err := j.Append(t.Context(), e)
	if err != nil {
		t.Fatalf("Append(%s %s): %v", e.Action, e.PersonID, err)
	}
	return got
}

// entries lists the entries, which must succeed.
func entries(t *testing.T, j vault.Journal, person string, after int64, limit int) []vault.Entry {
	t.Helper()
	got, err := j.Entries(t.Context(), person, after, limit)
	if err != nil {
		t.Fatalf("Entries(%q, %d, %d): %v", person, after, limit, err)
	}
	return got
}

// seqs returns the Seqs of es, in order.
func seqs(es []vault.Entry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

// wantSeqs fails t unless es are the entries seqs, in order.
func wantSeqs(t *testing.T, what string, es []vault.Entry, want ...int64) {
	t.Helper()
	if got := seqs(es); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: entries %v, want %v", what, got, want)
	}
}

// verify runs Verify, which must succeed with n entries.
func verify(t *testing.T, j vault.Journal, n int) {
	t.Helper()
	got, err := j.Verify(t.Context())
	if err != nil || got != n {
		t.Errorf("Verify = %d, %v; want %d, nil", got, err, n)
	}
}

// testEntryHash: the hash depends on every field but Hash itself, and
// is a hex SHA-256.
func testEntryHash(t *testing.T, _ vault.Store) {
	e := vault.Entry{Seq: 7, At: at(1), Actor: "u1", PersonID: "p1", DocumentID: "d1", Action: "view",
		Outcome: "ok", Prev: strings.Repeat("a", 64)}
	h := vault.EntryHash(e)
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("EntryHash = %q, want 64 hex digits", h)
	}
	changes := map[string]func(e *vault.Entry){
		"Seq":        func(e *vault.Entry) { e.Seq++ },
		"At":         func(e *vault.Entry) { e.At = e.At.Add(time.Microsecond) },
		"Actor":      func(e *vault.Entry) { e.Actor = "u2" },
		"PersonID":   func(e *vault.Entry) { e.PersonID = "p2" },
		"DocumentID": func(e *vault.Entry) { e.DocumentID = "d2" },
		"Action":     func(e *vault.Entry) { e.Action = "download" },
		"Outcome":    func(e *vault.Entry) { e.Outcome = "denied" },
		"Prev":       func(e *vault.Entry) { e.Prev = "" },
		// Moving a byte from one field to the next keeps the
		// concatenation: the encoding must tell them apart.
		"boundary": func(e *vault.Entry) { e.Actor, e.PersonID = "u1p", "1" },
	}
	for field, change := range changes {
		c := e
		change(&c)
		if vault.EntryHash(c) == h {
			t.Errorf("changing %s keeps the hash", field)
		}
	}
	same := e
	same.Hash = "whatever"
	same.At = e.At.In(time.FixedZone("Paris", 2*3600)).Add(999) // same instant to the microsecond
	if vault.EntryHash(same) != h {
		t.Error("the hash depends on Hash, At's zone or At's nanoseconds")
	}
}

// testJournalAppend: entries are numbered and chained in append order,
// stored as returned, At in UTC to the microsecond; what the caller puts
// in Seq, Prev and Hash is ignored.
func testJournalAppend(t *testing.T, s vault.Store) {
	j := journal(t, s)
	if got := entries(t, j, "", 0, 0); len(got) != 0 {
		t.Errorf("empty journal: %d entries", len(got))
	}
	paris := time.FixedZone("Paris", 2*3600)
	first := entry(0, "u1", "p1", "d1", "upload")
	first.At = base.In(paris).Add(1500) // 1.5 µs
	first.Seq, first.Prev, first.Hash = 42, "forged", "forged"
	var appended []vault.Entry
	for i, e := range []vault.Entry{
		first,
		entry(1, "anonyme", "p1", "d1", "view"),
		entry(2, "system", "", "", "export"),
		entry(3, "u2", "p2", "d9", "download"),
	} {
		got := appendEntry(t, j, e)
		prev := ""
		if i > 0 {
			prev = appended[i-1].Hash
		}
		if got.Seq != int64(i+1) || got.Prev != prev || got.Hash != vault.EntryHash(got) {
			t.Errorf("entry %d: Seq %d, Prev %q, Hash %q; want %d, %q, its hash", i, got.Seq, got.Prev, got.Hash, i+1, prev)
		}
		appended = append(appended, got)
	}
	if want := base.Add(time.Microsecond); !appended[0].At.Equal(want) || appended[0].At.Location() != time.UTC {
		t.Errorf("At returned %v, want %v in UTC", appended[0].At, want)
	}
	got := entries(t, j, "", 0, 0)
	if len(got) != len(appended) {
		t.Fatalf("Entries: %d, want %d", len(got), len(appended))
	}
	for i := range got {
		if got[i] != appended[i] {
			t.Errorf("entry %d stored as\n%+v\nreturned as\n%+v", i+1, got[i], appended[i])
		}
	}
}

// testCreateJournaled: the entry is stored with the document, about it,
// with outcome ok or duplicate; an invalid entry stores neither.
func testCreateJournaled(t *testing.T, s vault.Store) {
	j := journal(t, s)
	ctx := t.Context()
	if _, _, err := s.CreateJournaled(ctx, docOf("p1", "no actor"), at(0), vault.Entry{At: at(0), Action: "upload"}); err == nil {
		t.Error("entry without an actor accepted")
	}
	upload := vault.Entry{At: at(0), Actor: "u1", PersonID: "p1", Action: "upload"}
	first, dup := docOf("p1", "journaled"), docOf("p1", "journaled")
	if _, created, err := s.CreateJournaled(ctx, first, at(0), upload); err != nil || !created {
		t.Fatalf("first upload: created %v, %v", created, err)
	}
	if orig, created, err := s.CreateJournaled(ctx, dup, at(1), upload); err != nil || created || orig.ID != first.ID {
		t.Fatalf("second upload: created %v, %v; want a duplicate of %s", created, err, first.ID)
	}
	es := entries(t, j, "p1", 0, 0)
	if len(es) != 2 {
		t.Fatalf("%d entries, want 2", len(es))
	}
	for i, want := range []struct{ doc, outcome string }{{first.ID, "ok"}, {dup.ID, "duplicate"}} {
		if e := es[i]; e.DocumentID != want.doc || e.Outcome != want.outcome || e.Actor != "u1" || e.Action != "upload" {
			t.Errorf("entry %d: %+v, want document %s, outcome %s", i+1, e, want.doc, want.outcome)
		}
	}
	if n, err := j.Verify(ctx); err != nil || n != 2 {
		t.Errorf("Verify: %d, %v; want 2, nil", n, err)
	}
}

// testJournalEntries: Entries filters by person, pages by after and
// limit, oldest first.
func testJournalEntries(t *testing.T, s vault.Store) {
	j := journal(t, s)
	for i := range 10 {
		person := []string{"p1", "p2"}[i%2]
		appendEntry(t, j, entry(i, "u1", person, fmt.Sprintf("d%d", i), "view"))
	}
	appendEntry(t, j, entry(10, "system", "", "", "search")) // 11, about no one
	wantSeqs(t, "all", entries(t, j, "", 0, 0), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	wantSeqs(t, "p1", entries(t, j, "p1", 0, 0), 1, 3, 5, 7, 9)
	wantSeqs(t, "p2", entries(t, j, "p2", 0, 0), 2, 4, 6, 8, 10)
	wantSeqs(t, "p1 after 3", entries(t, j, "p1", 3, 0), 5, 7, 9)
	wantSeqs(t, "p1 after 4, 2 of them", entries(t, j, "p1", 4, 2), 5, 7)
	wantSeqs(t, "all after 8, 2 of them", entries(t, j, "", 8, 2), 9, 10)
	wantSeqs(t, "all after 11", entries(t, j, "", 11, 0))
	wantSeqs(t, "nobody's", entries(t, j, "p3", 0, 0))
	for _, e := range entries(t, j, "p2", 0, 0) {
		if e.PersonID != "p2" {
			t.Errorf("p2's entries hold one about %q", e.PersonID)
		}
	}
	// Paging with the last Seq seen walks the person's whole journal.
	var walked []vault.Entry
	for after := int64(0); ; {
		page := entries(t, j, "p1", after, 2)
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
		after = page[len(page)-1].Seq
	}
	wantSeqs(t, "p1 by pages of 2", walked, 1, 3, 5, 7, 9)
}

// testJournalLimits: no limit is 100 entries, a limit above 1000 is 1000.
func testJournalLimits(t *testing.T, s vault.Store) {
	j := journal(t, s)
	const n = vault.MaxJournalLimit + 5
	for i := range n {
		appendEntry(t, j, entry(i, "u1", "p1", "", "search"))
	}
	for _, tt := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {7, 7}, {5000, 1000}} {
		if got := entries(t, j, "p1", 0, tt.limit); len(got) != tt.want {
			t.Errorf("Entries(limit %d): %d entries, want %d", tt.limit, len(got), tt.want)
		}
	}
	verify(t, j, n) // across Verify's pages
}

// testJournalInvalid: an entry without a time, an actor or an action is
// refused and takes no number.
func testJournalInvalid(t *testing.T, s vault.Store) {
	j := journal(t, s)
	for _, e := range []vault.Entry{
		{Actor: "u1", Action: "view"},
		{At: base, Action: "view"},
		{At: base, Actor: "u1"},
	} {
		if _, err := j.Append(t.Context(), e); err == nil {
			t.Errorf("Append(%+v) succeeded", e)
		}
	}
	if got := appendEntry(t, j, entry(0, "u1", "p1", "", "view")); got.Seq != 1 {
		t.Errorf("first valid entry numbered %d, want 1", got.Seq)
	}
}

// testJournalConcurrent: appends at once make one gapless chain.
func testJournalConcurrent(t *testing.T, s vault.Store) {
	j := journal(t, s)
	const goroutines, each = 20, 5
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				if _, err := j.Append(t.Context(), entry(i, fmt.Sprintf("u%d", g), "p1", "", "view")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got := entries(t, j, "", 0, 1000)
	if len(got) != goroutines*each {
		t.Fatalf("%d entries, want %d", len(got), goroutines*each)
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d numbered %d", i+1, e.Seq)
		}
	}
	verify(t, j, goroutines*each)
}

// testJournalVerify: an intact chain verifies, empty or not.
func testJournalVerify(t *testing.T, s vault.Store) {
	j := journal(t, s)
	verify(t, j, 0)
	for i := range 5 {
		appendEntry(t, j, entry(i, "u1", "p1", "d1", "view"))
		verify(t, j, i+1)
	}
}

// testJournalTamper: changing an entry, even with its hash recomputed,
// or removing one (the last included) is found, at the first bad entry;
// undoing the change makes the chain verify again.
func testJournalTamper(t *testing.T, s vault.Store) {
	j := journal(t, s)
	tamper, ok := s.(Tamperer)
	if !ok {
		t.Skipf("%T gives no way to tamper with its journal", s)
	}
	ctx := t.Context()
	var es []vault.Entry
	for i := range 6 {
		es = append(es, appendEntry(t, j, entry(i, "u1", "p1", "d1", "view")))
	}
	// wantTampered checks Verify finds the chain broken at entry bad.
	wantTampered := func(what string, bad int64) {
		t.Helper()
		n, err := j.Verify(ctx)
		if !errors.Is(err, vault.ErrTampered) || !strings.Contains(err.Error(), fmt.Sprintf("entry %d ", bad)) ||
			n != int(bad-1) {
			t.Errorf("%s: Verify = %d, %v; want %d and ErrTampered at entry %d", what, n, err, bad-1, bad)
		}
	}
	set := func(seq int64, field, value string) {
		t.Helper()
		if err := tamper.TamperForTest(ctx, seq, field, value); err != nil {
			t.Fatalf("tampering with entry %d's %s: %v", seq, field, err)
		}
	}

	set(3, "outcome", "denied")
	wantTampered("outcome changed", 3)
	set(3, "outcome", "ok")
	verify(t, j, 6)

	// Recomputing the hash moves the break to the next link.
	forged := es[2]
	forged.Actor = "u2"
	set(3, "actor", forged.Actor)
	set(3, "hash", vault.EntryHash(forged))
	wantTampered("actor changed, hash recomputed", 4)
	set(3, "actor", es[2].Actor)
	set(3, "hash", es[2].Hash)
	verify(t, j, 6)

	// Entry 5 swapped with entry 4's contents: reordering.
	for field, value := range map[string]string{"prev": es[3].Prev, "hash": es[3].Hash} {
		set(5, field, value)
	}
	wantTampered("entry 4 copied over entry 5", 5)
	for field, value := range map[string]string{"prev": es[4].Prev, "hash": es[4].Hash} {
		set(5, field, value)
	}
	verify(t, j, 6)

	if err := tamper.DeleteForTest(ctx, 6); err != nil {
		t.Fatal(err)
	}
	wantTampered("last entry removed", 6)
	if err := tamper.DeleteForTest(ctx, 2); err != nil {
		t.Fatal(err)
	}
	wantTampered("entry 2 removed", 2)
}
