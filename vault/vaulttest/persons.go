package vaulttest

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/vault"
)

// personsTests are the suite's tests of the persons registry, persons'
// accounts and access links, which Exercise runs on every store that
// implements vault.Access.
var personsTests = []struct {
	name string
	run  func(t *testing.T, s vault.Store)
}{
	{"NameKey", testNameKey},
	{"PersonsCreate", testPersonsCreate},
	{"PersonsFind", testPersonsFind},
	{"PersonsVisible", testPersonsVisible},
	{"PersonUsers", testPersonUsers},
	{"AccessLinks", testAccessLinks},
}

func testNameKey(t *testing.T, _ vault.Store) {
	for _, tt := range []struct{ name, want string }{
		{"Élodie LEFÈVRE", "elodie lefevre"},
		{"  Jean-Noël   Çaba ", "jean-noel caba"},
		{"Œuvre Lætitia", "oeuvre laetitia"},
		{"E\u0301mile", "emile"}, // decomposed already
		{"", ""},
	} {
		if got := vault.NameKey(tt.name); got != tt.want {
			t.Errorf("NameKey(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// newPerson registers name in org, which must succeed.
func newPerson(t *testing.T, a vault.Access, org vault.Org, name string) vault.Person {
	t.Helper()
	p, err := a.CreatePerson(t.Context(), vault.Person{OrgID: org.ID, Name: name}, at(0))
	if err != nil {
		t.Fatalf("CreatePerson: %v", err)
	}
	return p
}

// grant records m (collected in person unless said), at minute 0, which
// must succeed.
func grant(t *testing.T, a vault.Access, m vault.Mandate) vault.Mandate {
	t.Helper()
	if m.Collected == "" {
		m.Collected = vault.CollectedInPerson
	}
	got, err := a.GrantMandate(t.Context(), m, at(0))
	if err != nil {
		t.Fatalf("GrantMandate: %v", err)
	}
	return got
}

func testPersonsCreate(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	now := base.Add(1500 * time.Microsecond).In(time.FixedZone("CEST", 2*3600))
	p, err := a.CreatePerson(ctx, vault.Person{OrgID: org.ID, Name: "Élodie Lefèvre",
		BirthDate: coffre.NewDate(1980, time.March, 4)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(p.ID) || !p.CreatedAt.Equal(now) || p.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatePerson returned %+v: want a new id, created now in UTC", p)
	}
	if got, err := a.GetPerson(ctx, p.ID); err != nil || got != p {
		t.Errorf("GetPerson = %+v, %v; want %+v", got, err, p)
	}
	// An id given is kept; no birth date is the zero Date.
	given, err := a.CreatePerson(ctx, vault.Person{ID: "p1", OrgID: org.ID, Name: "Paul"}, at(1))
	if err != nil || given.ID != "p1" {
		t.Fatalf("CreatePerson with id p1 = %+v, %v", given, err)
	}
	if got, err := a.GetPerson(ctx, "p1"); err != nil || got != given || !got.BirthDate.IsZero() {
		t.Errorf("GetPerson(p1) = %+v, %v; want %+v", got, err, given)
	}
	_, err = a.GetPerson(ctx, vault.NewID())
	wantErr(t, "GetPerson of an unknown id", err, vault.ErrNotFound)

	for _, tt := range []struct {
		name string
		p    vault.Person
		want error // nil: any error
	}{
		{"id taken", vault.Person{ID: "p1", OrgID: org.ID, Name: "Pierre"}, vault.ErrConflict},
		{"unknown org", vault.Person{OrgID: vault.NewID(), Name: "Pierre"}, vault.ErrNotFound},
		{"no org", vault.Person{Name: "Pierre"}, nil},
		{"no name", vault.Person{OrgID: org.ID, Name: " "}, nil},
	} {
		_, err := a.CreatePerson(ctx, tt.p, at(2))
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CreatePerson, %s: error %v, want %v", tt.name, err, cmpOr(tt.want, "an error"))
		}
	}
	if got, _ := a.GetPerson(ctx, "p1"); got.Name != "Paul" {
		t.Errorf("CreatePerson of an id taken changed it: %+v", got)
	}
}

func testPersonsFind(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	orgA, orgB := newOrg(t, a, "CCAS A"), newOrg(t, a, "CCAS B")
	names := map[string]string{} // id → name
	for _, n := range []string{"Élodie Lefèvre", "Emma Bovary", "Émile Zola", "Lætitia Œuvre", "Remi 100% Sur_e"} {
		names[newPerson(t, a, orgA, n).ID] = n
	}
	martin := newPerson(t, a, orgB, "Elodie Martin")
	names[martin.ID] = martin.Name
	names[newPerson(t, a, orgB, "Elodie Durand").ID] = "Elodie Durand"
	// Martin, registered by B, gave A a mandate, since revoked: A knows her.
	m := grant(t, a, vault.Mandate{PersonID: martin.ID, OrgID: orgA.ID})
	if err := a.RevokeMandate(ctx, m.ID, "x", at(1)); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, org, text string
		limit           int
		want            []string
	}{
		{"accents and case folded", orgA.ID, "ELODIE", 0, []string{"Élodie Lefèvre", "Elodie Martin"}},
		{"in the middle", orgA.ID, "lefevre", 0, []string{"Élodie Lefèvre"}},
		{"accented query", orgA.ID, "Lefèvre", 0, []string{"Élodie Lefèvre"}},
		{"ligatures", orgA.ID, "laetitia oeuvre", 0, []string{"Lætitia Œuvre"}},
		{"everyone, folded order", orgA.ID, "", 0, []string{"Élodie Lefèvre", "Elodie Martin", "Émile Zola", "Emma Bovary", "Lætitia Œuvre", "Remi 100% Sur_e"}},
		{"limit", orgA.ID, "", 2, []string{"Élodie Lefèvre", "Elodie Martin"}},
		{"percent is no wildcard", orgA.ID, "%", 0, []string{"Remi 100% Sur_e"}},
		{"underscore is no wildcard", orgA.ID, "r_e", 0, []string{"Remi 100% Sur_e"}},
		{"other organisation", orgB.ID, "elodie", 0, []string{"Elodie Durand", "Elodie Martin"}},
		{"unknown organisation", vault.NewID(), "", 0, []string{}},
		{"nobody", orgA.ID, "zzz", 0, []string{}},
	} {
		ps, err := a.FindPersons(ctx, tt.org, tt.text, tt.limit)
		if err != nil {
			t.Fatalf("FindPersons, %s: %v", tt.name, err)
		}
		got := []string{}
		for _, p := range ps {
			got = append(got, names[p.ID])
		}
		if diff := gocmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindPersons, %s (-want +got):\n%s", tt.name, diff)
		}
	}
	for range vault.DefaultPersonsLimit + 1 {
		newPerson(t, a, orgB, "Dupont")
	}
	if ps, err := a.FindPersons(ctx, orgB.ID, "dupont", 0); err != nil || len(ps) != vault.DefaultPersonsLimit {
		t.Errorf("FindPersons without a limit: %d persons, %v; want %d", len(ps), err, vault.DefaultPersonsLimit)
	}
}

func testPersonsVisible(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	orgA, orgB := newOrg(t, a, "CCAS A"), newOrg(t, a, "CCAS B")
	registered := newPerson(t, a, orgA, "Anne")
	m := grant(t, a, vault.Mandate{PersonID: "revoked", OrgID: orgA.ID})
	if err := a.RevokeMandate(ctx, m.ID, "x", at(1)); err != nil {
		t.Fatal(err)
	}
	grant(t, a, vault.Mandate{PersonID: "expired", OrgID: orgA.ID, GrantedAt: at(0), Until: at(1)})
	grant(t, a, vault.Mandate{PersonID: "in force", OrgID: orgA.ID})
	grant(t, a, vault.Mandate{PersonID: "of B", OrgID: orgB.ID})

	for _, tt := range []struct {
		name, org, person string
		want              bool
	}{
		{"registered by the org", orgA.ID, registered.ID, true},
		{"registered by another org", orgB.ID, registered.ID, false},
		{"mandate in force", orgA.ID, "in force", true},
		{"mandate revoked", orgA.ID, "revoked", true},
		{"mandate expired", orgA.ID, "expired", true},
		{"mandate to another org", orgA.ID, "of B", false},
		{"unknown person", orgA.ID, "nobody", false},
	} {
		got, err := a.PersonVisible(ctx, tt.org, tt.person)
		if err != nil || got != tt.want {
			t.Errorf("PersonVisible, %s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// testPersonUsers: a person's account needs no email, and is one per
// person.
func testPersonUsers(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	anne := newUser(t, a, vault.User{Name: "Anne", Role: vault.RolePerson, PersonID: "p1"}, "")
	newUser(t, a, vault.User{Name: "Bob", Role: vault.RolePerson, PersonID: "p2"}, "") // two without email
	newUser(t, a, vault.User{Email: "carl@example.org", Role: vault.RolePerson, PersonID: "p3"}, "")

	if got, err := a.UserByPerson(ctx, "p1"); err != nil || got != anne {
		t.Errorf("UserByPerson(p1) = %+v, %v; want %+v", got, err, anne)
	}
	_, err := a.UserByPerson(ctx, "nobody")
	wantErr(t, "UserByPerson of a person without an account", err, vault.ErrNotFound)
	staff(t, a, org, vault.RoleCaseworker, "cw@ccas.fr")
	_, err = a.UserByPerson(ctx, "")
	wantErr(t, "UserByPerson of no person (staff have none)", err, vault.ErrNotFound)

	_, err = a.CreateUser(ctx, vault.User{Email: "anne@example.org", Role: vault.RolePerson, PersonID: "p1"}, "", at(1))
	wantErr(t, "CreateUser of a second account of a person", err, vault.ErrConflict)
	_, err = a.CreateUser(ctx, vault.User{OrgID: org.ID, Role: vault.RoleCaseworker}, "", at(1))
	if err == nil {
		t.Error("CreateUser of staff without an email succeeded")
	}
	// No email matches an account without one.
	_, err = a.Authenticate(ctx, "", "")
	wantErr(t, "Authenticate without an email", err, vault.ErrUnauthorized)
}

func testAccessLinks(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	anne := newUser(t, a, vault.User{Name: "Anne", Role: vault.RolePerson, PersonID: "p1"}, "")
	gone := newUser(t, a, vault.User{Role: vault.RolePerson, PersonID: "p2", Disabled: true}, "")
	const ttl = 15 * time.Minute
	link := func(u vault.User) string {
		t.Helper()
		token, err := a.CreateAccessLink(ctx, u.ID, ttl, at(0))
		if err != nil {
			t.Fatalf("CreateAccessLink: %v", err)
		}
		return token
	}

	token := link(anne)
	if !strings.HasPrefix(token, vault.LinkPrefix) || len(token) != len(vault.LinkPrefix)+43 {
		t.Errorf("link token %q: want %s and 32 bytes in base64url", token, vault.LinkPrefix)
	}
	if got, err := a.UseAccessLink(ctx, token, at(0).Add(ttl-time.Millisecond)); err != nil || got != anne {
		t.Errorf("UseAccessLink = %+v, %v; want %+v", got, err, anne)
	}
	expired := link(anne)
	changed := []byte(link(anne))
	changed[len(changed)-1] ^= 1
	for _, tt := range []struct {
		name, token string
		now         time.Time
	}{
		{"used already", token, at(1)},
		{"at expiry", expired, at(0).Add(ttl)},
		{"expired, then in time", expired, at(1)}, // the expired use deleted it
		{"one character changed", string(changed), at(1)},
		{"its hash", vault.TokenHash(token), at(1)},
		{"a session id", vault.NewToken(vault.SessionPrefix), at(1)},
		{"of a disabled user", link(gone), at(1)},
	} {
		u, err := a.UseAccessLink(ctx, tt.token, tt.now)
		if !errors.Is(err, vault.ErrUnauthorized) || u != (vault.User{}) {
			t.Errorf("UseAccessLink, %s: %+v, %v; want ErrUnauthorized", tt.name, u, err)
		}
	}

	// Of uses at once, one wins.
	token = link(anne)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range 8 {
		wg.Go(func() {
			if _, err := a.UseAccessLink(ctx, token, at(1)); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent uses of one link succeeded, want 1", wins)
	}

	_, err := a.CreateAccessLink(ctx, vault.NewID(), ttl, at(0))
	wantErr(t, "CreateAccessLink of an unknown user", err, vault.ErrNotFound)
	if _, err := a.CreateAccessLink(ctx, anne.ID, 0, at(0)); err == nil {
		t.Error("CreateAccessLink without a ttl succeeded")
	}
}
