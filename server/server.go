// Package server is coffre's HTTP API: agents' phones upload documents,
// caseworkers' browsers read and search the vault, monitoring probes it.
// Uploads are stored (sealed, fsynced) and acknowledged at once; the
// workers do the reading. Errors a person sees are in French.
//
// The server declares what it needs (a store, the originals, a queue) as
// small interfaces; cmd/coffre wires the real ones in, so no Asynq or SQL
// appears here.
package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"coffre"
	"coffre/policy"
	"coffre/vault"

	"golang.org/x/sync/semaphore"
)

// Store is what the API needs from the vault.
type Store interface {
	CreateJournaled(ctx context.Context, d *vault.Document, now time.Time, e vault.Entry) (*vault.Document, bool, error)
	Get(ctx context.Context, id string) (*vault.Document, error)
	Events(ctx context.Context, id string) ([]vault.Event, error)
	Search(ctx context.Context, q vault.Query) (vault.ResultPage, error)
	Alerts(ctx context.Context, personID string, since time.Time) ([]vault.Alert, error)
	Counts(ctx context.Context) (map[vault.State]int, error)
	Delete(ctx context.Context, id string, now time.Time) ([]vault.Document, error)
	DeletePerson(ctx context.Context, personID string, now time.Time) ([]vault.Document, error)
	Correct(ctx context.Context, id string, rec coffre.Record, cs []vault.Correction, now time.Time) (*vault.Document, error)
	Ping(ctx context.Context) error
}

// Originals keeps documents' files sealed.
type Originals interface {
	Save(ctx context.Context, doc *vault.Document, files [][]byte) error
	File(ctx context.Context, doc *vault.Document, n int) ([]byte, error)
	Delete(ctx context.Context, doc *vault.Document) error
}

// Queue hands a stored document to the workers.
type Queue interface {
	Enqueue(ctx context.Context, doc *vault.Document) error
}

