package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"coffre"
	"coffre/vault"
)

// documentView is a document as the API shows it: the scan record of
// docs/scan-output.md, plus the document's identity and life.
type documentView struct {
	coffre.Record
	ID           string        `json:"id"`
	PersonID     string        `json:"person_id"`
	State        vault.State   `json:"state"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	SHA256       string        `json:"sha256"`
	Pages        int           `json:"pages"`
	DuplicateOf  string        `json:"duplicate_of,omitempty"`
	SupersededBy string        `json:"superseded_by,omitempty"`
	History      []vault.Event `json:"history,omitempty"`
	// Corrections are a caseworker's changes to what was read, oldest
	// first: the record shows the corrected values.
	Corrections []vault.Correction `json:"corrections,omitempty"`
}

// view builds a document's view; its status is computed today, as a
// stored one would go stale.
func (s *Server) view(d *vault.Document, history []vault.Event) documentView {
	v := documentView{ID: d.ID, PersonID: d.PersonID, State: d.State, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		SHA256: d.SHA256, Pages: len(d.Pages), DuplicateOf: d.DuplicateOf, SupersededBy: d.SupersededBy, History: history,
		Corrections: d.Corrections}
	if d.Record != nil {
		v.Record = *d.Record
		v.Record.Status = s.Policy.Status(d.Record.ExpiresOn, s.today())
	} else {
		v.Record = coffre.NewRecord("")
	}
	v.Record.Pages = len(d.Pages)
	return v
}

func (s *Server) document(w http.ResponseWriter, r *http.Request, u vault.User) {
	d, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !s.ownUpload(u, d) && !s.mayRead(w, r, u, actionView, d.PersonID, d.ID) {
		return
	}
	shown, err := s.shown(r.Context(), d)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	history, err := s.Store.Events(r.Context(), shown.ID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if err := s.journal(r, u, actionView, d.PersonID, d.ID, "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	v := s.view(shown, history)
	v.ID, v.DuplicateOf, v.CreatedAt = d.ID, d.DuplicateOf, d.CreatedAt
	writeJSON(w, http.StatusOK, v)
}

// documentState tells whether a document has been read yet: all a page
// waiting for the result needs. It holds nothing read from the document,
// so it is not journaled, which keeps a poll every half second out of
// the person's journal; the result itself is read from the document.
func (s *Server) documentState(w http.ResponseWriter, r *http.Request, u vault.User) {
	d, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !s.ownUpload(u, d) && !s.mayRead(w, r, u, actionView, d.PersonID, d.ID) {
		return
	}
	// A duplicate's own state is the original's when it came: a page
	// waiting on it would wait for ever.
	shown, err := s.shown(r.Context(), d)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": d.ID, "state": shown.State})
}

// shown returns the document whose reading d shows: d itself, or for a
// duplicate, which is never read, its original.
func (s *Server) shown(ctx context.Context, d *vault.Document) (*vault.Document, error) {
	if d.DuplicateOf == "" {
		return d, nil
	}
	return s.Store.Get(ctx, d.DuplicateOf)
}

// uploaderWindow is how long the user who uploaded a document may see
// what was read from it: an agent at the counter, who never reads the
// vault otherwise, waits for the result of the photo they just took.
const uploaderWindow = time.Hour

// ownUpload reports whether u uploaded d within uploaderWindow.
func (s *Server) ownUpload(u vault.User, d *vault.Document) bool {
	return d.UploadedBy != "" && d.UploadedBy == u.ID && !u.Disabled && s.Now().Sub(d.CreatedAt) < uploaderWindow
}

// file sends page N (from 1) of the original, decrypted.
func (s *Server) file(w http.ResponseWriter, r *http.Request, u vault.User) {
	d, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !s.mayRead(w, r, u, actionDownload, d.PersonID, d.ID) {
		return
	}
	n := 1
	if p := r.URL.Query().Get("page"); p != "" {
		if n, err = strconv.Atoi(p); err != nil || n < 1 || n > len(d.Pages) {
			s.fail(w, r, http.StatusNotFound, "Page introuvable : ce document a "+strconv.Itoa(len(d.Pages))+" page(s).", nil)
			return
		}
	}
	if err := s.journal(r, u, actionDownload, d.PersonID, d.ID, "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	data, err := s.Originals.File(r.Context(), d, n)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", d.Pages[n-1].Mime)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

// search lists the documents matching the filters: of one person (the
// path's {id}, or person_id), or, for a caseworker or admin, across the
// persons who gave them a mandate in force; a person searches their own.
func (s *Server) search(w http.ResponseWriter, r *http.Request, u vault.User) {
	q, ok := s.query(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, msgBadQuery, nil)
		return
	}
	if id := r.PathValue("id"); id != "" {
		q.PersonID = id
	}
	s.list(w, r, u, q)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, u vault.User, q vault.Query) {
	switch {
	case q.PersonID == "" && u.Role == vault.RolePerson:
		q.PersonID = u.PersonID
	case q.PersonID == "" && (u.Role == vault.RoleCaseworker || u.Role == vault.RoleAdmin) && !u.Disabled:
		// The store keeps to the persons whose mandate allows u now.
		q.Reader = &vault.Reader{OrgID: u.OrgID, UserID: u.ID, At: s.Now()}
	case q.PersonID == "":
		s.fail(w, r, http.StatusForbidden, msgForbidden, nil)
		return
	}
	if q.Reader == nil && !s.mayRead(w, r, u, actionSearch, q.PersonID, "") {
		return
	}
	if err := s.journal(r, u, actionSearch, q.PersonID, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	page, err := s.Store.Search(r.Context(), q)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if q.Reader != nil {
		// Across persons, each person whose documents were found reads so
		// in their own journal.
		var persons []string
		for _, d := range page.Documents {
			if !slices.Contains(persons, d.PersonID) {
				persons = append(persons, d.PersonID)
			}
		}
		if err := s.journalEach(r, u, actionSearch, persons); err != nil {
			s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
			return
		}
	}
	views := make([]documentView, len(page.Documents))
	for i := range page.Documents {
		views[i] = s.view(&page.Documents[i], nil)
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": views, "next_cursor": page.Next})
}

// query reads the search filters of r.
func (s *Server) query(r *http.Request) (vault.Query, bool) {
	v := r.URL.Query()
	q := vault.Query{
		PersonID: v.Get("person_id"), Type: coffre.DocType(v.Get("type")), Subtype: v.Get("subtype"),
		Status: coffre.Status(v.Get("status")), Text: v.Get("q"), Cursor: v.Get("cursor"),
		AsOf: s.today(), SoonDays: s.Policy.ExpiringSoonDays,
	}
	if e := v.Get("expires_before"); e != "" {
		d, err := coffre.ParseDate(e)
		if err != nil {
			return q, false
		}
		q.ExpiresBefore = d
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return q, false
		}
		q.Limit = n
	}
	return q, true
}

// alerts lists a person's expiry alerts since a time.
func (s *Server) alerts(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.URL.Query().Get("person_id")
	if person == "" {
		s.fail(w, r, http.StatusBadRequest, msgNeedPerson, nil)
		return
	}
	if !s.mayRead(w, r, u, actionAlerts, person, "") {
		return
	}
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := coffre.ParseDate(v)
			if derr != nil {
				s.fail(w, r, http.StatusBadRequest, "Date invalide pour since : AAAA-MM-JJ ou RFC 3339.", nil)
				return
			}
			t = d.Time()
		}
		since = t
	}
	if err := s.journal(r, u, actionAlerts, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	alerts, err := s.Store.Alerts(r.Context(), person, since)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": alerts})
}
