package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre"
	"coffre/vault"
)

// matrix is the world of the authorisation matrix: two organisations A
// and B, each with an admin, an agent and a caseworker; four persons, each
// with one document read by the workers:
//   - pM, registered in A, who gave A a mandate in force;
//   - pN, registered in A, who gave none;
//   - pR, registered in A, whose mandate to A was revoked;
//   - pB, registered in B, who gave B a mandate;
//
// and the accounts of pM and pN themselves.
type matrix struct {
	*fixture
	tokens  map[string]string // caller → API token ("" for anonymous)
	docs    map[string]string // person → their document's id
	mandate map[string]string // person → their mandate's id ("" for pN)
	names   map[string]string // person → their name, which must not leak
}

var (
	matrixCallers = []string{"anonymous", "admin A", "agent A", "caseworker A", "admin B", "agent B", "caseworker B", "person pM", "person pN"}
	matrixTargets = []string{"pM", "pN", "pR"}
)

func newMatrix(t *testing.T) *matrix {
	t.Helper()
	f := newFixture(t)
	ctx, now := context.Background(), time.Now()
	m := &matrix{fixture: f, tokens: map[string]string{"anonymous": ""}, docs: map[string]string{}, mandate: map[string]string{}, names: map[string]string{}}
	orgB, err := f.store.CreateOrg(ctx, "CCAS B", now)
	if err != nil {
		t.Fatal(err)
	}
	orgs := map[string]vault.Org{"A": f.org, "B": orgB}
	for _, o := range []string{"A", "B"} {
		for _, role := range []vault.Role{vault.RoleAdmin, vault.RoleAgent, vault.RoleCaseworker} {
			u, err := f.store.CreateUser(ctx, vault.User{OrgID: orgs[o].ID, Email: fmt.Sprintf("%s-%s@ccas.fr", role, o), Role: role}, "", now)
			if err != nil {
				t.Fatal(err)
			}
			if m.tokens[fmt.Sprintf("%s %s", role, o)], err = f.store.CreateToken(ctx, u.ID, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, p := range []struct{ id, org string }{{"pM", "A"}, {"pN", "A"}, {"pR", "A"}, {"pB", "B"}} {
		m.names[p.id] = fmt.Sprintf("Zéphyrin Personne%d", i)
		if _, err := f.store.CreatePerson(ctx, vault.Person{ID: p.id, OrgID: orgs[p.org].ID, Name: m.names[p.id], CreatedAt: now}, now); err != nil {
			t.Fatal(err)
		}
		if p.id != "pN" {
			md, err := f.store.GrantMandate(ctx, vault.Mandate{PersonID: p.id, OrgID: orgs[p.org].ID, Collected: vault.CollectedSignedPaper}, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			m.mandate[p.id] = md.ID
		}
		_, out := f.uploadAs(t, m.tokens["agent "+p.org], part{"person_id", p.id}, page("page of "+p.id))
		id, _ := out["id"].(string)
		if id == "" {
			t.Fatalf("upload for %s: %v", p.id, out)
		}
		m.docs[p.id] = id
		if _, err := f.store.Claim(ctx, id, time.Minute, now); err != nil {
			t.Fatal(err)
		}
		rec := coffre.NewRecord(id)
		rec.Type, rec.Fields = coffre.TypeAvisImposition, coffre.Fields{"annee_revenus": 2024}
		if err := f.store.Finish(ctx, id, rec, "avis "+p.id, vault.StateDone, "Document lu.", now); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.RevokeMandate(ctx, m.mandate["pR"], "", now); err != nil {
		t.Fatal(err)
	}
	m.mandate["pN"] = "none"
	for _, p := range []string{"pM", "pN"} {
		u, err := f.store.CreateUser(ctx, vault.User{Role: vault.RolePerson, PersonID: p}, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if m.tokens["person "+p], err = f.store.CreateToken(ctx, u.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// endpoint is one API route, with the answer each caller should get for a
// target person of organisation A, by the rules of the vault written out
// again here (not read from the server's code).
type endpoint struct {
	name, method, path string // path: {P} the target, {D} their document, {M} their mandate
	body               string
	mutates            bool // a success changes access or deletes: run it on a world of its own
	expect             func(c caller, target string) int
}

// caller is who calls, with what the rules depend on.
type caller struct {
	name         string
	role         vault.Role
	org          string // "A", "B", or "" for persons and anonymous
	personID     string
	anonymous    bool
	staffA, isB  bool
	mayReadFor   func(target string) bool
	knowsPerson  func(target string) bool
	mayChangeFor func(target string) bool // the person themself, or an admin under mandate
}

func describe(name string) caller {
	c := caller{name: name}
	switch {
	case name == "anonymous":
		c.anonymous = true
	case strings.HasPrefix(name, "person "):
		c.role, c.personID = vault.RolePerson, strings.TrimPrefix(name, "person ")
	default:
		role, org, _ := strings.Cut(name, " ")
		c.role, c.org = vault.Role(role), org
	}
	c.staffA, c.isB = c.org == "A", c.org == "B"
	c.knowsPerson = func(p string) bool { return c.staffA || c.personID == p }
	c.mayReadFor = func(p string) bool {
		return c.personID == p || (c.staffA && (c.role == vault.RoleCaseworker || c.role == vault.RoleAdmin) && p == "pM")
	}
	c.mayChangeFor = func(p string) bool {
		return c.mayReadFor(p) && (c.role == vault.RolePerson || c.role == vault.RoleAdmin)
	}
	return c
}

// guarded is the answer to an action on target's data that c may do when
// allowed says so: ok, else 403 if c may know the person, else 404.
func guarded(c caller, target string, allowed bool, ok int) int {
	switch {
	case c.anonymous:
		return http.StatusUnauthorized
	case allowed:
		return ok
	case c.knowsPerson(target):
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

var matrixEndpoints = []endpoint{
	{name: "document", method: "GET", path: "/api/v1/documents/{D}",
		expect: func(c caller, p string) int {
			// Agent A uploaded the documents of A's persons, less than an
			// hour ago: they see what was read, nothing more.
			return guarded(c, p, c.mayReadFor(p) || c.name == "agent A", 200)
		}},
	{name: "state", method: "GET", path: "/api/v1/documents/{D}/state",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p) || c.name == "agent A", 200) }},
	{name: "file", method: "GET", path: "/api/v1/documents/{D}/file?page=1",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "person's documents", method: "GET", path: "/api/v1/persons/{P}/documents",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "search one person", method: "GET", path: "/api/v1/documents?person_id={P}&type=avis_imposition",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "journal", method: "GET", path: "/api/v1/persons/{P}/journal",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "alerts", method: "GET", path: "/api/v1/alerts?person_id={P}",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "mandates", method: "GET", path: "/api/v1/persons/{P}/mandates",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p), 200) }},
	{name: "person", method: "GET", path: "/api/v1/persons/{P}",
		expect: func(c caller, p string) int { return guarded(c, p, c.knowsPerson(p), 200) }},
	{name: "export", method: "GET", path: "/api/v1/persons/{P}/export",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayChangeFor(p), 200) }},
	{name: "access link", method: "POST", path: "/api/v1/persons/{P}/access-link",
		expect: func(c caller, p string) int { return guarded(c, p, c.mayReadFor(p) && c.staffA, 201) }},
	{name: "correct", method: "PATCH", path: "/api/v1/documents/{D}", body: `{"fields": {"annee_revenus": 2023}}`, mutates: true,
		expect: func(c caller, p string) int {
			return guarded(c, p, c.mayReadFor(p) && (c.role == vault.RoleCaseworker || c.role == vault.RoleAdmin), 200)
		}},
	{name: "upload", method: "POST", path: "/api/v1/documents", body: "upload",
		expect: func(c caller, p string) int {
			if c.role == vault.RolePerson && c.personID != p {
				return http.StatusForbidden // a person uploads only their own, whoever the other is
			}
			return guarded(c, p, c.staffA || c.personID == p, 202)
		}},
	{name: "grant mandate", method: "POST", path: "/api/v1/persons/{P}/mandates", body: `{"collected": "in_person"}`, mutates: true,
		expect: func(c caller, p string) int { return guarded(c, p, c.staffA && c.role == vault.RoleAdmin, 201) }},
	{name: "revoke mandate", method: "DELETE", path: "/api/v1/persons/{P}/mandates/{M}", mutates: true,
		expect: func(c caller, p string) int {
			if p == "pN" && !c.anonymous { // no mandate to revoke
				return http.StatusNotFound
			}
			return guarded(c, p, c.personID == p || (c.staffA && c.role == vault.RoleAdmin), 204)
		}},
	{name: "delete document", method: "DELETE", path: "/api/v1/documents/{D}", mutates: true,
		expect: func(c caller, p string) int { return guarded(c, p, c.mayChangeFor(p), 204) }},
	{name: "delete person", method: "DELETE", path: "/api/v1/persons/{P}", mutates: true,
		expect: func(c caller, p string) int { return guarded(c, p, c.mayChangeFor(p), 204) }},
}

// TestAuthorizationMatrix: every endpoint × every role × own organisation
// or another × with, without, or with a revoked mandate gets its
// expected answer; no refusal carries a byte of the person's data, and a
// refusal across organisations is the very answer an unknown id gets.
func TestAuthorizationMatrix(t *testing.T) {
	shared := newMatrix(t)
	for _, e := range matrixEndpoints {
		for _, name := range matrixCallers {
			c := describe(name)
			for _, target := range matrixTargets {
				want := e.expect(c, target)
				t.Run(fmt.Sprintf("%s/%s/%s", e.name, name, target), func(t *testing.T) {
					m := shared
					if e.mutates && want < 300 {
						m = newMatrix(t)
					}
					code, body := m.call(t, e, name, target)
					if code != want {
						t.Fatalf("%d %.300s, want %d", code, body, want)
					}
					if code >= 300 {
						m.checkNoLeak(t, e, target, code, body)
					}
					if code == http.StatusNotFound && !c.knowsPerson(target) {
						m.checkLikeUnknown(t, e, name, body)
					}
				})
			}
		}
	}
}

// call makes e's request as caller about target.
func (m *matrix) call(t *testing.T, e endpoint, caller, target string) (int, []byte) {
	t.Helper()
	return m.callPath(t, e, caller, target, strings.NewReplacer("{P}", target, "{D}", m.docs[target], "{M}", m.mandate[target]).Replace(e.path))
}

func (m *matrix) callPath(t *testing.T, e endpoint, caller, target, path string) (int, []byte) {
	t.Helper()
	if e.body == "upload" {
		code, out := m.uploadAs(t, m.tokens[caller], part{"person_id", target}, page("new page "+caller))
		body, _ := json.Marshal(out)
		return code, body
	}
	var rd io.Reader
	ctype := ""
	if e.body != "" {
		rd, ctype = strings.NewReader(e.body), "application/json"
	}
	resp := m.request(t, m.tokens[caller], e.method, path, rd, ctype)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// checkNoLeak: a refusal holds only a French message: no name, document
// content or id of the person's; and a 404 is the one an unknown id gets.
func (m *matrix) checkNoLeak(t *testing.T, e endpoint, target string, code int, body []byte) {
	t.Helper()
	var answer map[string]any
	if err := json.Unmarshal(body, &answer); err != nil || len(answer) != 1 || answer["error"] == nil {
		t.Errorf("refusal %d is not {\"error\": …}: %.200s", code, body)
	}
	for _, secret := range []string{m.names[target], "page of " + target, m.docs[target], m.mandate[target]} {
		if secret != "" && strings.Contains(string(body), secret) {
			t.Errorf("refusal %d holds %q", code, secret)
		}
	}
}

// checkLikeUnknown: a 404 about an existing person or document is, byte
// for byte, the answer about ones that never existed.
func (m *matrix) checkLikeUnknown(t *testing.T, e endpoint, caller string, body []byte) {
	t.Helper()
	ghost := strings.NewReplacer("{P}", "pGhost", "{D}", vault.NewID(), "{M}", vault.NewID()).Replace(e.path)
	code, ghostBody := m.callPath(t, e, caller, "pGhost", ghost)
	if code != http.StatusNotFound || string(ghostBody) != string(body) {
		t.Errorf("about someone else: 404 %s; about no one: %d %s", body, code, ghostBody)
	}
}

// TestSearchAcrossMandates: searching without a person returns only the
// documents of persons whose mandate allows the caller now.
func TestSearchAcrossMandates(t *testing.T) {
	m := newMatrix(t)
	for _, tc := range []struct {
		caller string
		want   []string // persons whose documents come back
		code   int
	}{
		{"caseworker A", []string{"pM"}, 200},
		{"admin A", []string{"pM"}, 200},
		{"caseworker B", []string{"pB"}, 200},
		{"person pN", []string{"pN"}, 200},
		{"agent A", nil, 403},
	} {
		resp := m.request(t, m.tokens[tc.caller], "GET", "/api/v1/documents?q=avis", nil, "")
		var out struct {
			Documents []struct {
				PersonID string `json:"person_id"`
			}
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		var got []string
		for _, d := range out.Documents {
			if !slices.Contains(got, d.PersonID) {
				got = append(got, d.PersonID)
			}
		}
		if resp.StatusCode != tc.code || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %d persons %v, want %d %v", tc.caller, resp.StatusCode, got, tc.code, tc.want)
		}
	}
}