// Server serves the API. Set its fields, then use Handler.
type Server struct {
	Store     Store
	Originals Originals
	Queue     Queue
	Journal   Journal
	Auth      Auth
	Mandates  Mandates
	Persons   Persons
	Accounts  Accounts
	Policy    policy.Policy
	MaxBytes  int64 // per file; default 50 MiB (intake's budget)
	MaxFiles  int   // per document; default 20 (intake's page budget)
	// UploadsPerUser and UploadsPerAddr, when set, limit how often one
	// user and one address upload. An office behind one address has many
	// agents: its limit is set higher.
	UploadsPerUser, UploadsPerAddr *Limiter
	// MaxStoring is how many uploads are sealed, written and committed at
	// once; 0 means 6 per processor (see upload).
	MaxStoring int
	storing    chan struct{} // a token per upload being stored
	waiting    atomic.Int64  // uploads waiting for their turn
	// MaxHeld bounds the bytes of uploads held in memory at once, from
	// their reading until they are stored: one may be 100 MiB, and sixty
	// at once 6 GB. 0 means 512 MiB; never less than one upload.
	MaxHeld int64
	held    *semaphore.Weighted

	Now    func() time.Time
	Logger *slog.Logger // ids and codes only: never a name or a number read from a document
	// Ready reports whether the services behind the API (the queue's
	// Redis) answer; the database is pinged through Store.
	Ready func(context.Context) error
	// QueueSizes reports the tasks waiting per queue, for /metrics.
	QueueSizes func() (map[string]int, error)
	// MoreMetrics, when set, adds to /metrics (the workers of this
	// process: stage durations).
	MoreMetrics func(io.Writer)
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	n := s.MaxStoring
	if n <= 0 {
		n = 6 * runtime.GOMAXPROCS(0)
	}
	s.storing = make(chan struct{}, n)
	_, total := s.uploadBudgets()
	s.held = semaphore.NewWeighted(max(cmp.Or(s.MaxHeld, 512<<20), total+heldChunk))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/me", s.authed(s.me))
	mux.HandleFunc("PUT /api/v1/me/password", s.authed(s.changePassword))
	mux.HandleFunc("GET /api/v1/users", s.authed(s.admin(s.listUsers)))
	mux.HandleFunc("POST /api/v1/users", s.authed(s.admin(s.createUser)))
	mux.HandleFunc("POST /api/v1/users/{id}/tokens", s.authed(s.admin(s.createUserToken)))
	mux.HandleFunc("PUT /api/v1/users/{id}/disabled", s.authed(s.admin(s.setUserDisabled)))
	mux.HandleFunc("POST /api/v1/documents", s.authed(s.upload))
	mux.HandleFunc("GET /api/v1/documents", s.authed(s.search))
	mux.HandleFunc("GET /api/v1/documents/{id}", s.authed(s.document))
	mux.HandleFunc("GET /api/v1/documents/{id}/file", s.authed(s.file))
	mux.HandleFunc("GET /api/v1/documents/{id}/state", s.authed(s.documentState))
	mux.HandleFunc("PATCH /api/v1/documents/{id}", s.authed(s.correctDocument))
	mux.HandleFunc("DELETE /api/v1/documents/{id}", s.authed(s.deleteDocument))
	mux.HandleFunc("GET /api/v1/persons", s.authed(s.findPersons))
	mux.HandleFunc("POST /api/v1/persons", s.authed(s.createPerson))
	mux.HandleFunc("GET /api/v1/persons/{id}", s.authed(s.person))
	mux.HandleFunc("DELETE /api/v1/persons/{id}", s.authed(s.deletePerson))
	mux.HandleFunc("POST /api/v1/persons/{id}/access-link", s.authed(s.accessLink))
	mux.HandleFunc("GET /api/v1/persons/{id}/documents", s.authed(s.search))
	mux.HandleFunc("GET /api/v1/persons/{id}/journal", s.authed(s.personJournal))
	mux.HandleFunc("GET /api/v1/persons/{id}/export", s.authed(s.export))
	mux.HandleFunc("GET /api/v1/alerts", s.authed(s.alerts))
	mux.HandleFunc("GET /api/v1/persons/{id}/mandates", s.authed(s.personMandates))
	mux.HandleFunc("POST /api/v1/persons/{id}/mandates", s.authed(s.grantMandate))
	mux.HandleFunc("DELETE /api/v1/persons/{person}/mandates/{id}", s.authed(s.revokeMandate))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("GET /metrics", s.metrics)
	return withDeadline(mux)
}

// requestTimeout bounds the database work of one request, so that a
// stuck database frees its handlers instead of piling them up. An export
// streams many files and gets longer; an upload's body is bounded by the
// HTTP server's read timeout, not this.
const (
	requestTimeout = 30 * time.Second
	exportTimeout  = 10 * time.Minute
)

func withDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := requestTimeout
		if strings.HasSuffix(r.URL.Path, "/export") || r.Method == http.MethodPost && r.URL.Path == "/api/v1/documents" {
			d = exportTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Messages for API users, in French, saying what to do.
const (
	msgNotFound = "Document introuvable : vérifiez son identifiant."
	msgInternal = "Erreur interne : réessayez dans quelques instants. Si elle persiste, prévenez l'administrateur."
	msgBadQuery = "Recherche invalide : vérifiez les filtres (type, statut, dates, curseur)."
)

// writeJSON sends v with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // personal data: no copies in caches
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// fail answers with a French message; internal errors are logged, the
// user sees only that something went wrong.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	if code >= 500 && s.Logger != nil {
		s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.Pattern, "err", err)
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

// storeError maps a store error to its answer.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, vault.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, msgNotFound, err)
	case errors.Is(err, vault.ErrInvalidQuery):
		s.fail(w, r, http.StatusBadRequest, msgBadQuery, err)
	default:
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
	}
}

func (s *Server) today() coffre.Date { return coffre.DateOf(s.Now()) }
