package vaulttest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/vault"
)

// accessTests are the suite's tests of vault.Access, which Exercise runs
// on every store that implements it.
var accessTests = []struct {
	name string
	run  func(t *testing.T, s vault.Store)
}{
	{"PasswordHash", testPasswordHash},
	{"AccessOrgs", testAccessOrgs},
	{"AccessUsers", testAccessUsers},
	{"AccessAuthenticate", testAccessAuthenticate},
	{"AccessTokens", testAccessTokens},
	{"AccessSessions", testAccessSessions},
	{"AccessMandates", testAccessMandates},
	{"AccessMayRead", testAccessMayRead},
	{"AccessRevoke", testAccessRevoke},
	{"AccessUsersOfOrg", testAccessUsersOfOrg},
	{"AccessDisable", testAccessDisable},
	{"AccessActors", testAccessActors},
	{"AccessSetPassword", testAccessSetPassword},
}

// testAccessSetPassword: the new password logs in, the old one no more,
// and the sessions opened with the old one are over.
func testAccessSetPassword(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	u := newUser(t, a, vault.User{OrgID: org.ID, Email: "marie@ccas.fr", Role: vault.RoleCaseworker}, "ancien mot de passe")
	session, err := a.CreateSession(ctx, u.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetPassword(ctx, u.ID, "nouveau mot de passe"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, "marie@ccas.fr", "nouveau mot de passe"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	wantErr(t, "the old password", func() error { _, err := a.Authenticate(ctx, "marie@ccas.fr", "ancien mot de passe"); return err }(), vault.ErrUnauthorized)
	wantErr(t, "a session of before", func() error { _, err := a.UserBySession(ctx, session, at(1)); return err }(), vault.ErrUnauthorized)
	wantErr(t, "an unknown user", a.SetPassword(ctx, vault.NewID(), "x"), vault.ErrNotFound)
}

// testAccessActors: the journal's actors by id, with their organisation's
// name; unknown ids left out.
func testAccessActors(t *testing.T, s vault.Store) {
	a := access(t, s)
	org := newOrg(t, a, "CCAS de Lyon")
	cw := newUser(t, a, vault.User{OrgID: org.ID, Email: "marie@ccas.fr", Name: "Marie", Role: vault.RoleCaseworker}, "")
	p := newUser(t, a, vault.User{Email: "paul@example.org", Name: "Paul", Role: vault.RolePerson, PersonID: "p1"}, "")
	got, err := a.Actors(t.Context(), []string{cw.ID, p.ID, "system", vault.NewID()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]vault.Actor{
		cw.ID: {Name: "Marie", Role: vault.RoleCaseworker, OrgName: "CCAS de Lyon"},
		p.ID:  {Name: "Paul", Role: vault.RolePerson},
	}
	if len(got) != len(want) || got[cw.ID] != want[cw.ID] || got[p.ID] != want[p.ID] {
		t.Errorf("Actors = %+v, want %+v", got, want)
	}
	if none, err := a.Actors(t.Context(), nil); err != nil || len(none) != 0 {
		t.Errorf("Actors(nil) = %v, %v; want none", none, err)
	}
}

// access returns s as a vault.Access, or skips t.
func access(t *testing.T, s vault.Store) vault.Access {
	t.Helper()
	a, ok := s.(vault.Access)
	if !ok {
		t.Skipf("%T is not a vault.Access", s)
	}
	return a
}

// newOrg creates the organisation name, which must succeed.
func newOrg(t *testing.T, a vault.Access, name string) vault.Org {
	t.Helper()
	o, err := a.CreateOrg(t.Context(), name, at(0))
	if err != nil {
		t.Fatalf("CreateOrg %q: %v", name, err)
	}
	return o
}

// newUser creates u with password, which must succeed.
func newUser(t *testing.T, a vault.Access, u vault.User, password string) vault.User {
	t.Helper()
	got, err := a.CreateUser(t.Context(), u, password, at(0))
	if err != nil {
		t.Fatalf("CreateUser %s: %v", u.Email, err)
	}
	return got
}

// staff returns a user of org with role, without a password (hashing
// is slow, and most tests do not log in).
func staff(t *testing.T, a vault.Access, org vault.Org, role vault.Role, email string) vault.User {
	t.Helper()
	return newUser(t, a, vault.User{OrgID: org.ID, Email: email, Name: email, Role: role}, "")
}

// testPasswordHash: the encoding is the documented one, salted, and only
// the password matches it.
func testPasswordHash(t *testing.T, _ vault.Store) {
	h1, h2 := vault.HashPassword("correct horse"), vault.HashPassword("correct horse")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=65536,t=3,p=4$") || strings.Count(h1, "$") != 5 {
		t.Errorf("hash %q: not argon2id in the PHC format", h1)
	}
	if h1 == h2 {
		t.Error("the same password hashed twice gives the same hash: no salt")
	}
	for _, tt := range []struct {
		hash, password string
		want           bool
	}{
		{h1, "correct horse", true},
		{h2, "correct horse", true},
		{h1, "correct horsE", false},
		{h1, "", false},
		{"", "", false},
		{"", "correct horse", false},
		{vault.HashPassword(""), "", false},
		{"$argon2id$v=19$m=65536,t=3,p=4$bad", "correct horse", false},
		{strings.Replace(h1, "t=3", "t=2", 1), "correct horse", false},
	} {
		if got := vault.CheckPassword(tt.hash, tt.password); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
		}
	}
}

func testAccessOrgs(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	o := newOrg(t, a, "CCAS de Lyon")
	if len(o.ID) != 32 || o.Name != "CCAS de Lyon" || !o.CreatedAt.Equal(at(0)) {
		t.Errorf("CreateOrg returned %+v", o)
	}
	got, err := a.OrgByName(ctx, "CCAS de Lyon")
	if err != nil || got != o {
		t.Errorf("OrgByName = %+v, %v; want %+v", got, err, o)
	}
	_, err = a.CreateOrg(ctx, "CCAS de Lyon", at(1))
	wantErr(t, "CreateOrg of a name taken", err, vault.ErrConflict)
	_, err = a.OrgByName(ctx, "CCAS de Lille")
	wantErr(t, "OrgByName of an unknown name", err, vault.ErrNotFound)
	if _, err := a.CreateOrg(ctx, "", at(1)); err == nil {
		t.Error("CreateOrg without a name succeeded")
	}
	newOrg(t, a, "CCAS de Lille") // another name is fine
}

func testAccessUsers(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	u := newUser(t, a, vault.User{OrgID: org.ID, Email: "Anne.Martin@ccas.fr", Name: "Anne Martin",
		Role: vault.RoleCaseworker}, "")
	if len(u.ID) != 32 || !u.CreatedAt.Equal(at(0)) || u.Email != "Anne.Martin@ccas.fr" {
		t.Errorf("CreateUser returned %+v", u)
	}
	// A person needs no organisation.
	newUser(t, a, vault.User{Email: "paul@example.org", Role: vault.RolePerson, PersonID: "p1"}, "")

	for _, tt := range []struct {
		name string
		u    vault.User
		want error // nil: any error
	}{
		{"email taken", vault.User{OrgID: org.ID, Email: "Anne.Martin@ccas.fr", Role: vault.RoleAgent}, vault.ErrConflict},
		{"email taken in another case", vault.User{OrgID: org.ID, Email: "anne.martin@CCAS.FR", Role: vault.RoleAgent}, vault.ErrConflict},
		{"unknown org", vault.User{OrgID: vault.NewID(), Email: "x@ccas.fr", Role: vault.RoleAgent}, vault.ErrNotFound},
		{"no email", vault.User{OrgID: org.ID, Role: vault.RoleAgent}, nil},
		{"unknown role", vault.User{OrgID: org.ID, Email: "y@ccas.fr", Role: "boss"}, nil},
		{"staff without org", vault.User{Email: "z@ccas.fr", Role: vault.RoleCaseworker}, nil},
		{"person without person id", vault.User{Email: "w@example.org", Role: vault.RolePerson}, nil},
	} {
		_, err := a.CreateUser(ctx, tt.u, "", at(1))
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CreateUser, %s: error %v, want %v", tt.name, err, cmpOr(tt.want, "an error"))
		}
	}
}

