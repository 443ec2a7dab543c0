// Package web is coffre's web interface: server-rendered pages in French
// for the agents at the counter (on a phone), the caseworkers, the persons
// themselves and the administrators.
//
// The pages are a client of the JSON API, in the same process: each page
// gets its data by serving an API request (carrying the user's session
// cookie) with the API handler. So the access rules, the journal and the
// French error messages live in one place, the server package, and a page
// can show nothing the API would not give the same user. The handler also
// forwards /api/ (and the probes) to the API, so that the pages' scripts
// call it directly.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"coffre/server"
	"coffre/vault"
)

// Sessions is what logging in needs from the vault (vault.Access).
type Sessions interface {
	Authenticate(ctx context.Context, email, password string) (vault.User, error)
	CreateSession(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error)
	DeleteSession(ctx context.Context, id string) error
	UseAccessLink(ctx context.Context, token string, now time.Time) (vault.User, error)
}

// Config is what the web interface needs.
type Config struct {
	API      http.Handler // the JSON API (server.Server's Handler)
	Sessions Sessions
	Now      func() time.Time
	// SecureCookies sets the Secure flag of the session cookie: false
	// only for plain-http tests on localhost.
	SecureCookies bool
	Logger        *slog.Logger // ids and codes only: never a name, a number or text read
	// LoginsPerAddr and LoginsPerEmail limit how often a login is tried
	// from one address and against one account, so that guessing
	// passwords is slow from one machine and against one account; nil
	// takes the defaults, 10 at once then one every 6 s, and 5 then one a
	// minute.
	LoginsPerAddr, LoginsPerEmail *server.Limiter
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// site serves the pages.
type site struct {
	Config
	pages map[string]*template.Template
}

// staticVersions maps each static file to a short hash of its content.
// Pages link to "/static/NAME?v=HASH", which can then be cached for good:
// a new version is a new URL. On a slow 3G line the CSS and script are
// most of a page's weight after the first one.
var staticVersions = func() map[string]string {
	versions := map[string]string{}
	fs.WalkDir(staticFiles, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFiles.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		versions[strings.TrimPrefix(path, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return versions
}()

// staticURL is the versioned URL of static file name, for templates.
func staticURL(name string) string { return "/static/" + name + "?v=" + staticVersions[name] }

// staticHandler serves the embedded static files, cached for a year when
// asked for by their current versioned URL.
func staticHandler() http.Handler {
	static, _ := fs.Sub(staticFiles, "static")
	files := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("v"); v != "" && v == staticVersions[r.URL.Path] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// New returns the handler of the whole site: pages, static files, and the
// API forwarded. Wrap it in server.Protect.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.LoginsPerAddr == nil {
		cfg.LoginsPerAddr = server.NewLimiter(6*time.Second, 10)
	}
	if cfg.LoginsPerEmail == nil {
		cfg.LoginsPerEmail = server.NewLimiter(time.Minute, 5)
	}
	s := &site{Config: cfg, pages: parsePages()}
	mux := http.NewServeMux()
	for _, p := range []string{"/api/", "/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, cfg.API)
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))

	mux.HandleFunc("GET /connexion", s.loginPage)
	mux.HandleFunc("POST /connexion", s.login)
	mux.HandleFunc("POST /deconnexion", s.logout)
	mux.HandleFunc("GET /acces/{token}", s.accessLinkPage)
	mux.HandleFunc("POST /acces/{token}", s.accessLink)

	mux.HandleFunc("GET /{$}", s.page(s.home))
	mux.HandleFunc("GET /compte", s.page(s.account))
	mux.HandleFunc("POST /compte", s.page(s.changePassword))
	mux.HandleFunc("GET /depot", s.page(s.findPerson))
	mux.HandleFunc("POST /depot", s.page(s.createPerson))
	mux.HandleFunc("GET /depot/{person}", s.page(s.uploadPage))
	mux.HandleFunc("POST /depot/{person}", s.page(s.upload))
	mux.HandleFunc("GET /resultat/{id}", s.page(s.result))
	mux.HandleFunc("GET /recherche", s.page(s.search))
	mux.HandleFunc("GET /alertes", s.page(s.alerts))
	mux.HandleFunc("GET /personnes/{id}", s.page(s.person))
	mux.HandleFunc("POST /personnes/{id}/lien", s.page(s.accessLinkCreate))
	mux.HandleFunc("POST /personnes/{id}/mandat", s.page(s.grantMandate))
	mux.HandleFunc("GET /personnes/{id}/supprimer", s.page(s.confirmDeletePerson))
	mux.HandleFunc("POST /personnes/{id}/supprimer", s.page(s.deletePerson))
	mux.HandleFunc("GET /documents/{id}", s.page(s.document))
	mux.HandleFunc("POST /documents/{id}", s.page(s.correct))
	mux.HandleFunc("GET /documents/{id}/supprimer", s.page(s.confirmDeleteDocument))
	mux.HandleFunc("POST /documents/{id}/supprimer", s.page(s.deleteDocument))
	mux.HandleFunc("GET /donnees-supprimees", s.deletedPage)
	mux.HandleFunc("GET /mes-documents", s.page(s.own))
	mux.HandleFunc("POST /mandats/{person}/{id}/revoquer", s.page(s.revoke))
	mux.HandleFunc("GET /admin", s.page(s.admin))
	mux.HandleFunc("POST /admin/utilisateurs", s.page(s.createUser))
	mux.HandleFunc("POST /admin/utilisateurs/{id}/jeton", s.page(s.createToken))
	mux.HandleFunc("POST /admin/utilisateurs/{id}/desactive", s.page(s.setDisabled))
	return mux
}

// me is the user of a page, as GET /api/v1/me tells.
type me struct {
	ID       string     `json:"id"`
	OrgID    string     `json:"org_id"`
	PersonID string     `json:"person_id"`
	Name     string     `json:"name"`
	Email    string     `json:"email"`
	Role     vault.Role `json:"role"`
	Disabled bool       `json:"disabled"` // in the admin's list of users
}

func (m *me) Staff() bool   { return m.Role == vault.RoleAdmin || m.Role == vault.RoleCaseworker }
func (m *me) Agent() bool   { return m.Role == vault.RoleAgent }
func (m *me) Admin() bool   { return m.Role == vault.RoleAdmin }
func (m *me) Person() bool  { return m.Role == vault.RolePerson }
func (m *me) Uploads() bool { return m.Role != vault.RolePerson }

// Deletes: the person decides about their vault; an admin deletes on the
// person's instruction (the API checks the mandate).
func (m *me) Deletes() bool { return m.Role == vault.RolePerson || m.Role == vault.RoleAdmin }

// pageFunc serves a page for a logged-in user; an error is shown (see
// fail).
type pageFunc func(w http.ResponseWriter, r *http.Request, u *me) error

// page identifies the user through the API and runs h; without a valid
// session, the user is sent to the login page.
func (s *site) page(h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var u me
		err := s.call(r, http.MethodGet, "/api/v1/me", nil, &u)
		if err == nil {
			err = h(w, r, &u)
		}
		if err != nil {
			s.fail(w, r, &u, err)
		}
	}
}

// apiError is an API answer other than 2xx, with its French message.
type apiError struct {
	Code    int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("API %d: %s", e.Code, e.Message) }

// fail shows err: the API's own message for a refusal, a generic one for
// anything else (logged).
func (s *site) fail(w http.ResponseWriter, r *http.Request, u *me, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		s.Logger.ErrorContext(r.Context(), "page failed", "path", r.Pattern, "err", err)
		ae = &apiError{Code: http.StatusInternalServerError, Message: msgInternal}
	}
	if ae.Code == http.StatusUnauthorized {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	if u.ID == "" {
		u = nil
	}
	s.render(w, ae.Code, "error.html", view{Title: "Erreur", Me: u, Error: ae.Message})
}

const msgInternal = "Erreur interne : réessayez dans quelques instants. Si elle persiste, prévenez l'administrateur."

// call serves an API request for the user of r (their session cookie)
// and decodes its JSON answer into out (unless nil). in, when not nil, is
// sent as JSON.
func (s *site) call(r *http.Request, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("web: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	rec, err := s.serveAPI(r, method, path, body, "application/json")
	if err != nil {
		return err
	}
	if out == nil || rec.code == http.StatusNoContent {
		return nil
	}
	return decode(rec, out)
}

func decode(rec *recorder, out any) error {
	if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
		return fmt.Errorf("web: decode API answer: %w", err)
	}
	return nil
}

// refusal returns err's API code and message when the API refused the
// request for a reason the user can fix (400, 403, 404, 409).
func refusal(err error) (*apiError, bool) {
	var ae *apiError
	ok := errors.As(err, &ae) && ae.Code >= 400 && ae.Code < 500 && ae.Code != http.StatusUnauthorized
	return ae, ok
}

// serveAPI serves one API request as the user of r and returns the
// answer, or an *apiError when it is not a success.
func (s *site) serveAPI(r *http.Request, method, path string, body io.Reader, contentType string) (*recorder, error) {
	req, err := http.NewRequestWithContext(r.Context(), method, path, body)
	if err != nil {
		return nil, fmt.Errorf("web: %s %s: %w", method, path, err)
	}
	req.RemoteAddr = r.RemoteAddr
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		req.AddCookie(c)
	}
	rec := &recorder{hdr: http.Header{}}
	s.API.ServeHTTP(rec, req)
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	if rec.code < 200 || rec.code > 299 {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(rec.body.Bytes(), &e)
		if e.Error == "" {
			e.Error = msgInternal
		}
		return nil, &apiError{Code: rec.code, Message: e.Error}
	}
	return rec, nil
}

// recorder keeps an API answer served in process.
type recorder struct {
	hdr  http.Header
	code int
	body bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.hdr }

func (w *recorder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// apiPath joins an API path and its query.
func apiPath(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
