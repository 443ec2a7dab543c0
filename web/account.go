package web

import (
	"net/http"
)

const msgPasswordChanged = "Mot de passe changé : reconnectez-vous avec le nouveau."

// account lets a user with an email and password change the password.
func (s *site) account(w http.ResponseWriter, r *http.Request, u *me) error {
	s.render(w, http.StatusOK, "account.html", view{Title: "Mon compte", Me: u})
	return nil
}

// changePassword asks the API to replace the password. Every session of
// the user ends with it, this one too: the user logs in again.
func (s *site) changePassword(w http.ResponseWriter, r *http.Request, u *me) error {
	in := map[string]string{"current": r.PostFormValue("current"), "new": r.PostFormValue("new")}
	if err := s.call(r, http.MethodPut, "/api/v1/me/password", in, nil); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		s.render(w, ae.Code, "account.html", view{Title: "Mon compte", Me: u, Error: ae.Message})
		return nil
	}
	s.setCookie(w, "", -1)
	http.Redirect(w, r, "/connexion?motdepasse", http.StatusSeeOther)
	return nil
}
