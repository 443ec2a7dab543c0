package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"coffre/server"
	"coffre/vault"
)

// sessionTTL is how long a session lasts: a working day, so that a
// phone left on a counter does not stay logged in overnight.
const sessionTTL = 10 * time.Hour

const (
	msgBadLogin   = "Adresse e-mail ou mot de passe incorrect. Vérifiez-les et réessayez."
	msgTooMany    = "Trop de tentatives de connexion : attendez une minute avant de réessayer."
	msgBadLink    = "Ce lien d'accès n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau à votre CCAS."
	msgLoggedOut  = "Vous êtes déconnecté."
	loginTemplate = "login.html"
)

type loginData struct {
	Email string
}

func (s *site) loginPage(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "Connexion", Data: loginData{}}
	switch q := r.URL.Query(); {
	case q.Has("sortie"):
		v.Info = msgLoggedOut
	case q.Has("motdepasse"):
		v.Info = msgPasswordChanged
	}
	s.render(w, http.StatusOK, loginTemplate, v)
}

// login checks an email and password, limited per address and per email.
func (s *site) login(w http.ResponseWriter, r *http.Request) {
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	now := s.Now()
	fail := func(code int, msg string) {
		s.render(w, code, loginTemplate, view{Title: "Connexion", Error: msg, Data: loginData{Email: email}})
	}
	if !s.LoginsPerAddr.Allow(server.ClientAddr(r), now) || !s.LoginsPerEmail.Allow(vault.EmailKey(email), now) {
		fail(http.StatusTooManyRequests, msgTooMany)
		return
	}
	u, err := s.Sessions.Authenticate(r.Context(), email, password)
	if errors.Is(err, vault.ErrUnauthorized) {
		fail(http.StatusUnauthorized, msgBadLogin)
		return
	}
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "login failed", "err", err)
		fail(http.StatusInternalServerError, msgInternal)
		return
	}
	s.startSession(w, r, u)
}

// startSession logs u in on this browser and sends them home. Every way
// of logging in (password, access link, and later OpenID Connect) ends
// here.
func (s *site) startSession(w http.ResponseWriter, r *http.Request, u vault.User) {
	id, err := s.Sessions.CreateSession(r.Context(), u.ID, sessionTTL, s.Now())
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "session creation failed", "user_id", u.ID, "err", err)
		s.render(w, http.StatusInternalServerError, "error.html", view{Title: "Erreur", Error: msgInternal})
		return
	}
	s.setCookie(w, id, int(sessionTTL/time.Second))
	s.Logger.InfoContext(r.Context(), "session started", "user_id", u.ID, "role", u.Role)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// setCookie sets the session cookie; maxAge < 0 deletes it.
func (s *site) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: server.SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *site) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		if err := s.Sessions.DeleteSession(r.Context(), c.Value); err != nil {
			s.Logger.ErrorContext(r.Context(), "logout failed", "err", err)
		}
	}
	s.setCookie(w, "", -1)
	http.Redirect(w, r, "/connexion?sortie", http.StatusSeeOther)
}

// accessLinkPage asks the person to confirm before the single-use link
// is spent: mail and messaging apps open links to preview them, which
// would use it up.
func (s *site) accessLinkPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "access.html", view{Title: "Accéder à mes documents"})
}

func (s *site) accessLink(w http.ResponseWriter, r *http.Request) {
	now := s.Now()
	if !s.LoginsPerAddr.Allow(server.ClientAddr(r), now) {
		s.render(w, http.StatusTooManyRequests, "access.html", view{Title: "Accéder à mes documents", Error: msgTooMany})
		return
	}
	u, err := s.Sessions.UseAccessLink(r.Context(), r.PathValue("token"), now)
	if errors.Is(err, vault.ErrUnauthorized) {
		s.render(w, http.StatusUnauthorized, "access.html", view{Title: "Accéder à mes documents", Error: msgBadLink})
		return
	}
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "access link failed", "err", err)
		s.render(w, http.StatusInternalServerError, "error.html", view{Title: "Erreur", Error: msgInternal})
		return
	}
	s.startSession(w, r, u)
}

// origin is the site's address as the browser reached it, to make full
// links to give out. Behind a TLS proxy r.TLS is nil: the proxy says
// https in X-Forwarded-Proto.
func (s *site) origin(r *http.Request) string {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
