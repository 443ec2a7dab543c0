package vaulttest

import (
	"encoding/json"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/vault"
)

func testCreateGet(t *testing.T, s vault.Store) {
	ctx := t.Context()
	// A time in another zone, to the nanosecond: stored in UTC, to the
	// millisecond at least.
	now := base.Add(123456789 * time.Nanosecond).In(time.FixedZone("CEST", 2*3600))
	d := newDoc("p1")
	want := *d
	got := create(t, s, d, now)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got.ID) {
		t.Errorf("Create gave id %q, want 32 hex characters", got.ID)
	}
	if got.CreatedAt.Location() != time.UTC || now.Sub(got.CreatedAt).Abs() >= time.Millisecond {
		t.Errorf("CreatedAt = %v, want %v in UTC, to the millisecond", got.CreatedAt, now)
	}
	want.ID, want.State, want.CreatedAt, want.UpdatedAt = got.ID, vault.StateReceived, got.CreatedAt, got.CreatedAt
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("Create returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, get(t, s, got.ID)); diff != "" {
		t.Errorf("Get after Create (-created +got):\n%s", diff)
	}

	_, err := s.Get(ctx, vault.NewID())
	wantErr(t, "Get(unknown)", err, vault.ErrNotFound)

	same := newDoc("p1")
	same.ID = got.ID
	if _, _, err := s.Create(ctx, same, now); err == nil {
		t.Errorf("Create with an id in use: no error")
	}
}

func testRecordRoundTrip(t *testing.T, s vault.Store) {
	r := rec(coffre.TypeAvisImposition, "", coffre.NewDate(2024, time.July, 25), coffre.NewDate(2026, time.September, 14))
	r.File, r.Mime, r.Pages, r.Confidence, r.Status = "avis.pdf", "application/pdf", 2, 0.93, coffre.StatusValid
	r.Fields = coffre.Fields{
		"nom":                       "DUPONT Éloïse",
		"revenu_fiscal_reference":   18250,
		"taux":                      0.5,
		"date_mise_en_recouvrement": coffre.NewDate(2024, time.July, 31),
		"declarants":                []string{"Éloïse Dupont", "Marc Dupont"},
	}
	r.Checks = []coffre.Check{{Name: coffre.CheckReadable, OK: true}, {Name: "mrz_check_digits", OK: false, Detail: "ligne 2"}}
	r.Messages = []string{"Avis d'impôt lisible"}
	r.TimingsMS = map[string]int64{"ocr": 1234, "classify": 5}
	for _, state := range []vault.State{vault.StateDone, vault.StateNeedsReview, vault.StateFailed} {
		d := create(t, s, newDoc("p1"), at(0))
		claim(t, s, d.ID, at(1))
		text := "Avis d'impôt 2024 sur les revenus 2023\nBesançon"
		finish(t, s, d.ID, r, text, state, at(2))
		got := get(t, s, d.ID)
		wantJSON, _ := json.Marshal(r)
		gotJSON, _ := json.Marshal(got.Record)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s: record\n got %s\nwant %s", state, gotJSON, wantJSON)
		}
		if got.State != state || got.Text != text || got.Attempts != 1 || !got.LeaseUntil.IsZero() || !got.UpdatedAt.Equal(at(2)) {
			t.Errorf("%s: got state %s, text %q, attempts %d, lease %v, updated %v", state, got.State, got.Text, got.Attempts, got.LeaseUntil, got.UpdatedAt)
		}
	}
}

