package sqlite

import (
	"context"
	"fmt"
	"strings"

	"coffre"
	"coffre/vault"
)

// finished is the condition for a document to have a status: the
// pipeline read it. Status filters exclude the others.
const finished = `state IN ('done', 'needs_review')`

// Search returns one page of the documents q selects, newest first.
// Query words match as prefixes of the words of the text: "besan" and
// "besancon" find "Besançon"; every word must match.
func (s *Store) Search(ctx context.Context, q vault.Query) (vault.ResultPage, error) {
	p, err := vault.PlanSearch(q)
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/sqlite: search: %w", err)
	}
	query, args := searchSQL(p)
	docs, err := scanDocuments(s.r.QueryContext(ctx, query, args...))
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/sqlite: search: %w", err)
	}
	return p.Page(docs), nil
}

// searchSQL returns the query of p and its arguments.
func searchSQL(p vault.SearchPlan) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "?"
	}
	where := []string{"duplicate_of IS NULL"}
	if p.PersonID != "" {
		where = append(where, "person_id = "+arg(p.PersonID))
	}
	if p.Type != "" {
		where = append(where, "type = "+arg(p.Type))
	}
	if p.Subtype != "" {
		where = append(where, "subtype = "+arg(p.Subtype))
	}
	switch p.Status {
	case coffre.StatusExpired:
		where = append(where, finished+" AND expires_on < "+arg(p.AsOf.String()))
	case coffre.StatusExpiringSoon:
		where = append(where, finished+" AND expires_on BETWEEN "+arg(p.AsOf.String())+" AND "+arg(p.SoonUntil.String()))
	case coffre.StatusValid:
		where = append(where, finished+" AND expires_on > "+arg(p.SoonUntil.String()))
	case coffre.StatusUndetermined:
		where = append(where, finished+" AND expires_on IS NULL")
	}
	if !p.ExpiresBefore.IsZero() {
		where = append(where, "expires_on < "+arg(p.ExpiresBefore.String()))
	}
	if len(p.Words) > 0 {
		// The + keeps the planner from reading every match to sort them:
		// it walks an index in order and checks each row against them.
		where = append(where, "+seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH "+arg(match(p.Words))+")")
	}
	if p.After {
		where = append(where, "(created_at, id) < ("+arg(timestamp(p.AfterCreated))+", "+arg(p.AfterID)+")")
	}
	query := "SELECT " + documentColumns + " FROM documents WHERE " + strings.Join(where, " AND ") +
		" ORDER BY created_at DESC, id DESC LIMIT " + arg(p.Limit+1)
	return query, args
}

// match returns the FTS5 query matching words as prefixes, all of them.
// Words hold only letters, digits and marks, so quoting cannot break.
func match(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return strings.Join(terms, " ")
}
