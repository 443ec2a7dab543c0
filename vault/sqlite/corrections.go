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
	// correctDocument replaces the record of an original the pipeline
	// read. Its superseded_by, and those pointing to it, are cleared: the
	// type may have changed, and the next FlagExpiries recomputes them.
	correctDocument = `UPDATE documents
	SET state = 'done', record = ?, type = ?, subtype = ?, issued_on = ?, expires_on = ?,
		superseded_by = NULL, updated_at = ?
	WHERE id = ? AND duplicate_of IS NULL AND state IN ('done', 'needs_review')`
	unsupersedeBy     = `UPDATE documents SET superseded_by = NULL WHERE superseded_by = ?`
	insertCorrection  = `INSERT INTO corrections (document_id, field, old, new, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`
	selectCorrections = `SELECT field, old, new, by_user, at FROM corrections WHERE document_id = ? ORDER BY id`
)

// querier is what reads corrections: the read pool, or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Correct replaces the record of document id and appends cs to its
// corrections (see vault.Store).
func (s *Store) Correct(ctx context.Context, id string, rec coffre.Record, cs []vault.Correction, now time.Time) (*vault.Document, error) {
	record, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: correct %s: %w", id, err)
	}
	now = utc(now)
	var d *vault.Document
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		from, err := state(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, correctDocument, string(record), rec.Type, rec.Subtype, date(rec.IssuedOn),
			date(rec.ExpiresOn), timestamp(now), id)
		if err != nil {
			return err
		}
		if err := inserted(res, fmt.Errorf("%w: document is %s, or a duplicate", vault.ErrConflict, from)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, unsupersedeBy, id); err != nil {
			return err
		}
		for _, c := range cs {
			if c.At.IsZero() {
				c.At = now
			}
			if _, err := tx.ExecContext(ctx, insertCorrection, id, c.Field, c.Old, c.New, c.By, timestamp(c.At)); err != nil {
				return err
			}
		}
		if from == vault.StateNeedsReview {
			if err := s.event(ctx, tx, id, from, vault.StateDone, vault.CauseCorrected, now); err != nil {
				return err
			}
		}
		d, err = get(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: correct %s: %w", id, err)
	}
	return d, nil
}

// get reads document id and its corrections through q.
func get(ctx context.Context, q querier, id string) (*vault.Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, selectDocument, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vault.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, selectCorrections, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c  vault.Correction
			at string
		)
		if err := rows.Scan(&c.Field, &c.Old, &c.New, &c.By, &at); err != nil {
			return nil, err
		}
		if c.At, err = parseTime(at); err != nil {
			return nil, err
		}
		d.Corrections = append(d.Corrections, c)
	}
	return d, rows.Err()
}
