package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"coffre"
	"coffre/vault"
)

const (
	// insertDocument stores an original, unless the person already has
	// one with the same content (then nothing; a concurrent insert of the
	// same content waits for this one to commit), or a duplicate.
	insertDocument = `INSERT INTO documents
	(id, person_id, state, queue, sha256, pages, duplicate_of, wrapped_key, created_at, updated_at, uploaded_by)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
	ON CONFLICT (person_id, sha256) WHERE duplicate_of IS NULL DO NOTHING`
	selectOriginal = `SELECT ` + documentColumns + ` FROM documents
	WHERE person_id = $1 AND sha256 = $2 AND duplicate_of IS NULL`
	selectDocument = `SELECT ` + documentColumns + ` FROM documents WHERE id = $1`
	lockState      = `SELECT state FROM documents WHERE id = $1 FOR UPDATE`
	insertEvent    = `INSERT INTO events (document_id, from_state, to_state, at, cause) VALUES ($1, $2, $3, $4, $5)`
	claimDocument  = `UPDATE documents
	SET state = 'processing', lease_until = $1, attempts = attempts + 1, updated_at = $2
	WHERE id = $3 AND duplicate_of IS NULL
		AND (state = 'received' OR (state = 'processing' AND lease_until < $2))
	RETURNING ` + documentColumns
	renewLease = `UPDATE documents SET lease_until = $1
	WHERE id = $2 AND state = 'processing' AND attempts = $3`
	finishDocument = `UPDATE documents
	SET state = $1, record = $2, text = $3, type = $4, subtype = $5, issued_on = $6, expires_on = $7,
		lease_until = NULL, updated_at = $8
	WHERE id = $9 AND state = 'processing'`
	releaseDocument = `UPDATE documents SET state = 'received', lease_until = NULL, updated_at = $1
	WHERE id = $2 AND state = 'processing'`
	selectStale = `SELECT ` + documentColumns + ` FROM documents
	WHERE duplicate_of IS NULL AND (
		(state = 'received' AND updated_at < $1) OR (state = 'processing' AND lease_until < $2))
	ORDER BY created_at, id`
	selectEvents = `SELECT from_state, to_state, at, cause FROM events WHERE document_id = $1 ORDER BY id`
	countStates  = `SELECT state, count(*) FROM documents WHERE duplicate_of IS NULL GROUP BY state`
)

// Create inserts d, or a duplicate of the person's document with the same
// SHA256 and returns that original. It sets d's ID when empty (NewID) and
// the fields the store sets: State, DuplicateOf, CreatedAt, UpdatedAt.
func (s *Store) Create(ctx context.Context, d *vault.Document, now time.Time) (*vault.Document, bool, error) {
	return s.create(ctx, d, now, nil)
}

// CreateJournaled is Create appending e in the same transaction (see
// vault.Store).
func (s *Store) CreateJournaled(ctx context.Context, d *vault.Document, now time.Time, e vault.Entry) (*vault.Document, bool, error) {
	if err := vault.CheckEntry(e); err != nil {
		return nil, false, fmt.Errorf("vault/postgres: create: %w", err)
	}
	return s.create(ctx, d, now, &e)
}

// create is Create, appending e unless nil.
func (s *Store) create(ctx context.Context, d *vault.Document, now time.Time, e *vault.Entry) (*vault.Document, bool, error) {
	if d.ID == "" {
		d.ID = vault.NewID()
	}
	if d.Pages == nil {
		d.Pages = []vault.Page{}
	}
	var original *vault.Document
	err := s.batch.Do(ctx, func(ctx context.Context, tx pgx.Tx) (err error) {
		if original, err = insert(ctx, tx, d, utc(now)); err != nil || e == nil {
			return err
		}
		e.RecordsCreation(d.ID, original != nil)
		return appendEntry(ctx, tx, e)
	})
	if err != nil {
		return nil, false, fmt.Errorf("vault/postgres: create %s: %w", d.ID, err)
	}
	if original != nil {
		return original, false, nil
	}
	created := *d
	return &created, true, nil
}

// insert stores d as an original, or else as a duplicate of the original
// it returns; it sets d's stored fields either way.
func insert(ctx context.Context, tx pgx.Tx, d *vault.Document, now time.Time) (*vault.Document, error) {
	d.State, d.DuplicateOf, d.CreatedAt, d.UpdatedAt = vault.StateReceived, "", now, now
	d.LeaseUntil, d.Attempts, d.Record, d.Text, d.SupersededBy = time.Time{}, 0, nil, "", ""
	args := []any{d.ID, d.PersonID, d.State, d.Queue, d.SHA256, d.Pages, nil, d.WrappedKey, now, d.UploadedBy}
	tag, err := tx.Exec(ctx, insertDocument, args...)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 1 {
		return nil, event(ctx, tx, d.ID, "", d.State, vault.CauseReceived, now)
	}
	original, err := scanDocument(tx.QueryRow(ctx, selectOriginal, d.PersonID, d.SHA256))
	if err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	d.State, d.DuplicateOf = original.State, original.ID
	args[2], args[6] = d.State, d.DuplicateOf
	if _, err := tx.Exec(ctx, insertDocument, args...); err != nil {
		return nil, err
	}
	return original, event(ctx, tx, d.ID, "", d.State, vault.CauseDuplicate, now)
}

