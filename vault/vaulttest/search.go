package vaulttest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/policy"
	"coffre/vault"
)

// search runs q, which must succeed, and returns the ids of its page.
func search(t *testing.T, s vault.Store, q vault.Query) []string {
	t.Helper()
	page, err := s.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return ids(page.Documents)
}

func testSearchFilters(t *testing.T, s vault.Store) {
	id := coffre.TypePieceIdentite
	// Created one minute apart, so newest first is bottom to top.
	cni := read(t, s, "p1", rec(id, coffre.SubtypeCNI, coffre.Date{}, asOf.AddDays(100)),
		"RÉPUBLIQUE FRANÇAISE carte nationale d'identité née à Besançon", vault.StateDone, at(0))
	passport := read(t, s, "p1", rec(id, coffre.SubtypePasseport, coffre.Date{}, asOf.AddDays(-10)),
		"Passeport, lieu de naissance Lyon", vault.StateDone, at(1))
	avis := read(t, s, "p2", rec(coffre.TypeAvisImposition, "", coffre.Date{}, asOf.AddDays(10)),
		"Avis d'impôt 2024 sur les revenus 2023, Montbéliard", vault.StateDone, at(2))
	caf := read(t, s, "p2", rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{}),
		"Caisse d'allocations familiales du Doubs, Besançon", vault.StateDone, at(3))
	review := read(t, s, "p1", rec(id, coffre.SubtypeTitreSejour, coffre.Date{}, asOf.AddDays(-1)),
		"Titre de séjour", vault.StateNeedsReview, at(4))
	failed := read(t, s, "p2", rec(coffre.TypeUnknown, "", coffre.Date{}, coffre.Date{}), "", vault.StateFailed, at(5))
	received := create(t, s, newDoc("p1"), at(6)).ID
	once := create(t, s, docOf("p1", "once"), at(7)).ID
	if _, created, err := s.Create(t.Context(), docOf("p1", "once"), at(8)); err != nil || created {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err) // never found
	}

	status := func(st coffre.Status) vault.Query { return vault.Query{Status: st, AsOf: asOf, SoonDays: 30} }
	tests := []struct {
		name string
		q    vault.Query
		want []string
	}{
		{"all", vault.Query{}, []string{once, received, failed, review, caf, avis, passport, cni}},
		{"person", vault.Query{PersonID: "p2"}, []string{failed, caf, avis}},
		{"unknown person", vault.Query{PersonID: "p3"}, nil},
		{"type", vault.Query{Type: id}, []string{review, passport, cni}},
		{"type and subtype", vault.Query{Type: id, Subtype: coffre.SubtypeCNI}, []string{cni}},
		{"subtype", vault.Query{Subtype: coffre.SubtypePasseport}, []string{passport}},
		{"valid", status(coffre.StatusValid), []string{cni}},
		{"expiring soon", status(coffre.StatusExpiringSoon), []string{avis}},
		{"expired", status(coffre.StatusExpired), []string{review, passport}},
		{"undetermined", status(coffre.StatusUndetermined), []string{caf}},
		{"expires before, strictly", vault.Query{ExpiresBefore: asOf.AddDays(10)}, []string{review, passport}},
		{"expires before, a day later", vault.Query{ExpiresBefore: asOf.AddDays(11)}, []string{review, avis, passport}},
		{"text", vault.Query{Text: "besancon"}, []string{caf, cni}},
		{"text and person", vault.Query{Text: "besancon", PersonID: "p1"}, []string{cni}},
		{"person, type, status", vault.Query{PersonID: "p1", Type: id, Status: coffre.StatusExpired, AsOf: asOf}, []string{review, passport}},
		{"type, status, text", vault.Query{Type: id, Status: coffre.StatusValid, AsOf: asOf, SoonDays: 30, Text: "identite"}, []string{cni}},
		{"nothing in common", vault.Query{PersonID: "p2", Type: id}, nil},
	}
	for _, tt := range tests {
		if diff := gocmp.Diff(tt.want, search(t, s, tt.q)); diff != "" {
			t.Errorf("%s: Search(%+v) (-want +got):\n%s", tt.name, tt.q, diff)
		}
	}
}

