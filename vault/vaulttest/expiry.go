package vaulttest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"coffre"
	"coffre/vault"
)

// flag runs FlagExpiries, which must succeed.
func flag(t *testing.T, s vault.Store, asOf coffre.Date, now time.Time) []vault.Alert {
	t.Helper()
	alerts, err := s.FlagExpiries(t.Context(), asOf, 30, now)
	if err != nil {
		t.Fatalf("FlagExpiries(%s): %v", asOf, err)
	}
	return alerts
}

// sameAlerts compares alerts as sets, ids aside.
var sameAlerts = gocmp.Options{
	cmpopts.IgnoreFields(vault.Alert{}, "ID"),
	cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b vault.Alert) bool {
		return cmp.Or(cmp.Compare(a.DocumentID, b.DocumentID), cmp.Compare(a.Kind, b.Kind)) < 0
	}),
}

func testFlagExpiries(t *testing.T, s vault.Store) {
	caf, avis, id := coffre.TypeAttestationCAF, coffre.TypeAvisImposition, coffre.TypePieceIdentite
	none := coffre.Date{}
	expired := read(t, s, "p1", rec(caf, "", none, asOf.AddDays(-5)), "", vault.StateDone, at(0))
	soon := read(t, s, "p1", rec(avis, "", none, asOf.AddDays(10)), "", vault.StateDone, at(1))
	read(t, s, "p2", rec(id, coffre.SubtypeCNI, none, asOf.AddDays(200)), "", vault.StateDone, at(2))
	read(t, s, "p2", rec(caf, "", none, none), "", vault.StateDone, at(3))
	// Only done documents are flagged.
	read(t, s, "p3", rec(caf, "", none, asOf.AddDays(-5)), "", vault.StateNeedsReview, at(4))
	read(t, s, "p3", rec(avis, "", none, asOf.AddDays(-5)), "", vault.StateFailed, at(5))
	// The bounds of expiring soon, in subtypes that do not supersede
	// each other.
	sameDay := read(t, s, "p4", rec(id, coffre.SubtypeCNI, none, asOf), "", vault.StateDone, at(6))
	lastDay := read(t, s, "p4", rec(id, coffre.SubtypePasseport, none, asOf.AddDays(30)), "", vault.StateDone, at(7))
	nextDay := read(t, s, "p4", rec(id, coffre.SubtypeTitreSejour, none, asOf.AddDays(31)), "", vault.StateDone, at(8))

	now := at(60)
	first := []vault.Alert{
		{DocumentID: expired, PersonID: "p1", Kind: coffre.StatusExpired, ExpiresOn: asOf.AddDays(-5), CreatedAt: now},
		{DocumentID: soon, PersonID: "p1", Kind: coffre.StatusExpiringSoon, ExpiresOn: asOf.AddDays(10), CreatedAt: now},
		{DocumentID: sameDay, PersonID: "p4", Kind: coffre.StatusExpiringSoon, ExpiresOn: asOf, CreatedAt: now},
		{DocumentID: lastDay, PersonID: "p4", Kind: coffre.StatusExpiringSoon, ExpiresOn: asOf.AddDays(30), CreatedAt: now},
	}
	got := flag(t, s, asOf, now)
	if diff := gocmp.Diff(first, got, sameAlerts); diff != "" {
		t.Errorf("FlagExpiries (-want +got):\n%s", diff)
	}
	if got := flag(t, s, asOf, now.Add(time.Hour)); len(got) != 0 {
		t.Errorf("FlagExpiries again raised %v, want none", got)
	}
	// Twenty days later, two of the expiring ones have expired, and one
	// more expires soon.
	later := []vault.Alert{
		{DocumentID: soon, PersonID: "p1", Kind: coffre.StatusExpired, ExpiresOn: asOf.AddDays(10), CreatedAt: at(120)},
		{DocumentID: sameDay, PersonID: "p4", Kind: coffre.StatusExpired, ExpiresOn: asOf, CreatedAt: at(120)},
		{DocumentID: nextDay, PersonID: "p4", Kind: coffre.StatusExpiringSoon, ExpiresOn: asOf.AddDays(31), CreatedAt: at(120)},
	}
	if diff := gocmp.Diff(later, flag(t, s, asOf.AddDays(20), at(120)), sameAlerts); diff != "" {
		t.Errorf("FlagExpiries 20 days later (-want +got):\n%s", diff)
	}

	all, err := s.Alerts(t.Context(), "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(append(first, later...), all, sameAlerts); diff != "" {
		t.Errorf("Alerts (-want +got):\n%s", diff)
	}
	seen := map[int64]bool{}
	for i, a := range all {
		if a.ID == 0 || seen[a.ID] || (i > 0 && a.CreatedAt.Before(all[i-1].CreatedAt)) {
			t.Errorf("Alerts: %d-th alert %+v: zero or repeated id, or out of order", i, a)
		}
		seen[a.ID] = true
	}
}

