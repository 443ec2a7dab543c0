package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"coffre/vault"
)

// TestUsersAPI: an admin manages the accounts of their organisation, and
// of no other; disabling an account ends its tokens at once.
func TestUsersAPI(t *testing.T) {
	m := newMatrix(t)
	call := func(token, method, path, body string, v any) int {
		t.Helper()
		resp := m.request(t, token, method, path, strings.NewReader(body), "application/json")
		defer resp.Body.Close()
		if v != nil {
			json.NewDecoder(resp.Body).Decode(v)
		}
		return resp.StatusCode
	}
	adminA, adminB := m.tokens["admin A"], m.tokens["admin B"]
	var created struct{ ID, Role string }
	if code := call(adminA, "POST", "/api/v1/users", `{"email": "nouvelle@ccas.fr", "name": "Nouvelle", "role": "caseworker"}`, &created); code != 201 || created.Role != "caseworker" {
		t.Fatalf("create: %d %+v", code, created)
	}
	if code := call(adminA, "POST", "/api/v1/users", `{"email": "NOUVELLE@ccas.fr", "role": "agent"}`, nil); code != http.StatusConflict {
		t.Errorf("same email again: %d, want 409", code)
	}
	if code := call(adminA, "POST", "/api/v1/users", `{"email": "x@ccas.fr", "role": "person"}`, nil); code != 400 {
		t.Errorf("a person account through the admin API: %d, want 400", code)
	}
	var list struct{ Users []struct{ ID, Email string } }
	call(adminA, "GET", "/api/v1/users", "", &list)
	if len(list.Users) != 6 { // the fixture's agent and caseworker, the matrix's admin, agent and caseworker of A, the new one
		t.Errorf("%d users listed in A, want 6: %+v", len(list.Users), list.Users)
	}
	for who, token := range map[string]string{"admin B": adminB, "caseworker A": m.tokens["caseworker A"]} {
		want := http.StatusNotFound
		if who == "caseworker A" {
			want = http.StatusForbidden
		}
		if code := call(token, "POST", "/api/v1/users/"+created.ID+"/tokens", "", nil); code != want {
			t.Errorf("%s makes a token for A's user: %d, want %d", who, code, want)
		}
	}
	var tok struct{ Token string }
	if code := call(adminA, "POST", "/api/v1/users/"+created.ID+"/tokens", "", &tok); code != 201 || tok.Token == "" {
		t.Fatalf("token: %d", code)
	}
	if code := call(tok.Token, "GET", "/api/v1/me", "", nil); code != 200 {
		t.Fatalf("the new token: %d", code)
	}
	if code := call(adminA, "PUT", "/api/v1/users/"+created.ID+"/disabled", `{"disabled": true}`, nil); code != 204 {
		t.Fatalf("disable: %d", code)
	}
	if code := call(tok.Token, "GET", "/api/v1/me", "", nil); code != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", code)
	}
}

// TestChangePassword: the current password is asked again; a short new
// one is refused; the new one logs in and the old one no more.
func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	ctx, now := t.Context(), time.Now()
	u, err := f.store.CreateUser(ctx, vault.User{OrgID: f.org.ID, Email: "marie@ccas.fr", Role: vault.RoleCaseworker}, "ancien mot de passe", now)
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.store.CreateToken(ctx, u.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, body string
		want       int
	}{
		{"wrong current", `{"current": "devine", "new": "une phrase assez longue"}`, http.StatusForbidden},
		{"too short", `{"current": "ancien mot de passe", "new": "court"}`, http.StatusBadRequest},
		{"good", `{"current": "ancien mot de passe", "new": "une phrase assez longue"}`, http.StatusNoContent},
	} {
		resp := f.request(t, token, "PUT", "/api/v1/me/password", strings.NewReader(tc.body), "application/json")
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if _, err := f.store.Authenticate(ctx, "marie@ccas.fr", "une phrase assez longue"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if _, err := f.store.Authenticate(ctx, "marie@ccas.fr", "ancien mot de passe"); err == nil {
		t.Error("the old password still logs in")
	}
}
