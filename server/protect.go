package server

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// SessionCookie holds a browser's session id (from vault.Access's
// CreateSession). The API accepts it as well as a Bearer token, so that
// the web interface's pages call the same API as integrations.
const SessionCookie = "coffre_session"

// contentSecurityPolicy allows nothing inline and nothing from elsewhere:
// an injected script has nowhere to run from. Page images are fetched from
// the API (self) or shown from the camera as blob: URLs before upload.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Protect wraps h, the whole site (API and pages), with the security
// headers every answer carries and with cross-site request forgery
// protection: a state-changing request that a browser marks as sent by
// another site (Sec-Fetch-Site, or an Origin that is not ours) is refused
// before h sees it. Requests that are not from a browser (no such
// headers: curl, integrations with a Bearer token) go through, which is
// safe as they carry no ambient cookie.
func Protect(h http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": msgCrossOrigin})
	}))
	guarded := csrf.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
		if r.TLS != nil {
			hdr.Set("Strict-Transport-Security", "max-age=31536000")
		}
		guarded.ServeHTTP(w, r)
	})
}

const msgCrossOrigin = "Requête refusée : elle vient d'un autre site. Rechargez la page de coffre et recommencez."

// Limiter limits how often each key (a user id, an address, an email)
// may act: a token bucket per key, refilled at one token per every,
// holding at most burst. Buckets full again are forgotten, so memory
// stays bounded by the keys active recently.
type Limiter struct {
	every time.Duration
	burst int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	swept   time.Time
}

// NewLimiter returns a limiter allowing burst actions at once per key,
// then one per every.
func NewLimiter(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, buckets: make(map[string]*rate.Limiter)}
}

// allow is Allow on a limiter that may be nil, which allows everything.
func (l *Limiter) allow(key string, now time.Time) bool { return l == nil || l.Allow(key, now) }

// Allow reports whether key may act at now, and counts it if so.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.every*time.Duration(l.burst) {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.buckets[key] = b
	}
	return b.AllowN(now, 1)
}