// cmpOr returns err, or what when it is nil, to print.
func cmpOr(err error, what string) any {
	if err == nil {
		return what
	}
	return err
}

func testAccessAuthenticate(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	anne := newUser(t, a, vault.User{OrgID: org.ID, Email: "Anne@ccas.fr", Name: "Anne",
		Role: vault.RoleCaseworker}, "s3cret pass")
	newUser(t, a, vault.User{OrgID: org.ID, Email: "gone@ccas.fr", Role: vault.RoleCaseworker, Disabled: true},
		"s3cret pass")
	newUser(t, a, vault.User{OrgID: org.ID, Email: "nopass@ccas.fr", Role: vault.RoleAgent}, "")

	got, err := a.Authenticate(ctx, "Anne@ccas.fr", "s3cret pass")
	if err != nil || got != anne {
		t.Errorf("Authenticate = %+v, %v; want %+v", got, err, anne)
	}
	if got, err := a.Authenticate(ctx, "anne@CCAS.fr", "s3cret pass"); err != nil || got.ID != anne.ID {
		t.Errorf("Authenticate in another case = %+v, %v; want Anne", got, err)
	}
	for _, tt := range []struct{ name, email, password string }{
		{"wrong password", "Anne@ccas.fr", "s3cret pasS"},
		{"empty password", "Anne@ccas.fr", ""},
		{"unknown email", "bob@ccas.fr", "s3cret pass"},
		{"disabled user", "gone@ccas.fr", "s3cret pass"},
		{"user without a password, empty", "nopass@ccas.fr", ""},
		{"user without a password, any", "nopass@ccas.fr", "anything"},
	} {
		u, err := a.Authenticate(ctx, tt.email, tt.password)
		if !errors.Is(err, vault.ErrUnauthorized) || u != (vault.User{}) {
			t.Errorf("Authenticate, %s: %+v, %v; want ErrUnauthorized", tt.name, u, err)
		}
	}
}

