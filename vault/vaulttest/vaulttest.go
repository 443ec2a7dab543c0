// Package vaulttest is the conformance suite of vault.Store: each
// implementation runs Exercise and ExerciseProcesses in its tests, and
// BenchSearch in its benchmarks with a bulk loader of its own. The suite
// drives every method with explicit times, as the server and --as-of do.
package vaulttest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"coffre"
	"coffre/vault"
)

// Exercise runs the suite, each subtest in parallel on a store of its own
// from open, which must return an empty store and close it at the end of
// the test (t.Cleanup).
func Exercise(t *testing.T, open func(t *testing.T) vault.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s vault.Store)
	}{
		{"CreateGet", testCreateGet},
		{"RecordRoundTrip", testRecordRoundTrip},
		{"Duplicates", testDuplicates},
		{"ConcurrentCreates", testConcurrentCreates},
		{"Claim", testClaim},
		{"Renew", testRenew},
		{"ConcurrentClaims", testConcurrentClaims},
		{"Finish", testFinish},
		{"Release", testRelease},
		{"Stale", testStale},
		{"Events", testEvents},
		{"Counts", testCounts},
		{"PingClose", testPingClose},
		{"SearchFilters", testSearchFilters},
		{"StatusBoundaries", testStatusBoundaries},
		{"Text", testText},
		{"Pagination", testPagination},
		{"PageLimits", testPageLimits},
		{"InvalidQueries", testInvalidQueries},
		{"FlagExpiries", testFlagExpiries},
		{"Superseded", testSuperseded},
		{"AlertsSince", testAlertsSince},
		{"SearchReader", testSearchReader},
		{"Delete", testDelete},
		{"DeleteCrash", testDeleteCrash},
		{"DeletePerson", testDeletePerson},
		{"Correct", testCorrect},
		{"UploadedBy", testUploadedBy},
		{"Rewrap", testRewrap},
		{"RewrapFailure", testRewrapFailure},
		{"AnyKey", testAnyKey},
	}
	tests = append(tests, journalTests...)
	tests = append(tests, accessTests...)
	tests = append(tests, personsTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, open(t))
		})
	}
}

// The suite's clock: times to the millisecond, the precision stores keep
// at least, so that round trips compare equal.
var (
	base = time.Date(2025, time.June, 2, 8, 0, 0, 0, time.UTC)
	asOf = coffre.NewDate(2025, time.June, 15)
)

const lease = 10 * time.Minute

// at returns base plus n minutes.
func at(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

// newDoc returns a document of person with unique content.
func newDoc(person string) *vault.Document { return docOf(person, vault.NewID()) }

// docOf returns a document of person whose pages are content.
func docOf(person, content string) *vault.Document {
	sum := sha256.Sum256([]byte(content))
	return &vault.Document{
		PersonID:   person,
		Queue:      vault.QueueInteractive,
		SHA256:     hex.EncodeToString(sum[:]),
		Pages:      []vault.Page{{Mime: "image/jpeg", Size: 1 << 20}, {Mime: "application/pdf", Size: int64(len(content))}},
		WrappedKey: []byte("wrapped " + content),
	}
}

// create stores d as a new original at now.
func create(t *testing.T, s vault.Store, d *vault.Document, now time.Time) *vault.Document {
	t.Helper()
	got, created, err := s.Create(t.Context(), d, now)
	if err != nil || !created {
		t.Fatalf("Create(%s) = created %v, %v; want a new document", d.PersonID, created, err)
	}
	return got
}

// claim claims id at now, which must succeed.
func claim(t *testing.T, s vault.Store, id string, now time.Time) *vault.Document {
	t.Helper()
	d, err := s.Claim(t.Context(), id, lease, now)
	if err != nil {
		t.Fatalf("Claim(%s): %v", id, err)
	}
	return d
}

// finish finishes id at now in state with rec, which must succeed.
func finish(t *testing.T, s vault.Store, id string, rec coffre.Record, text string, state vault.State, now time.Time) {
	t.Helper()
	if err := s.Finish(t.Context(), id, rec, text, state, "Analyse terminée", now); err != nil {
		t.Fatalf("Finish(%s): %v", id, err)
	}
}

// read creates a document of person at now and takes it through the
// pipeline to state (done, needs_review or failed) with rec and text.
func read(t *testing.T, s vault.Store, person string, rec coffre.Record, text string, state vault.State, now time.Time) string {
	t.Helper()
	d := create(t, s, newDoc(person), now)
	claim(t, s, d.ID, now)
	finish(t, s, d.ID, rec, text, state, now)
	return d.ID
}

// rec returns a record of type/subtype issued and expiring on the dates.
func rec(typ coffre.DocType, subtype string, issued, expires coffre.Date) coffre.Record {
	r := coffre.NewRecord("scan.jpg")
	r.Type, r.Subtype, r.IssuedOn, r.ExpiresOn = typ, subtype, issued, expires
	return r
}

// get returns document id, which must exist.
func get(t *testing.T, s vault.Store, id string) *vault.Document {
	t.Helper()
	d, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return d
}

// wantErr fails t unless err is target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// ids returns the ids of docs, in order.
func ids(docs []vault.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

// ExerciseProcesses opens a database several times at once with open, as
// processes starting together would, and checks that the stores agree:
// the same pages sent to each make one original. It closes the stores at
// the end of t.
func ExerciseProcesses(t *testing.T, open func() (vault.Store, error)) {
	stores := make([]vault.Store, 4)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			s, err := open()
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				return
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	created := make([]bool, len(stores))
	for i, s := range stores {
		wg.Go(func() {
			var err error
			if _, created[i], err = s.Create(t.Context(), docOf("p1", "same pages"), base); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(slices.DeleteFunc(created, func(c bool) bool { return !c })); n != 1 {
		t.Errorf("%d stores created a document for the same pages, want 1", n)
	}
	exerciseProcessesUploads(t, stores)
}

// exerciseProcessesUploads has every store journal uploads at once, many
// of the same pages for the same person through every store, as when
// agents of two offices send the same photo: the stores batch the
// writes, and two processes' batches must not deadlock on each other's
// documents and the journal's head.
func exerciseProcessesUploads(t *testing.T, stores []vault.Store) {
	const files = 8
	created := make([][]bool, files)
	for f := range created {
		created[f] = make([]bool, len(stores))
	}
	var wg sync.WaitGroup
	for i, s := range stores {
		for f := range files {
			wg.Go(func() {
				upload := vault.Entry{At: base, Actor: "agent", PersonID: "p2", Action: "upload"}
				var err error
				if _, created[f][i], err = s.CreateJournaled(t.Context(), docOf("p2", fmt.Sprint("photo ", f)), base, upload); err != nil {
					t.Errorf("store %d, photo %d: %v", i, f, err)
				}
			})
		}
	}
	wg.Wait()
	for f, c := range created {
		if n := len(slices.DeleteFunc(c, func(c bool) bool { return !c })); n != 1 {
			t.Errorf("photo %d: %d stores created it, want 1", f, n)
		}
	}
	j, ok := stores[0].(vault.Journal)
	if !ok {
		return
	}
	if n, err := j.Verify(t.Context()); err != nil || n < files*len(stores) {
		t.Errorf("journal after the uploads: %d entries verified, %v; want at least %d", n, err, files*len(stores))
	}
}
