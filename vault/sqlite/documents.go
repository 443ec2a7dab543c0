package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coffre"
	"coffre/vault"
)

const (
	// insertDocument stores an original, unless the person already has
	// one with the same content (then nothing), or a duplicate.
	insertDocument = `INSERT INTO documents
	(id, person_id, state, queue, sha256, pages, duplicate_of, wrapped_key, created_at, updated_at, uploaded_by)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (person_id, sha256) WHERE duplicate_of IS NULL DO NOTHING`
	selectOriginal = `SELECT ` + documentColumns + ` FROM documents
	WHERE person_id = ? AND sha256 = ? AND duplicate_of IS NULL`
	selectDocument = `SELECT ` + documentColumns + ` FROM documents WHERE id = ?`
	selectState    = `SELECT state FROM documents WHERE id = ?`
	insertEvent    = `INSERT INTO events (document_id, from_state, to_state, at, cause) VALUES (?, ?, ?, ?, ?)`
	claimDocument  = `UPDATE documents
	SET state = 'processing', lease_until = ?1, attempts = attempts + 1, updated_at = ?2
	WHERE id = ?3 AND duplicate_of IS NULL
		AND (state = 'received' OR (state = 'processing' AND lease_until < ?2))
	RETURNING ` + documentColumns
	renewLease = `UPDATE documents SET lease_until = ?1
	WHERE id = ?2 AND state = 'processing' AND attempts = ?3`
	finishDocument = `UPDATE documents
	SET state = ?, record = ?, text = ?, type = ?, subtype = ?, issued_on = ?, expires_on = ?,
		lease_until = NULL, updated_at = ?
	WHERE id = ? AND state = 'processing'`
	releaseDocument = `UPDATE documents SET state = 'received', lease_until = NULL, updated_at = ?
	WHERE id = ? AND state = 'processing'`
	selectStale = `SELECT ` + documentColumns + ` FROM documents
	WHERE duplicate_of IS NULL AND (
		(state = 'received' AND updated_at < ?) OR (state = 'processing' AND lease_until < ?))
	ORDER BY created_at, id`
	selectEvents = `SELECT from_state, to_state, at, cause FROM events WHERE document_id = ? ORDER BY id`
	countStates  = `SELECT state, count(*) FROM documents WHERE duplicate_of IS NULL GROUP BY state`
)

// Create inserts d, or a duplicate of the person's document with the same
// SHA256 and returns that original. It sets d's ID when empty (NewID) and
// the fields the store sets: State, DuplicateOf, CreatedAt, UpdatedAt.
func (s *Store) Create(ctx context.Context, d *vault.Document, now time.Time) (*vault.Document, bool, error) {
	return s.create(ctx, d, now, nil)
}

// CreateJournaled is Create appending e in the same batch (see
// vault.Store).
func (s *Store) CreateJournaled(ctx context.Context, d *vault.Document, now time.Time, e vault.Entry) (*vault.Document, bool, error) {
	if err := vault.CheckEntry(e); err != nil {
		return nil, false, fmt.Errorf("vault/sqlite: create: %w", err)
	}
	return s.create(ctx, d, now, &e)
}

// create is Create, appending e unless nil.
func (s *Store) create(ctx context.Context, d *vault.Document, now time.Time, e *vault.Entry) (*vault.Document, bool, error) {
	if d.ID == "" {
		d.ID = vault.NewID()
	}
	now = utc(now)
	if d.Pages == nil {
		d.Pages = []vault.Page{}
	}
	pages, err := json.Marshal(d.Pages)
	if err != nil {
		return nil, false, fmt.Errorf("vault/sqlite: create %s: %w", d.ID, err)
	}
	var original *vault.Document
	err = s.batch.Do(ctx, func(ctx context.Context, tx *sql.Tx) (err error) {
		if original, err = s.insert(ctx, tx, d, string(pages), now); err != nil || e == nil {
			return err
		}
		e.RecordsCreation(d.ID, original != nil)
		return s.appendEntry(ctx, tx, e)
	})
	if err != nil {
		return nil, false, fmt.Errorf("vault/sqlite: create %s: %w", d.ID, err)
	}
	if original != nil {
		return original, false, nil
	}
	created := *d
	return &created, true, nil
}

// insert stores d as an original, or else as a duplicate of the original
// it returns; it sets d's stored fields either way.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, d *vault.Document, pages string, now time.Time) (*vault.Document, error) {
	d.State, d.DuplicateOf, d.CreatedAt, d.UpdatedAt = vault.StateReceived, "", now, now
	d.LeaseUntil, d.Attempts, d.Record, d.Text, d.SupersededBy = time.Time{}, 0, nil, "", ""
	args := []any{d.ID, d.PersonID, d.State, d.Queue, d.SHA256, pages, nil, d.WrappedKey, timestamp(now), timestamp(now), d.UploadedBy}
	res, err := tx.StmtContext(ctx, s.ws[insertDocument]).ExecContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 1 {
		return nil, s.event(ctx, tx, d.ID, "", d.State, vault.CauseReceived, now)
	}
	original, err := scanDocument(tx.QueryRowContext(ctx, selectOriginal, d.PersonID, d.SHA256))
	if err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	d.State, d.DuplicateOf = original.State, original.ID
	args[2], args[6] = d.State, d.DuplicateOf
	if _, err := tx.StmtContext(ctx, s.ws[insertDocument]).ExecContext(ctx, args...); err != nil {
		return nil, err
	}
	return original, s.event(ctx, tx, d.ID, "", d.State, vault.CauseDuplicate, now)
}