// testStatusBoundaries checks the stores' statuses against the policy's,
// on both sides of asOf and of asOf+SoonDays.
func testStatusBoundaries(t *testing.T, s vault.Store) {
	typ := coffre.TypeAttestationCAF
	expiries := map[string]coffre.Date{}
	for i, days := range []int{-400, -1, 0, 1, 29, 30, 31, 400} {
		e := asOf.AddDays(days)
		expiries[read(t, s, "p1", rec(typ, "", coffre.Date{}, e), "", vault.StateDone, at(i))] = e
	}
	expiries[read(t, s, "p1", rec(typ, "", coffre.Date{}, coffre.Date{}), "", vault.StateDone, at(10))] = coffre.Date{}
	// Without a status: not read yet, or failed.
	create(t, s, newDoc("p1"), at(11))
	read(t, s, "p1", rec(typ, "", coffre.Date{}, asOf.AddDays(-1)), "", vault.StateFailed, at(12))

	for _, soon := range []int{0, 30} {
		p := policy.Policy{ExpiringSoonDays: soon}
		for _, st := range []coffre.Status{coffre.StatusValid, coffre.StatusExpiringSoon, coffre.StatusExpired, coffre.StatusUndetermined} {
			var want []string
			for id, e := range expiries {
				if p.Status(e, asOf) == st {
					want = append(want, id)
				}
			}
			got := search(t, s, vault.Query{Status: st, AsOf: asOf, SoonDays: soon})
			slices.Sort(want)
			slices.Sort(got)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("soon %d days, status %s (-want +got):\n%s", soon, st, diff)
			}
		}
	}
}

func testText(t *testing.T, s vault.Store) {
	texts := map[string]string{
		"avis":    "AVIS D'IMPÔT 2024 sur les revenus de l'année 2023",
		"plain":   "impot sur le revenu, sans accents",
		"city":    "Fait à Besançon le 3 mars",
		"upper":   "BESANCON",
		"school":  "Élève de l'ÉCOLE de Montbéliard",
		"id card": "Carte nationale d'identité n° 880692310285",
	}
	docs := map[string]string{} // id → name
	for name, text := range texts {
		id := read(t, s, "p1", rec(coffre.TypeUnknown, "", coffre.Date{}, coffre.Date{}), text, vault.StateDone, at(len(docs)))
		docs[id] = name
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"impot", []string{"avis", "plain"}},
		{"impôt", []string{"avis", "plain"}},
		{"IMPOT", []string{"avis", "plain"}},
		{"besancon", []string{"city", "upper"}},
		{"Besançon", []string{"city", "upper"}},
		{"besan", []string{"city", "upper"}},        // prefixes match
		{"sancon", nil},                             // not the middle of a word
		{"revenu impot", []string{"avis", "plain"}}, // every word, in any order
		{"impôt Besançon", nil},
		{"eleve ecole montbeliard", []string{"school"}},
		{"identite", []string{"id card"}},
		{"880692310285", []string{"id card"}},
		{"lyon", nil},
		{"« ... »", []string{"avis", "plain", "city", "upper", "school", "id card"}}, // no word: no filter
	}
	for _, tt := range tests {
		var got []string
		for _, id := range search(t, s, vault.Query{Text: tt.query}) {
			got = append(got, docs[id])
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if diff := gocmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Search(Text: %q) (-want +got):\n%s", tt.query, diff)
		}
	}
}

