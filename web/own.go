package web

import (
	"net/http"
	"net/url"
	"time"

	"coffre/vault"
)

// mandate is a mandate as the API shows it.
type mandate struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	OrgName   string    `json:"org_name"`
	GranteeID string    `json:"grantee_id"`
	GrantedAt time.Time `json:"granted_at"`
	Until     time.Time `json:"until"`
	Collected string    `json:"collected"`
	RevokedAt time.Time `json:"revoked_at"`
}

type ownData struct {
	*personData
	Journal  []journalLine
	Actors   map[string]vault.Actor
	Mandates []mandate
	Now      time.Time
}

// InForce reports whether m still lets the organisation read, at now.
func (m mandate) InForce(now time.Time) bool {
	return m.RevokedAt.IsZero() && (m.Until.IsZero() || now.Before(m.Until))
}

// own is the person's own page: their documents, who saw them and when
// (the journal), their mandates with a button to revoke each, and the
// download of everything.
func (s *site) own(w http.ResponseWriter, r *http.Request, u *me) error {
	if !u.Person() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	v := view{Title: "Mes documents", Me: u}
	switch q := r.URL.Query(); {
	case q.Has("revoque"):
		v.Info = "Mandat révoqué : l'organisation ne peut plus consulter vos documents."
	case q.Has("supprime"):
		v.Info = "Document supprimé."
	}
	return s.showOwn(w, r, v)
}

func (s *site) showOwn(w http.ResponseWriter, r *http.Request, v view) error {
	id := url.PathEscape(v.Me.PersonID)
	pd, err := s.personData(r, v.Me.PersonID)
	if err != nil {
		return err
	}
	d := ownData{personData: pd, Now: s.Now()}
	var journal struct {
		Entries []vault.Entry          `json:"entries"`
		Actors  map[string]vault.Actor `json:"actors"`
	}
	if err := s.call(r, http.MethodGet, "/api/v1/persons/"+id+"/journal", nil, &journal); err != nil {
		return err
	}
	d.Journal, d.Actors = journalLines(journal.Entries, v.Me.ID), journal.Actors
	if d.Mandates, err = s.mandates(r, v.Me.PersonID); err != nil {
		return err
	}
	v.Data = d
	s.render(w, http.StatusOK, "own.html", v)
	return nil
}

// journalLine is one line of the journal as the person reads it: an
// entry, or several alike in a row.
type journalLine struct {
	vault.Entry
	Count int
	First time.Time // of the oldest entry of the line
}

// journalLines returns the entries newest first, without the person's
// own (not what they look for here), each run of the same action by the
// same user on the same document as one line: a caseworker going back
// and forth between a person's documents views each several times.
func journalLines(entries []vault.Entry, self string) []journalLine {
	var lines []journalLine
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Actor == self {
			continue
		}
		if n := len(lines); n > 0 {
			if last := &lines[n-1]; last.Actor == e.Actor && last.Action == e.Action && last.DocumentID == e.DocumentID && last.Outcome == e.Outcome {
				last.Count++
				last.First = e.At
				continue
			}
		}
		lines = append(lines, journalLine{Entry: e, Count: 1, First: e.At})
	}
	return lines
}

// revoke ends a mandate at once.
func (s *site) revoke(w http.ResponseWriter, r *http.Request, u *me) error {
	path := "/api/v1/persons/" + url.PathEscape(r.PathValue("person")) + "/mandates/" + url.PathEscape(r.PathValue("id"))
	if err := s.call(r, http.MethodDelete, path, nil, nil); err != nil {
		ae, ok := refusal(err)
		if !ok || !u.Person() {
			return err
		}
		return s.showOwn(w, r, view{Title: "Mes documents", Me: u, Error: ae.Message})
	}
	if u.Person() {
		http.Redirect(w, r, "/mes-documents?revoque", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/personnes/"+url.PathEscape(r.PathValue("person"))+"?revoque", http.StatusSeeOther)
	}
	return nil
}

// mandates reads a person's mandates, newest first.
func (s *site) mandates(r *http.Request, personID string) ([]mandate, error) {
	var ms struct {
		Mandates []mandate `json:"mandates"`
	}
	err := s.call(r, http.MethodGet, "/api/v1/persons/"+url.PathEscape(personID)+"/mandates", nil, &ms)
	return ms.Mandates, err
}