func (s *Store) event(ctx context.Context, tx *sql.Tx, id string, from, to vault.State, cause string, now time.Time) error {
	_, err := tx.StmtContext(ctx, s.ws[insertEvent]).ExecContext(ctx, id, from, to, timestamp(now), cause)
	return err
}

// Get returns the document id, with its corrections. Its two reads run in
// one transaction, so that they agree.
func (s *Store) Get(ctx context.Context, id string) (*vault.Document, error) {
	var d *vault.Document
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err == nil {
		d, err = get(ctx, tx, id)
		tx.Rollback() // read only: nothing to commit
	}
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: get %s: %w", id, err)
	}
	return d, nil
}

// state returns the state of document id within tx, or ErrNotFound.
func state(ctx context.Context, tx *sql.Tx, id string) (vault.State, error) {
	var st vault.State
	err := tx.QueryRowContext(ctx, selectState, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		err = vault.ErrNotFound
	}
	return st, err
}

// Claim leases document id to the caller until now+lease.
func (s *Store) Claim(ctx context.Context, id string, lease time.Duration, now time.Time) (*vault.Document, error) {
	now = utc(now)
	d, err := s.claim(ctx, id, now.Add(lease), now)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: claim %s: %w", id, err)
	}
	return d, nil
}

func (s *Store) claim(ctx context.Context, id string, until, now time.Time) (*vault.Document, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	from, err := state(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	d, err := scanDocument(tx.QueryRowContext(ctx, claimDocument, timestamp(until), timestamp(now), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vault.ErrNotClaimable
	}
	if err != nil {
		return nil, err
	}
	cause := vault.CauseClaimed
	if from == vault.StateProcessing {
		cause = vault.CauseReclaimed
	}
	if err := s.event(ctx, tx, id, from, d.State, cause, now); err != nil {
		return nil, err
	}
	return d, tx.Commit()
}

// Renew extends the lease of a claimed document (see vault.Store).
func (s *Store) Renew(ctx context.Context, id string, attempt int, lease time.Duration, now time.Time) error {
	res, err := s.w.ExecContext(ctx, renewLease, timestamp(utc(now).Add(lease)), id, attempt)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err == nil && n == 0 {
		err = vault.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("vault/sqlite: renew %s: %w", id, err)
	}
	return nil
}

// Finish records the pipeline's result for a document in processing.
func (s *Store) Finish(ctx context.Context, id string, rec coffre.Record, text string, to vault.State, cause string, now time.Time) error {
	if !to.Final() {
		return fmt.Errorf("vault/sqlite: finish %s: %q is not a final state", id, to)
	}
	record, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("vault/sqlite: finish %s: %w", id, err)
	}
	now = utc(now)
	args := []any{to, string(record), text, rec.Type, rec.Subtype, date(rec.IssuedOn), date(rec.ExpiresOn), timestamp(now), id}
	if err := s.transition(ctx, id, finishDocument, args, to, cause, now); err != nil {
		return fmt.Errorf("vault/sqlite: finish %s: %w", id, err)
	}
	return nil
}

// Release gives a document in processing back to received.
func (s *Store) Release(ctx context.Context, id string, cause string, now time.Time) error {
	now = utc(now)
	args := []any{timestamp(now), id}
	if err := s.transition(ctx, id, releaseDocument, args, vault.StateReceived, cause, now); err != nil {
		return fmt.Errorf("vault/sqlite: release %s: %w", id, err)
	}
	return nil
}

// transition runs update, which moves document id from processing to
// state to, and records the event; ErrConflict if it was not processing.
func (s *Store) transition(ctx context.Context, id, update string, args []any, to vault.State, cause string, now time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	from, err := state(ctx, tx, id)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, update, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("%w: document is %s", vault.ErrConflict, from)
	}
	if err := s.event(ctx, tx, id, from, to, cause, now); err != nil {
		return err
	}
	return tx.Commit()
}

// Stale lists the documents to queue again.
func (s *Store) Stale(ctx context.Context, grace time.Duration, now time.Time) ([]vault.Document, error) {
	docs, err := scanDocuments(s.r.QueryContext(ctx, selectStale, timestamp(now.Add(-grace)), timestamp(now)))
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: stale: %w", err)
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
		return nil, fmt.Errorf("vault/sqlite: events %s: %w", id, err)
	}
	return events, nil
}

func (s *Store) events(ctx context.Context, id string) ([]vault.Event, error) {
	rows, err := s.r.QueryContext(ctx, selectEvents, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []vault.Event
	for rows.Next() {
		e := vault.Event{DocumentID: id}
		var at string
		if err := rows.Scan(&e.From, &e.To, &at, &e.Cause); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}

// Counts returns the number of documents in each state, duplicates aside.
func (s *Store) Counts(ctx context.Context) (map[vault.State]int, error) {
	counts := map[vault.State]int{}
	for _, st := range vault.States {
		counts[st] = 0
	}
	rows, err := s.r.QueryContext(ctx, countStates)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st vault.State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("vault/sqlite: counts: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vault/sqlite: counts: %w", err)
	}
	return counts, nil
}