func testDuplicates(t *testing.T, s vault.Store) {
	ctx := t.Context()
	original := create(t, s, docOf("p1", "pages"), at(0))

	dup := docOf("p1", "pages")
	got, created, err := s.Create(ctx, dup, at(1))
	if err != nil || created || got.ID != original.ID {
		t.Fatalf("Create(same pages) = %v, created %v, %v; want the original %s", got, created, err, original.ID)
	}
	if diff := cmp.Diff(original, got); diff != "" {
		t.Errorf("Create(same pages) returned (-original +got):\n%s", diff)
	}
	stored := get(t, s, dup.ID)
	if stored.ID == original.ID || stored.DuplicateOf != original.ID || stored.State != vault.StateReceived || dup.DuplicateOf != original.ID {
		t.Errorf("duplicate stored as %s, duplicate of %q, %s; want its own id, duplicate of %s, received", stored.ID, stored.DuplicateOf, stored.State, original.ID)
	}
	_, err = s.Claim(ctx, dup.ID, lease, at(2))
	wantErr(t, "Claim(duplicate)", err, vault.ErrNotClaimable)

	create(t, s, docOf("p2", "pages"), at(3)) // another person
	create(t, s, docOf("p1", "other"), at(4)) // other pages

	claim(t, s, original.ID, at(5))
	finish(t, s, original.ID, rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{}), "", vault.StateDone, at(6))
	again := docOf("p1", "pages")
	if got, created, err := s.Create(ctx, again, at(7)); err != nil || created || got.ID != original.ID || got.State != vault.StateDone {
		t.Fatalf("Create(same pages, original done) = %v, created %v, %v", got, created, err)
	}
	if d := get(t, s, again.ID); d.State != vault.StateDone || d.DuplicateOf != original.ID {
		t.Errorf("second duplicate: state %s, duplicate of %q; want done, %s", d.State, d.DuplicateOf, original.ID)
	}

	page, err := s.Search(ctx, vault.Query{PersonID: "p1"})
	if err != nil || len(page.Documents) != 2 {
		t.Errorf("Search(p1) = %v, %v; want the 2 originals, no duplicate", ids(page.Documents), err)
	}
}

func testConcurrentCreates(t *testing.T, s vault.Store) {
	const n = 8
	var (
		wg        sync.WaitGroup
		originals [n]string
		created   [n]bool
	)
	for i := range n {
		wg.Go(func() {
			got, c, err := s.Create(t.Context(), docOf("p1", "same pages"), at(0))
			if err != nil {
				t.Errorf("Create: %v", err)
				return
			}
			originals[i], created[i] = got.ID, c
		})
	}
	wg.Wait()
	newOnes := 0
	for i := range n {
		if created[i] {
			newOnes++
		}
		if originals[i] != originals[0] {
			t.Errorf("Create %d returned original %s, Create 0 %s", i, originals[i], originals[0])
		}
	}
	if newOnes != 1 {
		t.Errorf("%d creates of the same pages created a document, want 1", newOnes)
	}
	counts, err := s.Counts(t.Context())
	if err != nil || counts[vault.StateReceived] != 1 {
		t.Errorf("Counts = %v, %v; want 1 received", counts, err)
	}
}

func testClaim(t *testing.T, s vault.Store) {
	ctx := t.Context()
	d := create(t, s, newDoc("p1"), at(0))
	got := claim(t, s, d.ID, at(1))
	if got.State != vault.StateProcessing || got.Attempts != 1 || !got.LeaseUntil.Equal(at(1).Add(lease)) || !got.UpdatedAt.Equal(at(1)) {
		t.Errorf("Claim = state %s, attempts %d, lease %v, updated %v", got.State, got.Attempts, got.LeaseUntil, got.UpdatedAt)
	}
	if diff := cmp.Diff(got, get(t, s, d.ID)); diff != "" {
		t.Errorf("Get after Claim (-claimed +got):\n%s", diff)
	}
	for _, now := range []time.Time{at(2), at(1).Add(lease)} { // leased, to the end included
		_, err := s.Claim(ctx, d.ID, lease, now)
		wantErr(t, "Claim(leased) at "+now.Format(time.TimeOnly), err, vault.ErrNotClaimable)
	}
	expired := at(1).Add(lease + time.Millisecond)
	got = claim(t, s, d.ID, expired)
	if got.Attempts != 2 || !got.LeaseUntil.Equal(expired.Add(lease)) {
		t.Errorf("re-Claim after the lease: attempts %d, lease %v", got.Attempts, got.LeaseUntil)
	}

	_, err := s.Claim(ctx, vault.NewID(), lease, at(0))
	wantErr(t, "Claim(unknown)", err, vault.ErrNotFound)
	for _, state := range []vault.State{vault.StateDone, vault.StateFailed, vault.StateNeedsReview} {
		id := read(t, s, "p1", rec(coffre.TypeUnknown, "", coffre.Date{}, coffre.Date{}), "", state, at(0))
		_, err := s.Claim(ctx, id, lease, at(100))
		wantErr(t, "Claim("+string(state)+")", err, vault.ErrNotClaimable)
	}
}