func testAccessTokens(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	agent := staff(t, a, org, vault.RoleAgent, "agent@ccas.fr")
	gone := newUser(t, a, vault.User{OrgID: org.ID, Email: "gone@ccas.fr", Role: vault.RoleAgent, Disabled: true}, "")

	token, err := a.CreateToken(ctx, agent.ID, at(1))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "cft_") || len(token) != len("cft_")+43 {
		t.Errorf("token %q: want cft_ and 32 bytes in base64url", token)
	}
	other, err := a.CreateToken(ctx, agent.ID, at(2))
	if err != nil || other == token {
		t.Errorf("second token %q, %v: want another", other, err)
	}
	for _, tok := range []string{token, other} {
		if got, err := a.UserByToken(ctx, tok); err != nil || got != agent {
			t.Errorf("UserByToken = %+v, %v; want %+v", got, err, agent)
		}
	}
	// The stored hash is no token: only the token itself works.
	changed := []byte(token)
	changed[len(changed)-1] ^= 1
	goneToken, err := a.CreateToken(ctx, gone.ID, at(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, token string }{
		{"one character changed", string(changed)},
		{"its hash", vault.TokenHash(token)},
		{"unknown", vault.NewToken(vault.TokenPrefix)},
		{"empty", ""},
		{"of a disabled user", goneToken},
	} {
		u, err := a.UserByToken(ctx, tt.token)
		if !errors.Is(err, vault.ErrUnauthorized) || u != (vault.User{}) {
			t.Errorf("UserByToken, %s: %+v, %v; want ErrUnauthorized", tt.name, u, err)
		}
	}
	_, err = a.CreateToken(ctx, vault.NewID(), at(1))
	wantErr(t, "CreateToken of an unknown user", err, vault.ErrNotFound)
}

