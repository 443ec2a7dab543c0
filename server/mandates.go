package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"coffre"
	"coffre/vault"
)

// Mandates records the consent people give organisations.
type Mandates interface {
	GrantMandate(ctx context.Context, m vault.Mandate, now time.Time) (vault.Mandate, error)
	RevokeMandate(ctx context.Context, id, by string, now time.Time) error
	Mandates(ctx context.Context, personID string) ([]vault.Mandate, error)
}

const (
	actionMandateGrant  = "mandate_grant"
	actionMandateRevoke = "mandate_revoke"
	msgAdminOnly        = "Accès refusé : seul un administrateur de l'organisation (ou la personne elle-même pour révoquer) peut modifier un mandat."
	msgBadMandate       = "Mandat invalide : indiquez comment le consentement a été recueilli (in_person, signed_paper, online) et, s'il y a lieu, une date de fin AAAA-MM-JJ postérieure à aujourd'hui."
	msgNoMandate        = "Mandat introuvable pour cette personne."
)

// mayManage: the person manages their own mandates (revoking them); an
// admin records or revokes those given to their organisation, on the
// person's instruction.
func mayManage(u vault.User, personID string, m vault.Mandate) bool {
	if u.Role == vault.RolePerson {
		return u.PersonID == personID
	}
	return u.Role == vault.RoleAdmin && u.OrgID == m.OrgID
}

// personMandates lists a person's mandates, revoked ones included.
func (s *Server) personMandates(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	if !s.mayRead(w, r, u, actionMandates, person, "") {
		return
	}
	if err := s.journal(r, u, actionMandates, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	ms, err := s.Mandates.Mandates(r.Context(), person)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"mandates": ms})
}

// grantMandate records the mandate a person gave the admin's
// organisation: JSON {"collected": "in_person", "until": "2027-01-31"}.
func (s *Server) grantMandate(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	var in struct {
		Collected string      `json:"collected"`
		Until     coffre.Date `json:"until"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadMandate, nil)
		return
	}
	m := vault.Mandate{PersonID: person, OrgID: u.OrgID, Collected: in.Collected, GrantedAt: s.Now()}
	if !in.Until.IsZero() {
		m.Until = in.Until.Time()
	}
	if u.Role != vault.RoleAdmin {
		s.refuse(w, r, u, person, "", msgAdminOnly)
		return
	}
	// An admin records mandates for the persons their organisation knows;
	// a person of another organisation is registered here first, which
	// takes them in person at this counter.
	if known, err := s.knows(r, u, person); err != nil || !known {
		s.refuse(w, r, u, person, "", msgAdminOnly)
		return
	}
	if err := vault.CheckMandate(m); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadMandate, nil)
		return
	}
	m, err := s.Mandates.GrantMandate(r.Context(), m, s.Now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if err := s.journal(r, u, actionMandateGrant, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

// revokeMandate ends a mandate at once.
func (s *Server) revokeMandate(w http.ResponseWriter, r *http.Request, u vault.User) {
	person, id := r.PathValue("person"), r.PathValue("id")
	// Whether a mandate exists is for those who know the person.
	if known, err := s.knows(r, u, person); err != nil || !known {
		s.refuse(w, r, u, person, "", msgAdminOnly)
		return
	}
	ms, err := s.Mandates.Mandates(r.Context(), person)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	i := indexOf(ms, id)
	if i < 0 {
		s.fail(w, r, http.StatusNotFound, msgNoMandate, nil)
		return
	}
	if !mayManage(u, person, ms[i]) {
		s.fail(w, r, http.StatusForbidden, msgAdminOnly, nil)
		return
	}
	err = s.Mandates.RevokeMandate(r.Context(), id, u.ID, s.Now())
	if err != nil && !errors.Is(err, vault.ErrConflict) { // already revoked: done
		s.storeError(w, r, err)
		return
	}
	if err := s.journal(r, u, actionMandateRevoke, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func indexOf(ms []vault.Mandate, id string) int {
	for i, m := range ms {
		if m.ID == id {
			return i
		}
	}
	return -1
}
