package web

import (
	"net/http"
	"net/url"
	"strings"

	"coffre/vault"
)

type adminData struct {
	Users []me
	Roles []vault.Role
	Token string // a token just created, shown once
	Email string // of the user being created, kept after an error
}

var staffRoles = []vault.Role{vault.RoleAgent, vault.RoleCaseworker, vault.RoleAdmin}

// admin lists the organisation's users, with forms to add one and to give
// one an API token.
func (s *site) admin(w http.ResponseWriter, r *http.Request, u *me) error {
	v := view{Title: "Administration", Me: u}
	if r.URL.Query().Has("cree") {
		v.Info = "Compte créé."
	}
	return s.showAdmin(w, r, v, adminData{})
}

func (s *site) showAdmin(w http.ResponseWriter, r *http.Request, v view, d adminData) error {
	var out struct {
		Users []me `json:"users"`
	}
	if err := s.call(r, http.MethodGet, "/api/v1/users", nil, &out); err != nil {
		return err
	}
	d.Users, d.Roles = out.Users, staffRoles
	v.Data = d
	s.render(w, http.StatusOK, "admin.html", v)
	return nil
}

func (s *site) createUser(w http.ResponseWriter, r *http.Request, u *me) error {
	in := map[string]string{"email": strings.TrimSpace(r.PostFormValue("email")), "name": strings.TrimSpace(r.PostFormValue("name")),
		"role": r.PostFormValue("role"), "password": r.PostFormValue("password")}
	if err := s.call(r, http.MethodPost, "/api/v1/users", in, nil); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		return s.showAdmin(w, r, view{Title: "Administration", Me: u, Error: ae.Message}, adminData{Email: in["email"]})
	}
	http.Redirect(w, r, "/admin?cree", http.StatusSeeOther)
	return nil
}

// createToken shows a new API token once: it is not kept in clear.
func (s *site) createToken(w http.ResponseWriter, r *http.Request, u *me) error {
	var out struct {
		Token string `json:"token"`
	}
	v := view{Title: "Administration", Me: u}
	if err := s.call(r, http.MethodPost, "/api/v1/users/"+url.PathEscape(r.PathValue("id"))+"/tokens", map[string]string{}, &out); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		v.Error = ae.Message
	}
	return s.showAdmin(w, r, v, adminData{Token: out.Token})
}

// setDisabled disables a user (their sessions and tokens end at once), or
// enables them again.
func (s *site) setDisabled(w http.ResponseWriter, r *http.Request, u *me) error {
	in := map[string]bool{"disabled": r.PostFormValue("disabled") == "true"}
	if err := s.call(r, http.MethodPut, "/api/v1/users/"+url.PathEscape(r.PathValue("id"))+"/disabled", in, nil); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		return s.showAdmin(w, r, view{Title: "Administration", Me: u, Error: ae.Message}, adminData{})
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	return nil
}
