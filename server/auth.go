package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"coffre/vault"
)

// Auth identifies callers and applies the person's consent: a caseworker
// reads a person's documents only under a mandate the person gave.
type Auth interface {
	UserByToken(ctx context.Context, token string) (vault.User, error)
	UserBySession(ctx context.Context, id string, now time.Time) (vault.User, error)
	MayRead(ctx context.Context, u vault.User, personID string, now time.Time) (bool, error)
}

const (
	msgUnauthenticated = "Identification requise : connectez-vous, ou envoyez votre jeton d'accès (en-tête Authorization: Bearer …)."
	msgForbidden       = "Accès refusé : la personne n'a pas donné mandat pour que vous consultiez ses documents."
	msgNoUpload        = "Accès refusé : votre rôle ne permet pas de déposer des documents pour cette personne."
	msgNeedPerson      = "Indiquez la personne (person_id) dont vous consultez les documents."
	msgNoSuchPerson    = "Personne introuvable : vérifiez son identifiant, ou enregistrez-la."
)

// handler is an API handler for an identified user.
type handler func(w http.ResponseWriter, r *http.Request, u vault.User)

// authed identifies the caller before h, by API token or, from a
// browser, by session cookie.
func (s *Server) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.identify(r)
		if errors.Is(err, vault.ErrUnauthorized) {
			s.fail(w, r, http.StatusUnauthorized, msgUnauthenticated, nil)
			return
		}
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
			return
		}
		h(w, r, u)
	}
}

// identify returns the user behind r's Bearer token or session cookie;
// ErrUnauthorized when there is neither or it is not valid.
func (s *Server) identify(r *http.Request) (vault.User, error) {
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token != "" {
		return s.Auth.UserByToken(r.Context(), token)
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.Auth.UserBySession(r.Context(), c.Value, s.Now())
	}
	return vault.User{}, vault.ErrUnauthorized
}

// mayRead reports whether u may read personID's documents, answering
// otherwise (and journaling the refusal): 403 when u's organisation knows
// the person but holds no mandate in force, 404 when it does not know
// them, so that no one learns that a person or document exists elsewhere.
func (s *Server) mayRead(w http.ResponseWriter, r *http.Request, u vault.User, action, personID, documentID string) bool {
	ok, err := s.Auth.MayRead(r.Context(), u, personID, s.Now())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return false
	}
	if !ok {
		if err := s.journal(r, u, action, personID, documentID, "denied"); err != nil {
			s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
			return false
		}
		s.refuse(w, r, u, personID, documentID, msgForbidden)
	}
	return ok
}

// refuse answers a refused access to personID's data: 403 with msg when
// u's organisation knows the person, else 404 as if nothing were there.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, u vault.User, personID, documentID, msg string) {
	known, err := s.knows(r, u, personID)
	switch {
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
	case known:
		s.fail(w, r, http.StatusForbidden, msg, nil)
	case documentID != "":
		s.fail(w, r, http.StatusNotFound, msgNotFound, nil)
	default:
		s.fail(w, r, http.StatusNotFound, msgNoSuchPerson, nil)
	}
}

// knows reports whether u may learn that personID exists: it is u
// themself, or a person of u's organisation (registered there, or who
// gave it a mandate, even one since ended).
func (s *Server) knows(r *http.Request, u vault.User, personID string) (bool, error) {
	if u.Role == vault.RolePerson || u.OrgID == "" {
		return u.PersonID == personID, nil
	}
	return s.Persons.PersonVisible(r.Context(), u.OrgID, personID)
}

// userView is a user as the API shows them: never a password hash.
type userView struct {
	ID       string     `json:"id"`
	OrgID    string     `json:"org_id,omitempty"`
	Email    string     `json:"email,omitempty"`
	Name     string     `json:"name"`
	Role     vault.Role `json:"role"`
	PersonID string     `json:"person_id,omitempty"`
	Disabled bool       `json:"disabled,omitempty"`
}

func viewUser(u vault.User) userView {
	return userView{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role, PersonID: u.PersonID, Disabled: u.Disabled}
}

// me tells the caller who they are, for the web interface's menus.
func (s *Server) me(w http.ResponseWriter, r *http.Request, u vault.User) {
	writeJSON(w, http.StatusOK, viewUser(u))
}
