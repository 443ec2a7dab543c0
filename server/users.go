package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"coffre/vault"
)

// Accounts is what an organisation's admin manages: its users and their
// API tokens.
type Accounts interface {
	Users(ctx context.Context, orgID string) ([]vault.User, error)
	CreateUser(ctx context.Context, u vault.User, password string, now time.Time) (vault.User, error)
	CreateToken(ctx context.Context, userID string, now time.Time) (string, error)
	SetUserDisabled(ctx context.Context, userID string, disabled bool) error
	Authenticate(ctx context.Context, email, password string) (vault.User, error)
	SetPassword(ctx context.Context, userID, password string) error
}

const (
	msgAdminUsers = "Accès refusé : seul un administrateur gère les comptes de son organisation."
	msgBadUser    = "Compte invalide : indiquez une adresse e-mail et un rôle (agent, caseworker ou admin)."
	msgEmailTaken = "Cette adresse e-mail a déjà un compte."
	msgNoSuchUser = "Compte introuvable dans votre organisation."
	msgBadCurrent = "Mot de passe actuel incorrect : vérifiez-le et réessayez."
	msgWeakNew    = "Nouveau mot de passe trop court : choisissez-en un d'au moins 12 caractères (une phrase, par exemple)."
)

// admin runs h for the admins of an organisation only.
func (s *Server) admin(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, u vault.User) {
		if u.Role != vault.RoleAdmin || u.OrgID == "" {
			s.fail(w, r, http.StatusForbidden, msgAdminUsers, nil)
			return
		}
		h(w, r, u)
	}
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, u vault.User) {
	users, err := s.Accounts.Users(r.Context(), u.OrgID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	views := make([]userView, len(users))
	for i, x := range users {
		views[i] = viewUser(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": views})
}

// createUser adds a user to the admin's organisation: JSON {"email",
// "name", "role", "password"} (no password: the user logs in once one is
// set, or uses API tokens).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, u vault.User) {
	var in struct {
		Email, Name, Password string
		Role                  vault.Role
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || in.Role == vault.RolePerson {
		s.fail(w, r, http.StatusBadRequest, msgBadUser, nil)
		return
	}
	nu := vault.User{OrgID: u.OrgID, Email: in.Email, Name: in.Name, Role: in.Role}
	if err := vault.CheckUser(nu); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadUser, nil)
		return
	}
	nu, err := s.Accounts.CreateUser(r.Context(), nu, in.Password, s.Now())
	if errors.Is(err, vault.ErrConflict) {
		s.fail(w, r, http.StatusConflict, msgEmailTaken, nil)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, viewUser(nu))
}

// orgUser finds user {id} in the admin's organisation, answering 404
// when it is not there.
func (s *Server) orgUser(w http.ResponseWriter, r *http.Request, u vault.User) (vault.User, bool) {
	users, err := s.Accounts.Users(r.Context(), u.OrgID)
	if err != nil {
		s.storeError(w, r, err)
		return vault.User{}, false
	}
	for _, x := range users {
		if x.ID == r.PathValue("id") {
			return x, true
		}
	}
	s.fail(w, r, http.StatusNotFound, msgNoSuchUser, nil)
	return vault.User{}, false
}

// createUserToken makes an API token for a user of the organisation: an
// integration's, or a phone's. It is shown once.
func (s *Server) createUserToken(w http.ResponseWriter, r *http.Request, u vault.User) {
	target, ok := s.orgUser(w, r, u)
	if !ok {
		return
	}
	token, err := s.Accounts.CreateToken(r.Context(), target.ID, s.Now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": token})
}

// setUserDisabled disables ({"disabled": true}) or enables a user; a
// disabled user's sessions and tokens end at once.
func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, u vault.User) {
	var in struct{ Disabled bool }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 256)).Decode(&in); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadUser, nil)
		return
	}
	target, ok := s.orgUser(w, r, u)
	if !ok {
		return
	}
	if err := s.Accounts.SetUserDisabled(r.Context(), target.ID, in.Disabled); err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// changePassword replaces the caller's password: JSON {"current", "new"}.
// The current one is asked again, so that a browser left open does not
// let anyone take the account; every session of the user ends.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u vault.User) {
	var in struct{ Current, New string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgWeakNew, nil)
		return
	}
	_, err := s.Accounts.Authenticate(r.Context(), u.Email, in.Current)
	switch {
	case errors.Is(err, vault.ErrUnauthorized) || u.Email == "":
		s.fail(w, r, http.StatusForbidden, msgBadCurrent, nil)
		return
	case err != nil:
		s.storeError(w, r, err)
		return
	}
	if len([]rune(in.New)) < vault.MinPasswordLength {
		s.fail(w, r, http.StatusBadRequest, msgWeakNew, nil)
		return
	}
	if err := s.Accounts.SetPassword(r.Context(), u.ID, in.New); err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
