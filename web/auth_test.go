package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"coffre/server"
	"coffre/vault"
)

// fakeSessions knows one user (password "secret", access link "cfl_ok")
// and its sessions.
type fakeSessions struct {
	sessions map[string]string // id → user id
	deleted  []string
	links    int // access links used
}

var alice = vault.User{ID: "u1", Email: "alice@ccas.test", Role: vault.RoleCaseworker, OrgID: "o1"}

func (f *fakeSessions) Authenticate(_ context.Context, email, password string) (vault.User, error) {
	if vault.EmailKey(email) == alice.Email && password == "secret" {
		return alice, nil
	}
	return vault.User{}, vault.ErrUnauthorized
}

func (f *fakeSessions) CreateSession(_ context.Context, userID string, ttl time.Duration, _ time.Time) (string, error) {
	id := vault.NewToken(vault.SessionPrefix)
	f.sessions[id] = userID
	return id, nil
}

func (f *fakeSessions) DeleteSession(_ context.Context, id string) error {
	f.deleted = append(f.deleted, id)
	delete(f.sessions, id)
	return nil
}

func (f *fakeSessions) UseAccessLink(_ context.Context, token string, _ time.Time) (vault.User, error) {
	if token != "cfl_ok" || f.links > 0 {
		return vault.User{}, vault.ErrUnauthorized
	}
	f.links++
	return alice, nil
}

// fakeAPI answers /api/v1/me for the sessions of f, and /healthz.
func fakeAPI(f *fakeSessions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(server.SessionCookie)
		if err != nil || f.sessions[c.Value] == "" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error": "Identification requise."}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"id": alice.ID, "role": string(alice.Role), "email": alice.Email})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	return mux
}

func newTestSite(t *testing.T) (*httptest.Server, *fakeSessions) {
	t.Helper()
	f := &fakeSessions{sessions: map[string]string{}}
	srv := httptest.NewServer(server.Protect(New(Config{API: fakeAPI(f), Sessions: f, SecureCookies: true})))
	t.Cleanup(srv.Close)
	return srv, f
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func post(t *testing.T, url string, form url.Values, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == server.SessionCookie {
			return c
		}
	}
	return nil
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name, email, password string
		code                  int
	}{
		{"good", "Alice@ccas.test", "secret", http.StatusSeeOther},
		{"bad password", "alice@ccas.test", "guess", http.StatusUnauthorized},
		{"unknown", "bob@ccas.test", "secret", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f := newTestSite(t)
			resp := post(t, srv.URL+"/connexion", url.Values{"email": {tt.email}, "password": {tt.password}})
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.code)
			}
			c := sessionCookie(resp)
			if tt.code != http.StatusSeeOther {
				if c != nil || len(f.sessions) != 0 {
					t.Errorf("a failed login started a session")
				}
				return
			}
			if c == nil || f.sessions[c.Value] != alice.ID {
				t.Fatalf("no session cookie for alice: %v", resp.Cookies())
			}
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/", c)
			}
		})
	}
}

func TestLoginLimited(t *testing.T) {
	srv, _ := newTestSite(t)
	var last int
	for range 6 {
		last = post(t, srv.URL+"/connexion", url.Values{"email": {"alice@ccas.test"}, "password": {"guess"}}).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("6th wrong password in a row: status %d, want 429", last)
	}
}

func TestLogout(t *testing.T) {
	srv, f := newTestSite(t)
	c := sessionCookie(post(t, srv.URL+"/connexion", url.Values{"email": {"alice@ccas.test"}, "password": {"secret"}}))
	resp := post(t, srv.URL+"/deconnexion", nil, c)
	if resp.StatusCode != http.StatusSeeOther || len(f.deleted) != 1 || f.deleted[0] != c.Value {
		t.Errorf("logout: status %d, sessions deleted %v", resp.StatusCode, f.deleted)
	}
	if gone := sessionCookie(resp); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("logout does not delete the cookie: %v", gone)
	}
}

func TestAccessLink(t *testing.T) {
	srv, f := newTestSite(t)
	resp, err := noRedirect.Get(srv.URL + "/acces/cfl_ok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || f.links != 0 {
		t.Fatalf("opening the link: status %d, links used %d; want 200 and none used (a preview must not spend it)", resp.StatusCode, f.links)
	}
	if resp := post(t, srv.URL+"/acces/cfl_ok", nil); resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
		t.Errorf("using the link: status %d, want 303 with a session", resp.StatusCode)
	}
	if resp := post(t, srv.URL+"/acces/cfl_ok", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("using the link twice: status %d, want 401", resp.StatusCode)
	}
}

func TestRouting(t *testing.T) {
	srv, _ := newTestSite(t)
	tests := []struct {
		name, method, path string
		header             http.Header
		code               int
		location           string
	}{
		{"page without session", "GET", "/recherche", nil, http.StatusSeeOther, "/connexion"},
		{"probe forwarded", "GET", "/healthz", nil, http.StatusOK, ""},
		{"static file", "GET", "/static/app.css", nil, http.StatusOK, ""},
		{"login from another site", "POST", "/connexion", http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.code || resp.Header.Get("Location") != tt.location {
				t.Errorf("status %d, Location %q; want %d, %q", resp.StatusCode, resp.Header.Get("Location"), tt.code, tt.location)
			}
		})
	}
}