// testPagination walks pages of results, some created at the same time,
// while more documents arrive.
func testPagination(t *testing.T, s vault.Store) {
	var created []*vault.Document
	for i := range 23 {
		created = append(created, create(t, s, newDoc(fmt.Sprint("p", i%2)), at(i/3))) // three at a time
	}
	// Newest first, and among documents created at the same time, by
	// decreasing id.
	slices.SortFunc(created, func(a, b *vault.Document) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.ID, a.ID))
	})
	var want []string
	for _, d := range created {
		want = append(want, d.ID)
	}
	if diff := gocmp.Diff(want, search(t, s, vault.Query{})); diff != "" {
		t.Fatalf("Search() (-want +got):\n%s", diff)
	}

	var got []string
	q := vault.Query{Limit: 5}
	for pages := 0; ; pages++ {
		page, err := s.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if pages > 5 {
			t.Fatalf("more than 5 pages of 5 for %d documents", len(want))
		}
		if len(page.Documents) > 5 {
			t.Fatalf("page of %d documents, limit 5", len(page.Documents))
		}
		got = append(got, ids(page.Documents)...)
		create(t, s, newDoc("p0"), at(100+pages)) // newer ones do not shift pages
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}

	// A last page that is full has no Next.
	first, err := s.Search(t.Context(), vault.Query{PersonID: "p1", Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Search(t.Context(), vault.Query{PersonID: "p1", Limit: 6, Cursor: first.Next})
	if err != nil || len(first.Documents) != 6 || len(second.Documents) != 5 || second.Next != "" {
		t.Errorf("p1's 11 documents by 6: pages of %d and %d, next %q, %v", len(first.Documents), len(second.Documents), second.Next, err)
	}
}

func testPageLimits(t *testing.T, s vault.Store) {
	for i := range vault.MaxLimit + 1 {
		create(t, s, newDoc("p1"), base.Add(time.Duration(i)*time.Second))
	}
	for _, tt := range []struct{ limit, want int }{
		{0, vault.DefaultLimit}, {-1, vault.DefaultLimit}, {7, 7}, {vault.MaxLimit + 100, vault.MaxLimit},
	} {
		page, err := s.Search(t.Context(), vault.Query{Limit: tt.limit})
		if err != nil || len(page.Documents) != tt.want || page.Next == "" {
			t.Errorf("Search(Limit %d) = %d documents, next %q, %v; want %d and a next page", tt.limit, len(page.Documents), page.Next, err, tt.want)
		}
	}
}

func testInvalidQueries(t *testing.T, s vault.Store) {
	for _, q := range []vault.Query{
		{Cursor: "not a cursor"},
		{Cursor: "bm9wZQ"},             // base64, but not of a cursor
		{Status: coffre.StatusExpired}, // no AsOf
		{Status: "perimé", AsOf: asOf},
	} {
		_, err := s.Search(t.Context(), q)
		wantErr(t, fmt.Sprintf("Search(%+v)", q), err, vault.ErrInvalidQuery)
	}
}

// testSearchReader: a reader finds the documents of the persons whose
// mandates allow them at the time, as MandateAllows decides.
func testSearchReader(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	orgA, orgB := newOrg(t, a, "CCAS A"), newOrg(t, a, "CCAS B")
	cw := staff(t, a, orgA, vault.RoleCaseworker, "cw@a.fr")
	colleague := staff(t, a, orgA, vault.RoleCaseworker, "colleague@a.fr")
	cwB := staff(t, a, orgB, vault.RoleCaseworker, "cw@b.fr")
	revoked := grant(t, a, vault.Mandate{PersonID: "revoked", OrgID: orgA.ID, GrantedAt: at(0)})
	if err := a.RevokeMandate(ctx, revoked.ID, "x", at(50)); err != nil {
		t.Fatal(err)
	}
	for _, m := range []vault.Mandate{
		{PersonID: "everyone", OrgID: orgA.ID, GrantedAt: at(0)},
		{PersonID: "named", OrgID: orgA.ID, GranteeID: cw.ID, GrantedAt: at(0)},
		{PersonID: "expired", OrgID: orgA.ID, GrantedAt: at(0), Until: at(10)},
		{PersonID: "later", OrgID: orgA.ID, GrantedAt: at(100)},
		{PersonID: "of B", OrgID: orgB.ID, GrantedAt: at(0)},
	} {
		grant(t, a, m)
	}
	docs := map[string]string{} // id → person
	for i, p := range []string{"everyone", "named", "expired", "later", "of B", "revoked", "none"} {
		id := read(t, s, p, rec(coffre.TypeAttestationCAF, "", coffre.Date{}, coffre.Date{}), "attestation", vault.StateDone, at(i))
		docs[id] = p
	}
	reader := func(u vault.User, n int) *vault.Reader { return &vault.Reader{OrgID: u.OrgID, UserID: u.ID, At: at(n)} }

	for _, tt := range []struct {
		name string
		q    vault.Query
		want []string
	}{
		{"caseworker named", vault.Query{Reader: reader(cw, 20)}, []string{"everyone", "named"}},
		{"colleague", vault.Query{Reader: reader(colleague, 20)}, []string{"everyone"}},
		{"before the end of a mandate", vault.Query{Reader: reader(colleague, 9)}, []string{"everyone", "expired"}},
		{"at its end", vault.Query{Reader: reader(colleague, 10)}, []string{"everyone"}},
		{"at its start", vault.Query{Reader: reader(colleague, 100)}, []string{"everyone", "later"}},
		{"revoked, even before the revocation", vault.Query{Reader: reader(colleague, 1)}, []string{"everyone", "expired"}},
		{"other organisation", vault.Query{Reader: reader(cwB, 20)}, []string{"of B"}},
		{"with other filters", vault.Query{Reader: reader(cw, 20), PersonID: "named", Text: "attestation"}, []string{"named"}},
		{"person not allowed", vault.Query{Reader: reader(colleague, 20), PersonID: "named"}, nil},
	} {
		var got []string
		for _, id := range search(t, s, tt.q) {
			got = append(got, docs[id])
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if diff := gocmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Search, %s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, r := range []*vault.Reader{{UserID: cw.ID, At: at(20)}, {OrgID: orgA.ID, UserID: cw.ID}} {
		_, err := s.Search(ctx, vault.Query{Reader: r})
		wantErr(t, fmt.Sprintf("Search(Reader %+v)", *r), err, vault.ErrInvalidQuery)
	}
}
