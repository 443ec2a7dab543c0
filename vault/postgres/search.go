package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"coffre"
	"coffre/vault"
)

// Search returns one page of the documents q selects, newest first.
// Query words match as prefixes of the words of the text, after both are
// folded and stemmed by coffre_french: "besan" and "besancon" find
// "Besançon", "impots" finds "impôt"; every word must match, and French
// stop words ("le", "de") are ignored.
func (s *Store) Search(ctx context.Context, q vault.Query) (vault.ResultPage, error) {
	p, err := vault.PlanSearch(q)
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/postgres: search: %w", err)
	}
	query, args := p.SQL(documentColumns, dialect)
	docs, err := scanDocuments(s.pool.Query(ctx, query, args...))
	if err != nil {
		return vault.ResultPage{}, fmt.Errorf("vault/postgres: search: %w", err)
	}
	return p.Page(docs), nil
}

// dialect is PostgreSQL's for searches.
var dialect = vault.Dialect{
	Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	Date:        func(d coffre.Date) any { return d.Time() },
	Time:        func(t time.Time) any { return t },
	Match:       func(words []string) any { return tsquery(words) },
	MatchClause: func(arg string) string { return "text_search @@ to_tsquery('coffre_french', " + arg + ")" },
}

// tsquery returns the text search query matching words as prefixes, all
// of them. Words hold only letters, digits and marks, so they cannot
// break its syntax.
func tsquery(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = w + ":*"
	}
	return strings.Join(terms, " & ")
}