func testAccessSessions(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	cw := staff(t, a, org, vault.RoleCaseworker, "cw@ccas.fr")
	const ttl = time.Hour
	id, err := a.CreateSession(ctx, cw.ID, ttl, at(0))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, vault.SessionPrefix) {
		t.Errorf("session id %q: want prefix %s", id, vault.SessionPrefix)
	}
	other, err := a.CreateSession(ctx, cw.ID, ttl, at(0))
	if err != nil || other == id {
		t.Errorf("second session %q, %v: want another", other, err)
	}
	changed := []byte(id)
	changed[len(changed)-1] ^= 1
	for _, tt := range []struct {
		name string
		id   string
		now  time.Time
		ok   bool
	}{
		{"at creation", id, at(0), true},
		{"before expiry", id, at(0).Add(ttl - time.Millisecond), true},
		{"at expiry", id, at(0).Add(ttl), false},
		{"after expiry", id, at(0).Add(2 * ttl), false},
		{"one character changed", string(changed), at(1), false},
		{"its hash", vault.TokenHash(id), at(1), false},
		{"unknown", vault.NewToken(vault.SessionPrefix), at(1), false},
	} {
		u, err := a.UserBySession(ctx, tt.id, tt.now)
		switch {
		case tt.ok && (err != nil || u != cw):
			t.Errorf("UserBySession, %s: %+v, %v; want %+v", tt.name, u, err, cw)
		case !tt.ok && (!errors.Is(err, vault.ErrUnauthorized) || u != (vault.User{})):
			t.Errorf("UserBySession, %s: %+v, %v; want ErrUnauthorized", tt.name, u, err)
		}
	}

	if err := a.DeleteSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = a.UserBySession(ctx, id, at(1))
	wantErr(t, "UserBySession after DeleteSession", err, vault.ErrUnauthorized)
	if err := a.DeleteSession(ctx, id); err != nil {
		t.Errorf("DeleteSession twice: %v", err)
	}
	if u, err := a.UserBySession(ctx, other, at(1)); err != nil || u.ID != cw.ID {
		t.Errorf("the other session after DeleteSession: %+v, %v", u, err)
	}
	_, err = a.CreateSession(ctx, vault.NewID(), ttl, at(0))
	wantErr(t, "CreateSession of an unknown user", err, vault.ErrNotFound)
	if _, err := a.CreateSession(ctx, cw.ID, 0, at(0)); err == nil {
		t.Error("CreateSession without a ttl succeeded")
	}
}

