package web

import (
	"net/http"
	"net/url"
)

// Deleting is irreversible: each deletion first shows a page saying what
// goes and that the journal keeps that it happened, and deletes only when
// its form is sent.

type confirmData struct {
	What   string // what will be deleted, in a sentence
	Action string // where the confirmation posts
	Back   string // where Annuler leads
	Button string
	Person string // the person whose document it is (where an admin returns after)
	Export string // the download of everything, offered before deleting it all
}

func (s *site) confirmDeleteDocument(w http.ResponseWriter, r *http.Request, u *me) error {
	id := url.PathEscape(r.PathValue("id"))
	var d document
	if err := s.call(r, http.MethodGet, "/api/v1/documents/"+id, nil, &d); err != nil {
		return err
	}
	s.render(w, http.StatusOK, "confirm.html", view{Title: "Supprimer ce document", Me: u, Data: confirmData{
		What:   "Le document « " + d.Title() + " », déposé le " + frenchDateTime(d.CreatedAt) + ", sera supprimé avec toutes ses pages.",
		Action: "/documents/" + id + "/supprimer", Back: "/documents/" + id, Button: "Supprimer définitivement ce document",
		Person: d.PersonID,
	}})
	return nil
}

func (s *site) deleteDocument(w http.ResponseWriter, r *http.Request, u *me) error {
	if err := s.call(r, http.MethodDelete, "/api/v1/documents/"+url.PathEscape(r.PathValue("id")), nil, nil); err != nil {
		return err
	}
	target := "/mes-documents?supprime"
	if !u.Person() {
		target = "/personnes/" + url.PathEscape(r.PostFormValue("person")) + "?supprime"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (s *site) confirmDeletePerson(w http.ResponseWriter, r *http.Request, u *me) error {
	id := url.PathEscape(r.PathValue("id"))
	var p person
	if err := s.call(r, http.MethodGet, "/api/v1/persons/"+id, nil, &p); err != nil {
		return err
	}
	d := confirmData{Action: "/personnes/" + id + "/supprimer", Export: "/api/v1/persons/" + id + "/export"}
	title := "Supprimer toutes les données de " + p.Name
	if u.Person() {
		title = "Supprimer toutes mes données"
		d.What = "Tous vos documents, les mandats que vous avez donnés et votre compte seront supprimés. Votre accès à coffre sera fermé aussitôt."
		d.Back, d.Button = "/mes-documents", "Supprimer définitivement toutes mes données"
	} else {
		d.What = "Tous les documents de " + p.Name + ", ses mandats, son inscription et son compte seront supprimés. Ne le faites qu'à sa demande."
		d.Back, d.Button = "/personnes/"+id, "Supprimer définitivement toutes ses données"
	}
	s.render(w, http.StatusOK, "confirm.html", view{Title: title, Me: u, Data: d})
	return nil
}

func (s *site) deletePerson(w http.ResponseWriter, r *http.Request, u *me) error {
	if err := s.call(r, http.MethodDelete, "/api/v1/persons/"+url.PathEscape(r.PathValue("id")), nil, nil); err != nil {
		return err
	}
	if !u.Person() {
		http.Redirect(w, r, "/recherche?supprime", http.StatusSeeOther)
		return nil
	}
	// The person's account went with their data, and its sessions: the
	// cookie opens nothing now, and the next page would only ask them to
	// log in, which they no longer can.
	s.setCookie(w, "", -1)
	http.Redirect(w, r, "/donnees-supprimees", http.StatusSeeOther)
	return nil
}

// deletedPage tells the person, no longer logged in, that everything is
// gone. It shows nothing personal, so anyone may open it.
func (s *site) deletedPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "deleted.html", view{Title: "Vos données ont été supprimées"})
}
