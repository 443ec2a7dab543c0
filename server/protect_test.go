package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"coffre/vault"
)

func TestProtect(t *testing.T) {
	h := Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	tests := []struct {
		name   string
		method string
		header map[string]string
		want   int
	}{
		{"same-site post", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusNoContent},
		{"cross-site post", "POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin delete", "DELETE", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"cross-site get", "GET", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusNoContent},
		{"no browser headers", "POST", nil, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://coffre.test/api/v1/documents", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
				if w.Header().Get(k) == "" {
					t.Errorf("no %s header", k)
				}
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(time.Minute, 3)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !l.Allow("a", now) {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	if l.Allow("a", now) {
		t.Fatal("fourth attempt allowed at once")
	}
	if !l.Allow("b", now) {
		t.Fatal("another key refused")
	}
	if !l.Allow("a", now.Add(time.Minute)) {
		t.Fatal("refused after a refill")
	}
	l.Allow("b", now.Add(time.Hour)) // sweeps: both buckets are full again by then
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d buckets kept after the sweep, want 1 (the one just used)", n)
	}
}

// TestUploadRateLimit: past its burst a user is told to wait; another
// user is not.
func TestUploadRateLimit(t *testing.T) {
	f := newFixture(t)
	f.server.UploadsPerUser = NewLimiter(time.Minute, 2)
	for i, want := range []int{http.StatusAccepted, http.StatusAccepted, http.StatusTooManyRequests} {
		code, out := f.upload(t, part{"person_id", "p1"}, page(string(rune('a'+i))))
		if code != want {
			t.Fatalf("upload %d: %d %v, want %d", i+1, code, out, want)
		}
	}
	if len(f.queue.ids) != 2 {
		t.Errorf("%d documents queued, want the 2 accepted", len(f.queue.ids))
	}
	tok, _ := f.user(t, "agent2@ccas.fr", vault.RoleAgent)
	if code, out := f.uploadAs(t, tok, part{"person_id", "p1"}, page("z")); code != http.StatusAccepted {
		t.Errorf("another agent: %d %v, want 202", code, out)
	}
}
