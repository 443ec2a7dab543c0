package web

import (
	"net/http"
	"net/url"
	"strings"

	"coffre"
)

// person is a person as the API shows them.
type person struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	BirthDate coffre.Date `json:"birth_date"`
}

// home sends each user to where their work starts.
func (s *site) home(w http.ResponseWriter, r *http.Request, u *me) error {
	target := "/recherche"
	switch {
	case u.Agent():
		target = "/depot"
	case u.Person():
		target = "/mes-documents"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

type findData struct {
	Query   string
	Persons []person
	Name    string // of the person being created, kept after an error
	Birth   string
}

// findPerson looks a person up by name, to upload for them.
func (s *site) findPerson(w http.ResponseWriter, r *http.Request, u *me) error {
	d := findData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		var out struct {
			Persons []person `json:"persons"`
		}
		if err := s.call(r, http.MethodGet, apiPath("/api/v1/persons", url.Values{"q": {d.Query}}), nil, &out); err != nil {
			return err
		}
		d.Persons = out.Persons
	}
	s.render(w, http.StatusOK, "find.html", view{Title: "Déposer un document", Me: u, Data: d})
	return nil
}

// createPerson registers a person, then goes on to the upload.
func (s *site) createPerson(w http.ResponseWriter, r *http.Request, u *me) error {
	d := findData{Name: strings.TrimSpace(r.PostFormValue("name")), Birth: r.PostFormValue("birth_date")}
	in := map[string]string{"name": d.Name}
	if d.Birth != "" {
		in["birth_date"] = d.Birth
	}
	var p person
	if err := s.call(r, http.MethodPost, "/api/v1/persons", in, &p); err != nil {
		if ae, ok := refusal(err); ok {
			s.render(w, ae.Code, "find.html", view{Title: "Déposer un document", Me: u, Error: ae.Message, Data: d})
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/depot/"+url.PathEscape(p.ID), http.StatusSeeOther)
	return nil
}

type uploadData struct {
	Person person
}

// uploadPage is the camera form. Its script sends the pages with a
// progress bar, then shows the result as soon as it is read; without the
// script, the form posts to upload.
func (s *site) uploadPage(w http.ResponseWriter, r *http.Request, u *me) error {
	var p person
	if err := s.call(r, http.MethodGet, "/api/v1/persons/"+url.PathEscape(r.PathValue("person")), nil, &p); err != nil {
		return err
	}
	s.render(w, http.StatusOK, "upload.html", view{Title: "Photographier un document", Me: u, Data: uploadData{Person: p}})
	return nil
}

// upload forwards the form (multipart, as the API takes it) and shows
// the result page.
func (s *site) upload(w http.ResponseWriter, r *http.Request, u *me) error {
	rec, err := s.serveAPI(r, http.MethodPost, "/api/v1/documents", r.Body, r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := decode(rec, &out); err != nil {
		return err
	}
	http.Redirect(w, r, "/resultat/"+url.PathEscape(out.ID), http.StatusSeeOther)
	return nil
}

type resultData struct {
	Doc      document
	PersonID string
}

// result shows what was read of a document just uploaded, in plain
// words; while it is being read, the page (or its script, which asks for
// the fragment alone) comes back for it.
func (s *site) result(w http.ResponseWriter, r *http.Request, u *me) error {
	// While the workers read, only the state is asked for: the document
	// itself, whose reading is journaled, once it is read.
	var d document
	path := "/api/v1/documents/" + url.PathEscape(r.PathValue("id"))
	if err := s.call(r, http.MethodGet, path+"/state", nil, &d); err != nil {
		return err
	}
	if !d.Pending() {
		if err := s.call(r, http.MethodGet, path, nil, &d); err != nil {
			return err
		}
	}
	v := view{Title: "Résultat de la lecture", Me: u, Data: resultData{Doc: d, PersonID: d.PersonID}}
	if r.URL.Query().Has("fragment") {
		s.execute(w, http.StatusOK, "result.html", "result", v)
		return nil
	}
	if d.Pending() {
		v.Refresh = 2
	}
	s.render(w, http.StatusOK, "result.html", v)
	return nil
}