// testRenew: a renewed lease holds the document past the lease it was
// claimed with; a claim taken over or finished is renewed no more.
func testRenew(t *testing.T, s vault.Store) {
	ctx := t.Context()
	d := create(t, s, newDoc("p1"), at(0))
	first := claim(t, s, d.ID, at(1))
	if err := s.Renew(ctx, d.ID, first.Attempts, lease, at(8)); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if got := get(t, s, d.ID); !got.LeaseUntil.Equal(at(8).Add(lease)) || got.State != vault.StateProcessing {
		t.Errorf("after Renew: state %s, lease %v; want processing until %v", got.State, got.LeaseUntil, at(8).Add(lease))
	}
	_, err := s.Claim(ctx, d.ID, lease, at(1).Add(lease+time.Minute)) // past the first lease, within the renewed one
	wantErr(t, "Claim within a renewed lease", err, vault.ErrNotClaimable)

	second := claim(t, s, d.ID, at(8).Add(lease+time.Minute)) // the worker died: taken over
	wantErr(t, "Renew of a claim taken over", s.Renew(ctx, d.ID, first.Attempts, lease, at(30)), vault.ErrConflict)
	if err := s.Renew(ctx, d.ID, second.Attempts, lease, at(30)); err != nil {
		t.Errorf("Renew by the new holder: %v", err)
	}
	if err := s.Finish(ctx, d.ID, coffre.NewRecord(d.ID), "", vault.StateDone, "lu", at(31)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "Renew of a finished document", s.Renew(ctx, d.ID, second.Attempts, lease, at(32)), vault.ErrConflict)
	wantErr(t, "Renew of an unknown document", s.Renew(ctx, vault.NewID(), 1, lease, at(32)), vault.ErrConflict)
}

func testConcurrentClaims(t *testing.T, s vault.Store) {
	d := create(t, s, newDoc("p1"), at(0))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		claimed  int
		notAgain int
	)
	for range 8 {
		wg.Go(func() {
			_, err := s.Claim(t.Context(), d.ID, lease, at(1))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				claimed++
			case errors.Is(err, vault.ErrNotClaimable):
				notAgain++
			default:
				t.Errorf("Claim: %v", err)
			}
		})
	}
	wg.Wait()
	if claimed != 1 || notAgain != 7 {
		t.Errorf("8 concurrent claims: %d succeeded, %d not claimable; want 1 and 7", claimed, notAgain)
	}
	if d := get(t, s, d.ID); d.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", d.Attempts)
	}
}