// testAccessMandates: mandates round trip, newest first, and invalid ones
// are refused.
func testAccessMandates(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	cw := staff(t, a, org, vault.RoleCaseworker, "cw@ccas.fr")

	m1, err := a.GrantMandate(ctx, vault.Mandate{PersonID: "p1", OrgID: org.ID, GranteeID: cw.ID,
		Until: at(100), Collected: vault.CollectedSignedPaper}, at(10))
	if err != nil {
		t.Fatal(err)
	}
	if len(m1.ID) != 32 || !m1.GrantedAt.Equal(at(10)) || !m1.Until.Equal(at(100)) {
		t.Errorf("GrantMandate returned %+v: want an id, granted at the time of the call", m1)
	}
	m2, err := a.GrantMandate(ctx, vault.Mandate{PersonID: "p1", OrgID: org.ID, GrantedAt: at(30),
		Collected: vault.CollectedOnline, RevokedAt: at(31), RevokedBy: "x"}, at(20))
	if err != nil {
		t.Fatal(err)
	}
	if !m2.GrantedAt.Equal(at(30)) || !m2.RevokedAt.IsZero() || m2.RevokedBy != "" {
		t.Errorf("GrantMandate returned %+v: want GrantedAt kept, no revocation", m2)
	}
	if _, err := a.GrantMandate(ctx, vault.Mandate{PersonID: "p2", OrgID: org.ID,
		Collected: vault.CollectedInPerson}, at(5)); err != nil {
		t.Fatal(err)
	}

	m1.OrgName, m2.OrgName = org.Name, org.Name // what Mandates adds, for the person
	got, err := a.Mandates(ctx, "p1")
	if err != nil || len(got) != 2 || got[0] != m2 || got[1] != m1 {
		t.Errorf("Mandates(p1) = %+v, %v; want %+v then %+v", got, err, m2, m1)
	}
	if got, err := a.Mandates(ctx, "nobody"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Mandates(nobody) = %#v, %v; want empty, not nil", got, err)
	}

	valid := vault.Mandate{PersonID: "p3", OrgID: org.ID, Collected: vault.CollectedInPerson}
	for _, tt := range []struct {
		name   string
		change func(m *vault.Mandate)
		want   error // nil: any error
	}{
		{"unknown org", func(m *vault.Mandate) { m.OrgID = vault.NewID() }, vault.ErrNotFound},
		{"unknown grantee", func(m *vault.Mandate) { m.GranteeID = vault.NewID() }, vault.ErrNotFound},
		{"no person", func(m *vault.Mandate) { m.PersonID = "" }, nil},
		{"no org", func(m *vault.Mandate) { m.OrgID = "" }, nil},
		{"unknown collection", func(m *vault.Mandate) { m.Collected = "phone" }, nil},
		{"no collection", func(m *vault.Mandate) { m.Collected = "" }, nil},
		{"ending before it starts", func(m *vault.Mandate) { m.GrantedAt, m.Until = at(10), at(5) }, nil},
	} {
		m := valid
		tt.change(&m)
		_, err := a.GrantMandate(ctx, m, at(1))
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("GrantMandate, %s: error %v, want %v", tt.name, err, cmpOr(tt.want, "an error"))
		}
	}
	if got, _ := a.Mandates(ctx, "p3"); len(got) != 0 {
		t.Errorf("invalid mandates recorded: %+v", got)
	}
}

