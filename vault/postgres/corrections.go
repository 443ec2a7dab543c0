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
	// correctDocument replaces the record of an original the pipeline
	// read. Its superseded_by, and those pointing to it, are cleared: the
	// type may have changed, and the next FlagExpiries recomputes them.
	correctDocument = `UPDATE documents
	SET state = 'done', record = $1, type = $2, subtype = $3, issued_on = $4, expires_on = $5,
		superseded_by = NULL, updated_at = $6
	WHERE id = $7 AND duplicate_of IS NULL AND state IN ('done', 'needs_review')`
	unsupersedeBy     = `UPDATE documents SET superseded_by = NULL WHERE superseded_by = $1`
	insertCorrection  = `INSERT INTO corrections (document_id, field, old, new, by_user, at) VALUES ($1, $2, $3, $4, $5, $6)`
	selectCorrections = `SELECT field, old, new, by_user, at FROM corrections WHERE document_id = $1 ORDER BY id`
)

// querier is what reads a document: the pool, or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Correct replaces the record of document id and appends cs to its
// corrections (see vault.Store).
func (s *Store) Correct(ctx context.Context, id string, rec coffre.Record, cs []vault.Correction, now time.Time) (*vault.Document, error) {
	now = utc(now)
	var d *vault.Document
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		from, err := state(ctx, tx, id)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, correctDocument, rec, rec.Type, rec.Subtype, date(rec.IssuedOn), date(rec.ExpiresOn),
			now, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: document is %s, or a duplicate", vault.ErrConflict, from)
		}
		if _, err := tx.Exec(ctx, unsupersedeBy, id); err != nil {
			return err
		}
		for _, c := range cs {
			if c.At.IsZero() {
				c.At = now
			}
			if _, err := tx.Exec(ctx, insertCorrection, id, c.Field, c.Old, c.New, c.By, utc(c.At)); err != nil {
				return err
			}
		}
		if from == vault.StateNeedsReview {
			if err := event(ctx, tx, id, from, vault.StateDone, vault.CauseCorrected, now); err != nil {
				return err
			}
		}
		d, err = get(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: correct %s: %w", id, err)
	}
	return d, nil
}

// get reads document id and its corrections through q.
func get(ctx context.Context, q querier, id string) (*vault.Document, error) {
	d, err := scanDocument(q.QueryRow(ctx, selectDocument, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, vault.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, selectCorrections, id)
	if err != nil {
		return nil, err
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Correction, error) {
		var c vault.Correction
		err := row.Scan(&c.Field, &c.Old, &c.New, &c.By, &c.At)
		c.At = c.At.UTC()
		return c, err
	})
	if len(cs) > 0 {
		d.Corrections = cs
	}
	return d, err
}
