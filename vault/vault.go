// Package vault is the contract of coffre's metadata store: documents and
// their life (received → processing → done | failed | needs_review), the
// scan records, full-text search, expiry alerts. The database is the
// source of truth; the queue only carries work, so every state change
// happens here, atomically.
//
// Two implementations, vault/sqlite (the embedded default) and
// vault/postgres (many processes), pass the same conformance suite,
// vault/vaulttest. The originals live encrypted in a blob store
// (vault/blob); the store keeps each document's data key wrapped by the
// master key (vault/seal), so emptying that key shreds the document:
// Delete and DeletePerson commit that first, then delete the rows.
//
// The same stores implement Access (organisations, users, the persons
// registry, mandates, sessions and access links) and Journal.
package vault

import (
	"context"
	"errors"
	"time"

	"coffre"
)

// State is where a document is in its life.
type State string

const (
	StateReceived    State = "received"
	StateProcessing  State = "processing"
	StateDone        State = "done"
	StateFailed      State = "failed"
	StateNeedsReview State = "needs_review"
)

// States lists every state, in the order of a document's life.
var States = []State{StateReceived, StateProcessing, StateDone, StateFailed, StateNeedsReview}

// Final reports whether a document in state s is finished.
func (s State) Final() bool { return s == StateDone || s == StateFailed || s == StateNeedsReview }

// Queue names, by priority: an agent waiting at a counter before imports.
const (
	QueueInteractive = "interactive"
	QueueBulk        = "bulk"
)

// Errors the stores return, wrapped with context; test with errors.Is.
var (
	ErrNotFound     = errors.New("vault: not found")
	ErrNotClaimable = errors.New("vault: document not claimable") // finished, or leased to another worker
	ErrConflict     = errors.New("vault: conflicting state change")
)

// Document is one uploaded document (one or more pages) and what the
// pipeline made of it.
type Document struct {
	ID       string // 32 hex characters, random
	PersonID string
	State    State
	Queue    string // QueueInteractive or QueueBulk
	// SHA256 is the hex SHA-256 of the pages' SHA-256s concatenated in
	// order: the same pages in the same order give the same document.
	SHA256 string
	Pages  []Page
	// DuplicateOf is the id of the person's earlier document with the
	// same SHA256; a duplicate is never processed, it shows the original.
	DuplicateOf string
	// WrappedKey is the document's data key, wrapped by the master key.
	WrappedKey []byte
	// UploadedBy is the id of the user who uploaded the document, set by
	// the caller before Create ("" for documents stored before it was
	// kept). A duplicate keeps its own uploader. It lets an agent, who
	// otherwise never reads, see what became of their own upload.
	UploadedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LeaseUntil time.Time // while processing: when another worker may take over
	Attempts   int       // claims so far

	// Set when the pipeline is done (zero before).
	Record       *coffre.Record
	Text         string // OCR text, for search; never logged
	SupersededBy string // a newer document of the same type for the same person

	// Corrections are the agents' changes to Record, oldest first; only
	// Get fills them.
	Corrections []Correction
}

// Correction is one change an agent made to a document's record. Old and
// New are the values as strings, JSON-encoded when they are not strings.
type Correction struct {
	Field string    `json:"field"` // "type", "subtype", or a key of Record.Fields
	Old   string    `json:"old"`
	New   string    `json:"new"`
	By    string    `json:"by"` // the user who corrected
	At    time.Time `json:"at"`
}

// Page is one stored page of a document.
type Page struct {
	Mime string
	Size int64
	// Blob is the key of the page's sealed file in the blob store; empty
	// for documents stored before the store chose its keys, whose files
	// are under keys made from the document's id (see vault/originals).
	Blob string `json:",omitempty"`
}

// Event is one change of a document's state, kept for its history.
type Event struct {
	DocumentID string    `json:"document_id"`
	From       State     `json:"from"`
	To         State     `json:"to"`
	At         time.Time `json:"at"`
	Cause      string    `json:"cause"` // French, for the agent: why the state changed
}

// Alert is an expiry flag raised once per document and kind.
type Alert struct {
	ID         int64         `json:"id"`
	DocumentID string        `json:"document_id"`
	PersonID   string        `json:"person_id"`
	Kind       coffre.Status `json:"kind"` // StatusExpiringSoon or StatusExpired
	ExpiresOn  coffre.Date   `json:"expires_on"`
	CreatedAt  time.Time     `json:"created_at"`
}

// Query selects documents; zero fields do not filter. Filters combine.
type Query struct {
	PersonID      string
	Type          coffre.DocType
	Subtype       string
	Status        coffre.Status // computed from expires_on against AsOf
	Text          string        // full text over the OCR text, accents folded
	ExpiresBefore coffre.Date   // expires_on strictly before
	AsOf          coffre.Date   // the day statuses are computed for (required with Status)
	SoonDays      int           // policy.ExpiringSoonDays: expiring_soon up to AsOf+SoonDays inclusive
	Limit         int           // default 50, at most 500
	Cursor        string        // from the previous Page's Next
	// Reader, when set, keeps only the documents of persons whose
	// mandates allow that reader at Reader.At (see MandateAllows): a
	// search across persons.
	Reader *Reader
}

// Reader is a caseworker (or admin) searching across persons. The caller
// checks the role; the store checks the mandates.
type Reader struct {
	OrgID, UserID string
	At            time.Time
}

