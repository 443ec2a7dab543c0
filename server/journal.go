package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"coffre/vault"
)

// Journal records every operation on the vault, for the person to read
// (art. L.103 CPCE asks for a journal the user can consult).
type Journal interface {
	Append(ctx context.Context, e vault.Entry) (vault.Entry, error)
	Entries(ctx context.Context, personID string, after int64, limit int) ([]vault.Entry, error)
}

// Journaled actions.
const (
	actionUpload   = "upload"
	actionView     = "view"
	actionDownload = "download"
	actionSearch   = "search"
	actionJournal  = "journal"
	actionAlerts   = "alerts"
	actionMandates = "mandates"
)

// journal records an operation; an access that cannot be journaled is
// refused (the caller answers 500), so that no read goes unrecorded.
func (s *Server) journal(r *http.Request, u vault.User, action, personID, documentID, outcome string) error {
	_, err := s.Journal.Append(r.Context(), vault.Entry{At: s.Now(), Actor: u.ID, PersonID: personID,
		DocumentID: documentID, Action: action, Outcome: outcome})
	return err
}

// journalEach records action once for each of persons, each of whom
// reads it in their journal. The entries are appended at once, so that
// the store commits them together.
func (s *Server) journalEach(r *http.Request, u vault.User, action string, persons []string) error {
	errs := make([]error, len(persons))
	var wg sync.WaitGroup
	for i, p := range persons {
		wg.Go(func() { errs[i] = s.journal(r, u, action, p, "", "ok") })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// personJournal lists the journal of a person, oldest first, paged by
// ?after=SEQ, with the actors' names, roles and organisations.
func (s *Server) personJournal(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	if !s.mayRead(w, r, u, actionJournal, person, "") {
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err := s.journal(r, u, actionJournal, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	entries, err := s.Journal.Entries(r.Context(), person, after, 0)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// Who acted, by name, role and organisation: the person reads "who
	// saw my documents", not user ids.
	var ids []string
	for _, e := range entries {
		if !slices.Contains(ids, e.Actor) {
			ids = append(ids, e.Actor)
		}
	}
	actors, err := s.Persons.Actors(r.Context(), ids)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries, "actors": actors})
}
