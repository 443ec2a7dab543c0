package vault

// What the two stores share outside SQL: checking a Query, the page size,
// the opaque cursor, the words of a text search, document ids, and the
// causes of the events they record themselves.

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"coffre"
)

// Causes of the events the stores record themselves (French, for agents).
const (
	CauseReceived  = "Document reçu"
	CauseDuplicate = "Doublon d'un document déjà reçu"
	CauseClaimed   = "Analyse commencée"
	CauseReclaimed = "Analyse reprise : la précédente n'a pas abouti à temps"
	CauseCorrected = "Corrigé par un agent"
)

// ErrInvalidQuery is returned by Search for a query it cannot run: a
// cursor it did not make, an unknown status, or a status without AsOf.
var ErrInvalidQuery = errors.New("vault: invalid query")

// Page sizes of Search.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// A SearchPlan is a Query checked and decoded for a store's SQL.
type SearchPlan struct {
	Query
	// Limit is the page size: Query.Limit, defaulted and capped.
	Limit int
	// After is set when the query continues a previous page: results are
	// the documents strictly after (AfterCreated, AfterID) in the order
	// created_at DESC, id DESC.
	After        bool
	AfterCreated time.Time
	AfterID      string
	// Words are the words of Query.Text; each matches the words of the
	// OCR text it is a prefix of, accents and case folded, and a document
	// must match them all. None when Text has no letter or digit.
	Words []string
	// SoonUntil is AsOf+SoonDays, the last day that is expiring_soon.
	SoonUntil coffre.Date
}

// PlanSearch checks q and decodes its cursor.
//
// How stores read a plan: a Status selects the documents the pipeline
// has read (done or needs_review) whose expires_on stands so on AsOf:
// expired before AsOf, expiring_soon from AsOf to SoonUntil inclusive,
// valid after, undetermined without one; documents in the other states
// have no status, and no Status filter selects them. Duplicates are
// never results.
func PlanSearch(q Query) (SearchPlan, error) {
	p := SearchPlan{Query: q, Limit: q.Limit, Words: searchWords(q.Text)}
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	p.Limit = min(p.Limit, MaxLimit)
	switch q.Status {
	case "", coffre.StatusValid, coffre.StatusExpiringSoon, coffre.StatusExpired, coffre.StatusUndetermined:
	default:
		return SearchPlan{}, fmt.Errorf("%w: unknown status %q", ErrInvalidQuery, q.Status)
	}
	if q.Status != "" && q.AsOf.IsZero() {
		return SearchPlan{}, fmt.Errorf("%w: status %q needs AsOf", ErrInvalidQuery, q.Status)
	}
	if q.Reader != nil {
		if q.Reader.OrgID == "" || q.Reader.At.IsZero() {
			return SearchPlan{}, fmt.Errorf("%w: reader without an organisation or a time", ErrInvalidQuery)
		}
		// A copy, in UTC to the microsecond as mandates are stored: the
		// caller's Query stays as it was.
		r := *q.Reader
		r.At = r.At.UTC().Truncate(time.Microsecond)
		p.Reader = &r
	}
	if !q.AsOf.IsZero() {
		p.SoonUntil = q.AsOf.AddDays(q.SoonDays)
	}
	if q.Cursor != "" {
		var err error
		p.AfterCreated, p.AfterID, err = decodeCursor(q.Cursor)
		if err != nil {
			return SearchPlan{}, err
		}
		p.After = true
	}
	return p, nil
}

// Page makes the result page of docs, the rows a store read with
// LIMIT p.Limit+1: one more than the page holds means there is a next.
func (p SearchPlan) Page(docs []Document) ResultPage {
	if len(docs) <= p.Limit {
		return ResultPage{Documents: docs}
	}
	docs = docs[:p.Limit]
	last := docs[len(docs)-1]
	return ResultPage{Documents: docs, Next: encodeCursor(last.CreatedAt, last.ID)}
}

// encodeCursor returns the position after a document, opaque to callers.
func encodeCursor(created time.Time, id string) string {
	raw := strconv.FormatInt(created.UnixMicro(), 10) + "." + id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(cursor string) (time.Time, string, error) {
	bad := fmt.Errorf("%w: bad cursor", ErrInvalidQuery)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return time.Time{}, "", bad
	}
	micros, id, ok := strings.Cut(string(raw), ".")
	if !ok || id == "" {
		return time.Time{}, "", bad
	}
	n, err := strconv.ParseInt(micros, 10, 64)
	if err != nil {
		return time.Time{}, "", bad
	}
	return time.UnixMicro(n).UTC(), id, nil
}

// searchWords splits text into its words: runs of letters, digits and
// combining marks (a decomposed "ô" stays in its word).
func searchWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// NewID returns a random document id: 32 hex characters.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