// ResultPage is one page of results: Next is empty on the last one.
type ResultPage struct {
	Documents []Document
	Next      string
}

// Store is what the server and the workers need from the database. All
// times come from the caller (now), so tests and --as-of control them.
type Store interface {
	// Create inserts d in state received with its first event. If the
	// person already has a document with the same SHA256, it stores d as
	// a duplicate of it (DuplicateOf set, state copied from the
	// original) and returns the original; created is false then.
	Create(ctx context.Context, d *Document, now time.Time) (original *Document, created bool, err error)
	// CreateJournaled is Create that also appends e, the entry recording
	// it, to the journal (see Journal.Append) in the same transaction:
	// the document and its entry are stored together or not at all, in
	// one commit. The store sets e's DocumentID to d's ID and its Outcome
	// to "ok", or "duplicate" when d is one.
	CreateJournaled(ctx context.Context, d *Document, now time.Time, e Entry) (original *Document, created bool, err error)
	Get(ctx context.Context, id string) (*Document, error)
	// Claim moves a received document, or a processing one whose lease
	// has run out, to processing with a lease until now+lease, counting
	// the attempt. Any other case is ErrNotClaimable.
	Claim(ctx context.Context, id string, lease time.Duration, now time.Time) (*Document, error)
	// Renew extends to now+lease the lease of a document in processing
	// under its attempt-th claim (its Attempts once claimed), so that a
	// worker holds the document as long as it works on it, and a killed
	// one loses it within a lease. Once the document was claimed again
	// or finished, it is ErrConflict.
	Renew(ctx context.Context, id string, attempt int, lease time.Duration, now time.Time) error
	// Finish records the pipeline's result and moves a processing
	// document to state (done, needs_review or failed), with cause.
	// Finishing a document already finished is ErrConflict.
	Finish(ctx context.Context, id string, rec coffre.Record, text string, state State, cause string, now time.Time) error
	// Release gives a claimed document back (received) after a transient
	// error, so that it can be claimed again at once.
	Release(ctx context.Context, id string, cause string, now time.Time) error
	// Stale lists documents to queue again: received since before
	// now-grace, or processing with a lease run out.
	Stale(ctx context.Context, grace time.Duration, now time.Time) ([]Document, error)
	Events(ctx context.Context, id string) ([]Event, error)
	Search(ctx context.Context, q Query) (ResultPage, error)
	// FlagExpiries raises the alerts due on asOf (expiring within
	// soonDays, or expired), once per document and kind, and marks
	// superseded the older documents of a type a person has a newer one
	// of (which get no alerts). It returns the alerts raised.
	FlagExpiries(ctx context.Context, asOf coffre.Date, soonDays int, now time.Time) ([]Alert, error)
	Alerts(ctx context.Context, personID string, since time.Time) ([]Alert, error)
	// Delete deletes document id and its duplicates (if id is itself a
	// duplicate, only it), in two steps: first it commits their wrapped
	// data keys emptied, which shreds their originals for good even if
	// what follows fails; then it deletes their rows, events, alerts,
	// corrections and index entries. It returns the documents deleted,
	// WrappedKey empty, so that the caller removes their blobs
	// (originals.Store.Delete). Unknown id is ErrNotFound; after a
	// failure, calling it again finishes the work. The journal stays.
	Delete(ctx context.Context, id string, now time.Time) ([]Document, error)
	// DeletePerson does what Delete does for every document of personID,
	// then, in the same transaction as the rows, deletes the person's
	// mandates, their registration (Person) and their account (the
	// RolePerson user, with its tokens, sessions and access links):
	// nothing of the person stays but the journal's ids. It returns the
	// documents deleted; ErrNotFound when there was nothing to delete.
	DeletePerson(ctx context.Context, personID string, now time.Time) ([]Document, error)
	// Correct replaces the record of document id by rec (the caller has
	// applied cs to it and recomputed ExpiresOn), updating what searches
	// filter on, and appends cs to its corrections (At now when zero). A
	// needs_review document becomes done, with an event (CauseCorrected).
	// Only an original (not a duplicate) in state done or needs_review can
	// be corrected, else ErrConflict; unknown id is ErrNotFound. It
	// returns the document as Get would.
	Correct(ctx context.Context, id string, rec coffre.Record, cs []Correction, now time.Time) (*Document, error)
	// Rewrap replaces the wrapped key of every document that has one (a
	// deleted document's emptied key stays empty) by rewrap's result: a
	// master-key rotation. It works in transactions of RewrapBatch
	// documents, so that a large vault holds no huge transaction and a
	// failure keeps the batches committed before it; it returns how many
	// keys were replaced, on failure too. rewrap must accept a key it
	// already rewrapped (see seal.Rewrap), so that calling Rewrap again
	// after a failure finishes the work.
	Rewrap(ctx context.Context, rewrap func(docID string, wrapped []byte) ([]byte, error)) (int, error)
	// AnyKey returns the wrapped data key of one document, or ErrNotFound
	// when none has one: a process checks at start that its master key
	// opens the vault's keys.
	AnyKey(ctx context.Context) (docID string, wrapped []byte, err error)
	// Counts returns the number of documents in each state.
	Counts(ctx context.Context) (map[State]int, error)
	Ping(ctx context.Context) error
	Close() error
}