func testFinish(t *testing.T, s vault.Store) {
	ctx := t.Context()
	r := rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{})
	d := create(t, s, newDoc("p1"), at(0))
	err := s.Finish(ctx, d.ID, r, "", vault.StateDone, "", at(1))
	wantErr(t, "Finish(received)", err, vault.ErrConflict)

	claim(t, s, d.ID, at(1))
	if err := s.Finish(ctx, d.ID, r, "", vault.StateReceived, "", at(2)); err == nil {
		t.Errorf("Finish(to received): no error")
	}
	if got := get(t, s, d.ID); got.State != vault.StateProcessing {
		t.Errorf("after a refused Finish: state %s, want processing", got.State)
	}
	// A worker that outlived its lease may still finish if nobody took over.
	finish(t, s, d.ID, r, "", vault.StateDone, at(1).Add(2*lease))
	err = s.Finish(ctx, d.ID, r, "", vault.StateFailed, "", at(30))
	wantErr(t, "Finish(done)", err, vault.ErrConflict)
	if got := get(t, s, d.ID); got.State != vault.StateDone {
		t.Errorf("after a second Finish: state %s, want done", got.State)
	}
	err = s.Finish(ctx, vault.NewID(), r, "", vault.StateDone, "", at(2))
	wantErr(t, "Finish(unknown)", err, vault.ErrNotFound)
}

func testRelease(t *testing.T, s vault.Store) {
	ctx := t.Context()
	d := create(t, s, newDoc("p1"), at(0))
	wantErr(t, "Release(received)", s.Release(ctx, d.ID, "", at(1)), vault.ErrConflict)
	claim(t, s, d.ID, at(1))
	if err := s.Release(ctx, d.ID, "OCR indisponible", at(2)); err != nil {
		t.Fatalf("Release: %v", err)
	}
	got := get(t, s, d.ID)
	if got.State != vault.StateReceived || !got.LeaseUntil.IsZero() || !got.UpdatedAt.Equal(at(2)) {
		t.Errorf("after Release: state %s, lease %v, updated %v", got.State, got.LeaseUntil, got.UpdatedAt)
	}
	if got := claim(t, s, d.ID, at(2)); got.Attempts != 2 { // at once
		t.Errorf("Claim after Release: attempts %d, want 2", got.Attempts)
	}
	finish(t, s, d.ID, coffre.NewRecord("x"), "", vault.StateDone, at(3))
	wantErr(t, "Release(done)", s.Release(ctx, d.ID, "", at(4)), vault.ErrConflict)
	wantErr(t, "Release(unknown)", s.Release(ctx, vault.NewID(), "", at(4)), vault.ErrNotFound)
}

func testStale(t *testing.T, s vault.Store) {
	const grace = 10 * time.Minute
	now := at(60)
	oldReceived := create(t, s, docOf("p1", "a"), at(0))
	if _, created, err := s.Create(t.Context(), docOf("p1", "a"), at(0)); err != nil || created {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err) // never stale
	}
	create(t, s, newDoc("p1"), now.Add(-grace)) // not before now-grace
	create(t, s, newDoc("p1"), at(55))
	expired := create(t, s, newDoc("p1"), at(1))
	claim(t, s, expired.ID, now.Add(-lease-time.Millisecond))
	live := create(t, s, newDoc("p1"), at(2))
	claim(t, s, live.ID, now.Add(-lease+time.Millisecond))
	released := create(t, s, newDoc("p1"), at(3)) // received again a minute ago
	claim(t, s, released.ID, at(58))
	if err := s.Release(t.Context(), released.ID, "", at(59)); err != nil {
		t.Fatal(err)
	}
	read(t, s, "p1", coffre.NewRecord("x"), "", vault.StateDone, at(4))

	stale, err := s.Stale(t.Context(), grace, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{oldReceived.ID, expired.ID}, ids(stale)); diff != "" {
		t.Errorf("Stale (-want +got):\n%s", diff)
	}
}