func testSuperseded(t *testing.T, s vault.Store) {
	id, none := coffre.TypePieceIdentite, coffre.Date{}
	cni, passport, titre := coffre.SubtypeCNI, coffre.SubtypePasseport, coffre.SubtypeTitreSejour
	done := func(person, subtype string, issued, expires coffre.Date, n int) string {
		return read(t, s, person, rec(id, subtype, issued, expires), "", vault.StateDone, at(n))
	}
	// p1 renewed an expired card.
	oldCard := done("p1", cni, coffre.NewDate(2015, 1, 1), asOf.AddDays(-100), 0)
	newCard := done("p1", cni, coffre.NewDate(2024, 5, 1), coffre.NewDate(2039, 4, 30), 1)
	// p2 uploaded an older passport last: the date of issue decides.
	recent := done("p2", passport, coffre.NewDate(2023, 1, 1), asOf.AddDays(3000), 2)
	older := done("p2", passport, coffre.NewDate(2015, 1, 1), asOf.AddDays(-1), 3)
	// p3's residence permits have no date of issue: the last received wins.
	first := done("p3", titre, none, asOf.AddDays(-3), 4)
	second := done("p3", titre, none, asOf.AddDays(3), 5)
	// p4 has one of each: nothing superseded.
	card := done("p4", cni, coffre.NewDate(2020, 1, 1), asOf.AddDays(-2), 6)
	pass := done("p4", passport, coffre.NewDate(2021, 1, 1), asOf.AddDays(-2), 7)
	// p5's newer card has no known expiry: it does not hide the old one.
	expiring := done("p5", cni, coffre.NewDate(2016, 1, 1), asOf.AddDays(-2), 8)
	done("p5", cni, coffre.NewDate(2024, 1, 1), none, 9)

	now := at(60)
	want := []vault.Alert{
		{DocumentID: second, PersonID: "p3", Kind: coffre.StatusExpiringSoon, ExpiresOn: asOf.AddDays(3), CreatedAt: now},
		{DocumentID: card, PersonID: "p4", Kind: coffre.StatusExpired, ExpiresOn: asOf.AddDays(-2), CreatedAt: now},
		{DocumentID: pass, PersonID: "p4", Kind: coffre.StatusExpired, ExpiresOn: asOf.AddDays(-2), CreatedAt: now},
		{DocumentID: expiring, PersonID: "p5", Kind: coffre.StatusExpired, ExpiresOn: asOf.AddDays(-2), CreatedAt: now},
	}
	if diff := gocmp.Diff(want, flag(t, s, asOf, now), sameAlerts); diff != "" {
		t.Errorf("FlagExpiries (-want +got):\n%s", diff)
	}
	wantSuperseded(t, s, map[string]string{
		oldCard: newCard, newCard: "", recent: "", older: recent, first: second, second: "",
		card: "", pass: "", expiring: "",
	})

	// A third permit: both earlier ones now point to it, and the second,
	// superseded, gets no more alerts.
	third := done("p3", titre, none, asOf.AddDays(400), 10)
	if got := flag(t, s, asOf.AddDays(10), at(61)); len(got) != 0 {
		t.Errorf("FlagExpiries after a renewal raised %+v, want none", got)
	}
	wantSuperseded(t, s, map[string]string{first: third, second: third, third: ""})
	page, err := s.Search(t.Context(), vault.Query{PersonID: "p3", Limit: 1, Cursor: ""})
	if err != nil || len(page.Documents) != 1 || page.Documents[0].SupersededBy != "" {
		t.Errorf("Search(p3) = %+v, %v; want the newest permit, not superseded", page, err)
	}
}

// wantSuperseded checks the SupersededBy of documents (id → newer id).
func wantSuperseded(t *testing.T, s vault.Store, want map[string]string) {
	t.Helper()
	for id, newer := range want {
		if got := get(t, s, id).SupersededBy; got != newer {
			t.Errorf("document %s superseded by %q, want %q", id, got, newer)
		}
	}
}

func testAlertsSince(t *testing.T, s vault.Store) {
	caf, avis, none := coffre.TypeAttestationCAF, coffre.TypeAvisImposition, coffre.Date{}
	read(t, s, "p1", rec(caf, "", none, asOf.AddDays(-1)), "", vault.StateDone, at(0))
	first := flag(t, s, asOf, at(10))
	read(t, s, "p2", rec(caf, "", none, asOf.AddDays(5)), "", vault.StateDone, at(11))
	read(t, s, "p1", rec(avis, "", none, asOf.AddDays(-1)), "", vault.StateDone, at(12))
	second := flag(t, s, asOf, at(20))
	if len(first) != 1 || len(second) != 2 {
		t.Fatalf("FlagExpiries raised %d then %d alerts, want 1 then 2", len(first), len(second))
	}
	all := append(slices.Clone(first), second...)
	of := func(person string, alerts []vault.Alert) []vault.Alert {
		return slices.DeleteFunc(slices.Clone(alerts), func(a vault.Alert) bool { return a.PersonID != person })
	}
	tests := []struct {
		person string
		since  time.Time
		want   []vault.Alert
	}{
		{"", time.Time{}, all},
		{"", at(10), all}, // since is inclusive
		{"", at(10).Add(time.Millisecond), second},
		{"", at(21), nil},
		{"p1", time.Time{}, of("p1", all)},
		{"p2", at(20), of("p2", second)},
		{"p3", time.Time{}, nil},
	}
	for _, tt := range tests {
		got, err := s.Alerts(t.Context(), tt.person, tt.since)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Alerts(%q, %v) (-want +got):\n%s", tt.person, tt.since, diff)
		}
	}
}