// testAccessMayRead: who may read whose documents, when.
func testAccessMayRead(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	orgA, orgB := newOrg(t, a, "CCAS A"), newOrg(t, a, "CCAS B")
	named := staff(t, a, orgA, vault.RoleCaseworker, "named@a.fr")
	colleague := staff(t, a, orgA, vault.RoleCaseworker, "colleague@a.fr")
	admin := staff(t, a, orgA, vault.RoleAdmin, "admin@a.fr")
	agent := staff(t, a, orgA, vault.RoleAgent, "agent@a.fr")
	outsider := staff(t, a, orgB, vault.RoleCaseworker, "cw@b.fr")
	disabled := newUser(t, a, vault.User{OrgID: orgA.ID, Email: "gone@a.fr", Role: vault.RoleCaseworker,
		Disabled: true}, "")
	p1 := newUser(t, a, vault.User{Email: "p1@example.org", Role: vault.RolePerson, PersonID: "p1"}, "")
	p2 := newUser(t, a, vault.User{Email: "p2@example.org", Role: vault.RolePerson, PersonID: "p2"}, "")

	// p1 authorises the caseworker named, from minute 10 to minute 100;
	// p2 authorises every caseworker of A, from minute 10, with no end.
	for _, m := range []vault.Mandate{
		{PersonID: "p1", OrgID: orgA.ID, GranteeID: named.ID, GrantedAt: at(10), Until: at(100),
			Collected: vault.CollectedInPerson},
		{PersonID: "p2", OrgID: orgA.ID, GrantedAt: at(10), Collected: vault.CollectedOnline},
	} {
		if _, err := a.GrantMandate(ctx, m, at(0)); err != nil {
			t.Fatal(err)
		}
	}

	for _, tt := range []struct {
		name   string
		u      vault.User
		person string
		now    int // minute
		want   bool
	}{
		{"the person themself", p1, "p1", 0, true},
		{"the person themself, no mandate needed", p2, "p2", 5000, true},
		{"another person", p2, "p1", 50, false},
		{"caseworker named", named, "p1", 50, true},
		{"caseworker named, at GrantedAt", named, "p1", 10, true},
		{"caseworker named, before GrantedAt", named, "p1", 9, false},
		{"caseworker named, at Until", named, "p1", 100, false},
		{"caseworker named, after Until", named, "p1", 500, false},
		{"colleague, mandate naming another", colleague, "p1", 50, false},
		{"colleague, mandate naming no one", colleague, "p2", 50, true},
		{"caseworker named, mandate naming no one", named, "p2", 5000, true},
		{"admin, mandate naming no one", admin, "p2", 50, true},
		{"admin, mandate naming another", admin, "p1", 50, false},
		{"caseworker of another org", outsider, "p2", 50, false},
		{"agent, never", agent, "p2", 50, false},
		{"disabled caseworker", disabled, "p2", 50, false},
		{"caseworker, person without mandate", colleague, "p3", 50, false},
		{"caseworker, no person", colleague, "", 50, false},
	} {
		got, err := a.MayRead(ctx, tt.u, tt.person, at(tt.now))
		if err != nil || got != tt.want {
			t.Errorf("MayRead, %s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// testAccessRevoke: a revoked mandate stops access at once; revoking
// twice, or an unknown mandate, fails.
func testAccessRevoke(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	cw := staff(t, a, org, vault.RoleCaseworker, "cw@ccas.fr")
	admin := staff(t, a, org, vault.RoleAdmin, "admin@ccas.fr")
	m, err := a.GrantMandate(ctx, vault.Mandate{PersonID: "p1", OrgID: org.ID, Collected: vault.CollectedInPerson},
		at(0))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := a.MayRead(ctx, cw, "p1", at(5)); err != nil || !ok {
		t.Fatalf("MayRead before revocation: %v, %v; want true", ok, err)
	}
	if err := a.RevokeMandate(ctx, m.ID, admin.ID, at(10)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{10, 11, 5} { // even a clock behind the revocation's
		if ok, err := a.MayRead(ctx, cw, "p1", at(n)); err != nil || ok {
			t.Errorf("MayRead at minute %d after revocation: %v, %v; want false", n, ok, err)
		}
	}
	got, err := a.Mandates(ctx, "p1")
	if err != nil || len(got) != 1 || !got[0].RevokedAt.Equal(at(10)) || got[0].RevokedBy != admin.ID {
		t.Errorf("Mandates after revocation = %+v, %v; want revoked at minute 10 by %s", got, err, admin.ID)
	}
	wantErr(t, "RevokeMandate twice", a.RevokeMandate(ctx, m.ID, admin.ID, at(11)), vault.ErrConflict)
	wantErr(t, "RevokeMandate of an unknown mandate", a.RevokeMandate(ctx, vault.NewID(), admin.ID, at(11)),
		vault.ErrNotFound)
	if got, _ := a.Mandates(ctx, "p1"); len(got) != 1 || !got[0].RevokedAt.Equal(at(10)) {
		t.Errorf("revoking twice changed the revocation: %+v", got)
	}

	// A new mandate gives access again.
	if _, err := a.GrantMandate(ctx, vault.Mandate{PersonID: "p1", OrgID: org.ID,
		Collected: vault.CollectedOnline}, at(20)); err != nil {
		t.Fatal(err)
	}
	if ok, err := a.MayRead(ctx, cw, "p1", at(21)); err != nil || !ok {
		t.Errorf("MayRead under a new mandate: %v, %v; want true", ok, err)
	}
}

// testAccessUsersOfOrg: an organisation's users, by email key, disabled
// included, and no one else.
func testAccessUsersOfOrg(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org, other := newOrg(t, a, "CCAS"), newOrg(t, a, "CCAS voisin")
	bob := staff(t, a, org, vault.RoleAgent, "bob@ccas.fr")
	anne := staff(t, a, org, vault.RoleCaseworker, "Anne@ccas.fr")
	gone := newUser(t, a, vault.User{OrgID: org.ID, Email: "claire@ccas.fr", Role: vault.RoleAgent, Disabled: true}, "")
	staff(t, a, other, vault.RoleAdmin, "admin@voisin.fr")
	newUser(t, a, vault.User{Email: "paul@example.org", Role: vault.RolePerson, PersonID: "p1"}, "")

	for _, tt := range []struct {
		name  string
		orgID string
		want  []vault.User
	}{
		{"the organisation", org.ID, []vault.User{anne, bob, gone}},
		{"an unknown organisation", vault.NewID(), []vault.User{}},
	} {
		got, err := a.Users(ctx, tt.orgID)
		if err != nil || got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("Users, %s = %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}

// testAccessDisable: disabling a user stops their token, sessions and
// access links at once, and deletes them: enabling the user again
// revives none.
func testAccessDisable(t *testing.T, s vault.Store) {
	a, ctx := access(t, s), t.Context()
	org := newOrg(t, a, "CCAS")
	cw := staff(t, a, org, vault.RoleCaseworker, "cw@ccas.fr")
	colleague := staff(t, a, org, vault.RoleCaseworker, "colleague@ccas.fr")
	token, err := a.CreateToken(ctx, cw.ID, at(0))
	if err != nil {
		t.Fatal(err)
	}
	session, err := a.CreateSession(ctx, cw.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	link, err := a.CreateAccessLink(ctx, cw.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := a.CreateSession(ctx, colleague.ID, time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}

	// uses are the ways in of cw, each tried as it is.
	uses := []struct {
		name string
		use  func() (vault.User, error)
	}{
		{"token", func() (vault.User, error) { return a.UserByToken(ctx, token) }},
		{"session", func() (vault.User, error) { return a.UserBySession(ctx, session, at(1)) }},
		{"access link", func() (vault.User, error) { return a.UseAccessLink(ctx, link, at(1)) }},
	}
	for _, step := range []struct {
		name     string
		disabled bool
	}{{"disabled", true}, {"enabled again", false}} {
		if err := a.SetUserDisabled(ctx, cw.ID, step.disabled); err != nil {
			t.Fatalf("SetUserDisabled %v: %v", step.disabled, err)
		}
		for _, u := range uses {
			_, err := u.use()
			wantErr(t, u.name+" of a user "+step.name, err, vault.ErrUnauthorized)
		}
		users, err := a.Users(ctx, org.ID)
		if err != nil || len(users) != 2 || users[1].ID != cw.ID || users[1].Disabled != step.disabled {
			t.Errorf("Users after SetUserDisabled %v = %+v, %v", step.disabled, users, err)
		}
	}
	if u, err := a.UserBySession(ctx, kept, at(1)); err != nil || u.ID != colleague.ID {
		t.Errorf("a colleague's session after disabling cw: %+v, %v", u, err)
	}
	// Enabled again, new secrets work.
	if token, err := a.CreateToken(ctx, cw.ID, at(2)); err != nil {
		t.Error(err)
	} else if u, err := a.UserByToken(ctx, token); err != nil || u.ID != cw.ID || u.Disabled {
		t.Errorf("a new token after enabling again: %+v, %v", u, err)
	}
	wantErr(t, "SetUserDisabled of an unknown user", a.SetUserDisabled(ctx, vault.NewID(), true), vault.ErrNotFound)
}