func testEvents(t *testing.T, s vault.Store) {
	d := create(t, s, newDoc("p1"), at(0))
	claim(t, s, d.ID, at(1))
	if err := s.Release(t.Context(), d.ID, "OCR indisponible", at(2)); err != nil {
		t.Fatal(err)
	}
	claim(t, s, d.ID, at(3))
	claim(t, s, d.ID, at(3).Add(lease+time.Second))
	finish(t, s, d.ID, coffre.NewRecord("x"), "", vault.StateNeedsReview, at(20))
	got, err := s.Events(t.Context(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []vault.Event{
		{From: "", To: vault.StateReceived, At: at(0)},
		{From: vault.StateReceived, To: vault.StateProcessing, At: at(1)},
		{From: vault.StateProcessing, To: vault.StateReceived, At: at(2), Cause: "OCR indisponible"},
		{From: vault.StateReceived, To: vault.StateProcessing, At: at(3)},
		{From: vault.StateProcessing, To: vault.StateProcessing, At: at(3).Add(lease + time.Second)},
		{From: vault.StateProcessing, To: vault.StateNeedsReview, At: at(20), Cause: "Analyse terminée"},
	}
	for i := range want {
		want[i].DocumentID = d.ID
	}
	// The store words its own causes; those given by the caller are kept.
	ignoreOwnCauses := cmp.Comparer(func(a, b vault.Event) bool {
		return a.DocumentID == b.DocumentID && a.From == b.From && a.To == b.To && a.At.Equal(b.At) &&
			(a.Cause == b.Cause || a.Cause == "" || b.Cause == "")
	})
	if diff := cmp.Diff(want, got, ignoreOwnCauses); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if e.Cause == "" {
			t.Errorf("event %s → %s has no cause", e.From, e.To)
		}
	}
	_, err = s.Events(t.Context(), vault.NewID())
	wantErr(t, "Events(unknown)", err, vault.ErrNotFound)
}

func testCounts(t *testing.T, s vault.Store) {
	empty := map[vault.State]int{
		vault.StateReceived: 0, vault.StateProcessing: 0, vault.StateDone: 0,
		vault.StateFailed: 0, vault.StateNeedsReview: 0,
	}
	got, err := s.Counts(t.Context())
	if err != nil || !cmp.Equal(got, empty) {
		t.Errorf("Counts(empty store) = %v, %v; want %v", got, err, empty)
	}
	create(t, s, docOf("p1", "a"), at(0))
	create(t, s, newDoc("p1"), at(0))
	if _, created, err := s.Create(t.Context(), docOf("p1", "a"), at(1)); err != nil || created {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err) // and does not count
	}
	claim(t, s, create(t, s, newDoc("p1"), at(0)).ID, at(1))
	for _, state := range []vault.State{vault.StateDone, vault.StateDone, vault.StateFailed, vault.StateNeedsReview} {
		read(t, s, "p1", coffre.NewRecord("x"), "", state, at(2))
	}
	want := map[vault.State]int{
		vault.StateReceived: 2, vault.StateProcessing: 1, vault.StateDone: 2,
		vault.StateFailed: 1, vault.StateNeedsReview: 1,
	}
	got, err = s.Counts(t.Context())
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("Counts = %v, %v; want %v", got, err, want)
	}
}

func testPingClose(t *testing.T, s vault.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Errorf("Ping after Close: no error")
	}
}

// testUploadedBy: the uploader is stored and read back by Get and Search;
// a duplicate keeps its own.
func testUploadedBy(t *testing.T, s vault.Store) {
	ctx := t.Context()
	first := docOf("p1", "pages")
	first.UploadedBy = "agent1"
	create(t, s, first, at(0))
	dup := docOf("p1", "pages")
	dup.UploadedBy = "agent2"
	original, created, err := s.Create(ctx, dup, at(1))
	if err != nil || created {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err)
	}
	anonymous := create(t, s, newDoc("p1"), at(2))

	page, err := s.Search(ctx, vault.Query{PersonID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, d := range page.Documents {
		found[d.ID] = d.UploadedBy
	}
	for _, tt := range []struct {
		name, got, want string
	}{
		{"Create's original", original.UploadedBy, "agent1"},
		{"Get of the original", get(t, s, first.ID).UploadedBy, "agent1"},
		{"Get of the duplicate", get(t, s, dup.ID).UploadedBy, "agent2"},
		{"Get without uploader", get(t, s, anonymous.ID).UploadedBy, ""},
		{"Search of the original", found[first.ID], "agent1"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: UploadedBy %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
