package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"coffre"
	"coffre/vault"
)

// Persons is the registry of the persons whose documents the vault
// keeps, and their own accounts.
type Persons interface {
	CreatePerson(ctx context.Context, p vault.Person, now time.Time) (vault.Person, error)
	GetPerson(ctx context.Context, id string) (vault.Person, error)
	FindPersons(ctx context.Context, orgID, text string, limit int) ([]vault.Person, error)
	PersonVisible(ctx context.Context, orgID, personID string) (bool, error)
	UserByPerson(ctx context.Context, personID string) (vault.User, error)
	CreateUser(ctx context.Context, u vault.User, password string, now time.Time) (vault.User, error)
	CreateAccessLink(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error)
	Actors(ctx context.Context, ids []string) (map[string]vault.Actor, error)
}

const (
	actionAccessLink = "access_link"
	// accessLinkTTL is how long a person has to open the link they were
	// given at the counter; it works once.
	accessLinkTTL = 72 * time.Hour

	msgStaffOnly  = "Accès refusé : réservé aux agents et travailleurs sociaux de l'organisation."
	msgBadPerson  = "Personne invalide : indiquez au moins son nom, et sa date de naissance au format AAAA-MM-JJ."
	msgLinkRefuse = "Accès refusé : un lien d'accès se crée pour une personne qui vous a donné mandat."
)

// personView is a person as the API shows them.
type personView struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	BirthDate coffre.Date `json:"birth_date"`
	OrgID     string      `json:"org_id"`
	CreatedAt time.Time   `json:"created_at"`
}

func viewPerson(p vault.Person) personView {
	return personView{ID: p.ID, Name: p.Name, BirthDate: p.BirthDate, OrgID: p.OrgID, CreatedAt: p.CreatedAt}
}

func isStaff(u vault.User) bool { return u.OrgID != "" && u.Role != vault.RolePerson && !u.Disabled }

// findPersons lists the persons of the caller's organisation whose name
// contains ?q=, accents and case aside: an agent finds whom they upload for.
func (s *Server) findPersons(w http.ResponseWriter, r *http.Request, u vault.User) {
	if !isStaff(u) {
		s.fail(w, r, http.StatusForbidden, msgStaffOnly, nil)
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	ps, err := s.Persons.FindPersons(r.Context(), u.OrgID, r.URL.Query().Get("q"), limit)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	views := make([]personView, len(ps))
	for i, p := range ps {
		views[i] = viewPerson(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"persons": views})
}

// createPerson registers a person in the caller's organisation: JSON
// {"name": "…", "birth_date": "AAAA-MM-JJ"}.
func (s *Server) createPerson(w http.ResponseWriter, r *http.Request, u vault.User) {
	if !isStaff(u) {
		s.fail(w, r, http.StatusForbidden, msgStaffOnly, nil)
		return
	}
	var in struct {
		Name      string      `json:"name"`
		BirthDate coffre.Date `json:"birth_date"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadPerson, nil)
		return
	}
	p, err := vault.NewPerson(vault.Person{OrgID: u.OrgID, Name: in.Name, BirthDate: in.BirthDate}, s.Now())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadPerson, nil)
		return
	}
	if p, err = s.Persons.CreatePerson(r.Context(), p, s.Now()); err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, viewPerson(p))
}

// person shows one person to whoever may know them.
func (s *Server) person(w http.ResponseWriter, r *http.Request, u vault.User) {
	id := r.PathValue("id")
	known, err := s.knows(r, u, id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	p, err := s.Persons.GetPerson(r.Context(), id)
	if errors.Is(err, vault.ErrNotFound) || (err == nil && !known) {
		s.fail(w, r, http.StatusNotFound, msgNoSuchPerson, nil)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewPerson(p))
}

// uploadTarget checks that u may upload for personID: a person of u's
// organisation, or u themself; it answers and returns false otherwise. A
// person unknown here gets the same answer whether they exist elsewhere
// or not.
func (s *Server) uploadTarget(w http.ResponseWriter, r *http.Request, u vault.User, personID string) bool {
	switch {
	case u.Role == vault.RolePerson && u.PersonID == personID && !u.Disabled:
		return true
	case !isStaff(u): // another person, or a disabled or unattached user
		s.fail(w, r, http.StatusForbidden, msgNoUpload, nil)
		return false
	}
	known, err := s.knows(r, u, personID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return false
	}
	if !known {
		s.fail(w, r, http.StatusNotFound, msgNoSuchPerson, nil)
	}
	return known
}

// accessLink gives a person a single-use link to their own vault, valid
// for accessLinkTTL: for someone without an email or a password, handed
// over at the counter by a caseworker they gave a mandate. The person's
// account is created on the first link.
func (s *Server) accessLink(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	if !s.mayRead(w, r, u, actionAccessLink, person, "") {
		return
	}
	if !isStaff(u) {
		s.fail(w, r, http.StatusForbidden, msgLinkRefuse, nil)
		return
	}
	pu, err := s.Persons.UserByPerson(r.Context(), person)
	if errors.Is(err, vault.ErrNotFound) {
		pu, err = s.Persons.CreateUser(r.Context(), vault.User{Role: vault.RolePerson, PersonID: person}, "", s.Now())
		if errors.Is(err, vault.ErrConflict) { // created meanwhile
			pu, err = s.Persons.UserByPerson(r.Context(), person)
		}
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	token, err := s.Persons.CreateAccessLink(r.Context(), pu.ID, accessLinkTTL, s.Now())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	if err := s.journal(r, u, actionAccessLink, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": "/acces/" + token, "expires_at": s.Now().Add(accessLinkTTL).UTC()})
}
