package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"coffre"
	"coffre/vault"
)

// Journaled changes.
const (
	actionCorrect      = "correct"
	actionDelete       = "delete"
	actionDeletePerson = "delete_person"

	msgNoCorrect    = "Accès refusé : seuls les travailleurs sociaux et administrateurs sous mandat de la personne corrigent un document."
	msgBadCorrect   = "Correction invalide : envoyez {\"type\", \"subtype\", \"fields\": {nom: valeur}} avec au moins une valeur modifiée, un type connu (avis_imposition, piece_identite, attestation_caf, unknown) et, pour chaque champ, une valeur de même nature que celle lue (nombre, texte, date AAAA-MM-JJ)."
	msgNotCorrected = "Ce document ne peut pas être corrigé : il n'a pas encore été lu, ou c'est un doublon (corrigez l'original)."
	msgNoDelete     = "Accès refusé : seule la personne elle-même, ou un administrateur sur sa demande et sous son mandat, supprime des documents."
)

// mayChange: the person decides about their own vault; an admin acts on
// their instruction, under their mandate (checked by mayRead before).
func mayChange(u vault.User, personID string) bool {
	if u.Role == vault.RolePerson {
		return u.PersonID == personID
	}
	return u.Role == vault.RoleAdmin
}

// deleteDocument deletes a document and its duplicates: their keys are
// destroyed first (crypto-shredding), then their rows and files. The
// journal keeps that it happened, not what it held.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request, u vault.User) {
	d, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !s.mayRead(w, r, u, actionDelete, d.PersonID, d.ID) {
		return
	}
	if !mayChange(u, d.PersonID) {
		s.journal(r, u, actionDelete, d.PersonID, d.ID, "denied")
		s.fail(w, r, http.StatusForbidden, msgNoDelete, nil)
		return
	}
	deleted, err := s.Store.Delete(r.Context(), d.ID, s.Now())
	s.finishDelete(w, r, u, actionDelete, d.PersonID, d.ID, deleted, err)
}

// deletePerson deletes everything the vault holds about a person: their
// documents (shredded first), mandates, registration and account.
func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	if !s.mayRead(w, r, u, actionDeletePerson, person, "") {
		return
	}
	if !mayChange(u, person) {
		s.journal(r, u, actionDeletePerson, person, "", "denied")
		s.fail(w, r, http.StatusForbidden, msgNoDelete, nil)
		return
	}
	deleted, err := s.Store.DeletePerson(r.Context(), person, s.Now())
	s.finishDelete(w, r, u, actionDeletePerson, person, "", deleted, err)
}