func event(ctx context.Context, tx pgx.Tx, id string, from, to vault.State, cause string, now time.Time) error {
	_, err := tx.Exec(ctx, insertEvent, id, from, to, now, cause)
	return err
}

// Get returns the document id, with its corrections. Its two reads run in
// one repeatable-read transaction, so that they agree.
func (s *Store) Get(ctx context.Context, id string) (*vault.Document, error) {
	var d *vault.Document
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) (err error) {
		d, err = get(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: get %s: %w", id, err)
	}
	return d, nil
}

// state locks document id for the rest of tx and returns its state, or
// ErrNotFound.
func state(ctx context.Context, tx pgx.Tx, id string) (vault.State, error) {
	var st vault.State
	err := tx.QueryRow(ctx, lockState, id).Scan(&st)
	if errors.Is(err, pgx.ErrNoRows) {
		err = vault.ErrNotFound
	}
	return st, err
}

// Claim leases document id to the caller until now+lease.
func (s *Store) Claim(ctx context.Context, id string, lease time.Duration, now time.Time) (*vault.Document, error) {
	now = utc(now)
	var d *vault.Document
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) (err error) {
		d, err = claim(ctx, tx, id, now.Add(lease), now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: claim %s: %w", id, err)
	}
	return d, nil
}

func claim(ctx context.Context, tx pgx.Tx, id string, until, now time.Time) (*vault.Document, error) {
	from, err := state(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	d, err := scanDocument(tx.QueryRow(ctx, claimDocument, until, now, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, vault.ErrNotClaimable
	}
	if err != nil {
		return nil, err
	}
	cause := vault.CauseClaimed
	if from == vault.StateProcessing {
		cause = vault.CauseReclaimed
	}
	return d, event(ctx, tx, id, from, d.State, cause, now)
}

// Finish records the pipeline's result for a document in processing.
func (s *Store) Finish(ctx context.Context, id string, rec coffre.Record, text string, to vault.State, cause string, now time.Time) error {
	if !to.Final() {
		return fmt.Errorf("vault/postgres: finish %s: %q is not a final state", id, to)
	}
	now = utc(now)
	args := []any{to, rec, text, rec.Type, rec.Subtype, date(rec.IssuedOn), date(rec.ExpiresOn), now, id}
	if err := s.transition(ctx, id, finishDocument, args, to, cause, now); err != nil {
		return fmt.Errorf("vault/postgres: finish %s: %w", id, err)
	}
	return nil
}

// Renew extends the lease of a claimed document (see vault.Store).
func (s *Store) Renew(ctx context.Context, id string, attempt int, lease time.Duration, now time.Time) error {
	tag, err := s.pool.Exec(ctx, renewLease, utc(now).Add(lease), id, attempt)
	if err == nil && tag.RowsAffected() == 0 {
		err = vault.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("vault/postgres: renew %s: %w", id, err)
	}
	return nil
}

// Release gives a document in processing back to received.
func (s *Store) Release(ctx context.Context, id string, cause string, now time.Time) error {
	now = utc(now)
	args := []any{now, id}
	if err := s.transition(ctx, id, releaseDocument, args, vault.StateReceived, cause, now); err != nil {
		return fmt.Errorf("vault/postgres: release %s: %w", id, err)
	}
	return nil
}

// transition runs update, which moves document id from processing to
// state to, and records the event; ErrConflict if it was not processing.
func (s *Store) transition(ctx context.Context, id, update string, args []any, to vault.State, cause string, now time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		from, err := state(ctx, tx, id)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, update, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: document is %s", vault.ErrConflict, from)
		}
		return event(ctx, tx, id, from, to, cause, now)
	})
}

// Stale lists the documents to queue again.
func (s *Store) Stale(ctx context.Context, grace time.Duration, now time.Time) ([]vault.Document, error) {
	docs, err := scanDocuments(s.pool.Query(ctx, selectStale, now.Add(-grace), now))
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: stale: %w", err)
	}
	return docs, nil
}

// Events returns the history of document id, oldest first.
func (s *Store) Events(ctx context.Context, id string) ([]vault.Event, error) {
	events, err := s.events(ctx, id)
	if err == nil && len(events) == 0 { // every document has one
		err = vault.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: events %s: %w", id, err)
	}
	return events, nil
}

func (s *Store) events(ctx context.Context, id string) ([]vault.Event, error) {
	rows, err := s.pool.Query(ctx, selectEvents, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Event, error) {
		e := vault.Event{DocumentID: id}
		err := row.Scan(&e.From, &e.To, &e.At, &e.Cause)
		e.At = e.At.UTC()
		return e, err
	})
}

// Counts returns the number of documents in each state, duplicates aside.
func (s *Store) Counts(ctx context.Context) (map[vault.State]int, error) {
	counts := map[vault.State]int{}
	for _, st := range vault.States {
		counts[st] = 0
	}
	rows, err := s.pool.Query(ctx, countStates)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: counts: %w", err)
	}
	var st vault.State
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		counts[st] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: counts: %w", err)
	}
	return counts, nil
}
