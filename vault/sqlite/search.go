package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"coffre"
	"coffre/vault"
)

// Search returns one page of the documents q selects, newest first.
// Query words match as prefixes of the words of the text: "besan" and
// "besancon" find "Besançon"; every word must match.
func (s *Store) Search(ctx context.Context, q vault.Query) (vault.ResultPage, error) {
	p, err := vault.PlanSearch(q)
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/sqlite: search: %w", err)
	}
	query, args := p.SQL(documentColumns, dialect)
	docs, err := scanDocuments(s.r.QueryContext(ctx, query, args...))
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/sqlite: search: %w", err)
	}
	return p.Page(docs), nil
}

// dialect is SQLite's for searches.
var dialect = vault.Dialect{
	Placeholder: func(int) string { return "?" },
	Date:        func(d coffre.Date) any { return d.String() },
	Time:        func(t time.Time) any { return timestamp(t) },
	Match:       func(words []string) any { return match(words) },
	// The + keeps the planner from reading every match to sort them: it
	// walks an index in order and checks each row against them.
	MatchClause: func(arg string) string {
		return "+seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH " + arg + ")"
	},
	// It would walk documents_person_sha256 instead, reading each
	// candidate's row past its large record to check type and expiry.
	PersonsIndex: " INDEXED BY documents_person",
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
