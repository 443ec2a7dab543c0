package vault

import (
	"strings"
	"time"

	"coffre"
)

// A Dialect is what the stores' SQL differs in when they search.
type Dialect struct {
	Placeholder func(n int) string       // the n-th (from 1) argument: "$1" or "?"
	Date        func(coffre.Date) any    // a date as the driver takes it
	Time        func(time.Time) any      // a timestamp as the driver takes it
	Match       func(words []string) any // the text-search argument matching all words as prefixes…
	MatchClause func(arg string) string  // …and the condition that applies it
	// PersonsIndex follows "FROM documents" when the documents of many
	// persons are gathered (a search across mandates): a hint to the
	// index on (person_id, created_at…) covering the filters, which
	// SQLite's planner, without statistics, passes over.
	PersonsIndex string
}

// finished is the condition for a document to have a status: the
// pipeline read it. Status filters exclude the others.
const finished = `state IN ('done', 'needs_review')`

// SQL returns the search query of p over the columns of documents, and
// its arguments, in dialect d: the plan's filters, newest first, one
// more row than the page so that Page knows whether another follows.
func (p SearchPlan) SQL(columns string, d Dialect) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return d.Placeholder(len(args))
	}
	where := []string{"duplicate_of IS NULL"}
	for _, f := range [...]struct{ col, v string }{{"person_id", p.PersonID}, {"type", string(p.Type)}, {"subtype", p.Subtype}} {
		if f.v != "" {
			where = append(where, f.col+" = "+arg(f.v))
		}
	}
	switch p.Status {
	case coffre.StatusExpired:
		where = append(where, finished+" AND expires_on < "+arg(d.Date(p.AsOf)))
	case coffre.StatusExpiringSoon:
		where = append(where, finished+" AND expires_on BETWEEN "+arg(d.Date(p.AsOf))+" AND "+arg(d.Date(p.SoonUntil)))
	case coffre.StatusValid:
		where = append(where, finished+" AND expires_on > "+arg(d.Date(p.SoonUntil)))
	case coffre.StatusUndetermined:
		where = append(where, finished+" AND expires_on IS NULL")
	}
	if !p.ExpiresBefore.IsZero() {
		where = append(where, "expires_on < "+arg(d.Date(p.ExpiresBefore)))
	}
	if len(p.Words) > 0 {
		where = append(where, d.MatchClause(arg(d.Match(p.Words))))
	}
	if r := p.Reader; r != nil {
		// The persons whose mandates allow the reader now, as
		// MandateAllows decides for one mandate.
		at := d.Time(r.At)
		where = append(where, "person_id IN (SELECT person_id FROM mandates WHERE org_id = "+arg(r.OrgID)+
			" AND (grantee_id IS NULL OR grantee_id = "+arg(r.UserID)+") AND granted_at <= "+arg(at)+
			" AND (until IS NULL OR until > "+arg(at)+") AND revoked_at IS NULL)")
	}
	if p.After {
		where = append(where, "(created_at, id) < ("+arg(d.Time(p.AfterCreated))+", "+arg(p.AfterID)+")")
	}
	const order = " ORDER BY created_at DESC, id DESC"
	if p.Reader != nil {
		// Across mandates the documents of thousands of persons are
		// gathered and sorted: the page's ids are chosen from narrow rows
		// first, and only they are read whole.
		return "SELECT " + columns + " FROM documents WHERE id IN (SELECT id FROM documents" + d.PersonsIndex + " WHERE " +
			strings.Join(where, " AND ") + order + " LIMIT " + arg(p.Limit+1) + ")" + order, args
	}
	return "SELECT " + columns + " FROM documents WHERE " + strings.Join(where, " AND ") + order + " LIMIT " + arg(p.Limit+1), args
}