// finishDelete removes the files of the deleted documents, unreadable
// already, journals the deletion and answers. A file left behind (the
// blob store failing) is logged: it holds nothing anyone can open.
func (s *Server) finishDelete(w http.ResponseWriter, r *http.Request, u vault.User, action, person, docID string, deleted []vault.Document, err error) {
	if err != nil {
		s.journal(r, u, action, person, docID, "error")
		s.storeError(w, r, err)
		return
	}
	for i := range deleted {
		if err := s.Originals.Delete(r.Context(), &deleted[i]); err != nil {
			s.Logger.WarnContext(r.Context(), "deleted document's sealed files left behind", "document_id", deleted[i].ID, "err", err)
		}
	}
	if err := s.journal(r, u, action, person, docID, "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// correctDocument records a caseworker's correction of a document's type
// or fields: JSON {"type", "subtype", "fields": {name: value}}. The
// validity is computed again from the corrected fields; what was read is
// kept in the corrections, with who changed it and when.
func (s *Server) correctDocument(w http.ResponseWriter, r *http.Request, u vault.User) {
	d, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !s.mayRead(w, r, u, actionCorrect, d.PersonID, d.ID) {
		return
	}
	if u.Role != vault.RoleCaseworker && u.Role != vault.RoleAdmin {
		s.journal(r, u, actionCorrect, d.PersonID, d.ID, "denied")
		s.fail(w, r, http.StatusForbidden, msgNoCorrect, nil)
		return
	}
	var in struct {
		Type    *coffre.DocType `json:"type"`
		Subtype *string         `json:"subtype"`
		Fields  map[string]any  `json:"fields"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
		s.fail(w, r, http.StatusBadRequest, msgBadCorrect, nil)
		return
	}
	if d.Record == nil || d.DuplicateOf != "" {
		s.fail(w, r, http.StatusConflict, msgNotCorrected, nil)
		return
	}
	if in.Type != nil && !in.Type.Known() || !fieldsFit(d.Record.Fields, in.Fields) {
		s.fail(w, r, http.StatusBadRequest, msgBadCorrect, nil)
		return
	}
	rec, cs := s.corrected(*d.Record, in.Type, in.Subtype, in.Fields, u.ID)
	if len(cs) == 0 {
		s.fail(w, r, http.StatusBadRequest, msgBadCorrect, nil)
		return
	}
	fixed, err := s.Store.Correct(r.Context(), d.ID, rec, cs, s.Now())
	if errors.Is(err, vault.ErrConflict) {
		s.fail(w, r, http.StatusConflict, msgNotCorrected, err)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if err := s.journal(r, u, actionCorrect, d.PersonID, d.ID, "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	history, err := s.Store.Events(r.Context(), d.ID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.view(fixed, history))
}

// corrected applies a correction to rec and returns it with the list of
// what changed (values as text, JSON for what is not a string). The
// expiry is derived again from the corrected type and fields, as the
// pipeline does.
func (s *Server) corrected(rec coffre.Record, typ *coffre.DocType, subtype *string, fields map[string]any, by string) (coffre.Record, []vault.Correction) {
	var cs []vault.Correction
	change := func(field string, old, new any) {
		if o, n := asText(old), asText(new); o != n {
			cs = append(cs, vault.Correction{Field: field, Old: o, New: n, By: by, At: s.Now()})
		}
	}
	if typ != nil {
		change("type", rec.Type, *typ)
		rec.Type = *typ
	}
	if subtype != nil {
		change("subtype", rec.Subtype, *subtype)
		rec.Subtype = *subtype
	}
	rec.Fields = maps.Clone(rec.Fields)
	if rec.Fields == nil {
		rec.Fields = coffre.Fields{}
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		change(k, rec.Fields[k], fields[k])
		rec.Fields[k] = fields[k]
	}
	if len(cs) == 0 {
		return rec, nil
	}
	expires, checks := s.Policy.ExpiresOn(rec.Type, rec.Subtype, rec.Fields, rec.IssuedOn)
	rec.ExpiresOn = expires
	rec.Checks = slices.DeleteFunc(slices.Clone(rec.Checks), func(c coffre.Check) bool {
		return slices.ContainsFunc(checks, func(n coffre.Check) bool { return n.Name == c.Name })
	})
	rec.Checks = append(rec.Checks, checks...)
	rec.Status = s.Policy.Status(expires, s.today())
	return rec, cs
}

// fieldsFit reports whether each corrected value may replace the value
// read: of the same JSON kind (a number stays a number), and a date
// stays a date, which the validity is computed from.
func fieldsFit(read coffre.Fields, corrected map[string]any) bool {
	for k, v := range corrected {
		old, ok := read[k]
		if !ok || old == nil || v == nil {
			continue
		}
		o, err1 := json.Marshal(old)
		n, err2 := json.Marshal(v)
		if err1 != nil || err2 != nil || jsonKind(o) != jsonKind(n) {
			return false
		}
		if _, err := coffre.ParseDate(strings.Trim(string(o), `"`)); err == nil && jsonKind(o) == '"' {
			if _, err := coffre.ParseDate(strings.Trim(string(n), `"`)); err != nil {
				return false
			}
		}
	}
	return true
}

// jsonKind is the first byte of a JSON value, numbers all as '0' and
// booleans as 't'.
func jsonKind(b []byte) byte {
	switch {
	case b[0] == '-' || '0' <= b[0] && b[0] <= '9':
		return '0'
	case b[0] == 'f':
		return 't'
	}
	return b[0]
}

// asText is how a correction records a value.
func asText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case coffre.DocType:
		return string(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
