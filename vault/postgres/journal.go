package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
)

var _ vault.Journal = (*Store)(nil)

const (
	lockHead    = `SELECT seq, hash FROM journal_head FOR UPDATE`
	readHead    = `SELECT seq, hash FROM journal_head`
	advanceHead = `UPDATE journal_head SET seq = $1, hash = $2`
	insertEntry = `INSERT INTO journal (seq, at, actor, person_id, document_id, action, outcome, prev, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	entryColumns  = `seq, at, actor, person_id, document_id, action, outcome, prev, hash`
	entriesAll    = `SELECT ` + entryColumns + ` FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2`
	entriesPerson = `SELECT ` + entryColumns + ` FROM journal WHERE person_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`
)

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 1000

// Append records e after the last entry. Locking the head row makes
// concurrent appends, from any process, take their turn: the next one
// reads the head this one leaves (READ COMMITTED re-reads a row it
// waited for), so Seq has no gaps and Prev is always the last hash.
func (s *Store) Append(ctx context.Context, e vault.Entry) (vault.Entry, error) {
	if err := vault.CheckEntry(e); err != nil {
		return vault.Entry{}, fmt.Errorf("vault/postgres: journal append: %w", err)
	}
	err := s.batch.Do(ctx, func(ctx context.Context, tx pgx.Tx) error {
		return appendEntry(ctx, tx, &e)
	})
	if err != nil {
		return vault.Entry{}, fmt.Errorf("vault/postgres: journal append: %w", err)
	}
	return e, nil
}

// appendEntry records e after the head in tx, setting its Seq, Prev and
// Hash.
func appendEntry(ctx context.Context, tx pgx.Tx, e *vault.Entry) error {
	if err := tx.QueryRow(ctx, lockHead).Scan(&e.Seq, &e.Prev); err != nil {
		return fmt.Errorf("head: %w", err)
	}
	e.Seq++
	e.At = utc(e.At)
	e.Hash = vault.EntryHash(*e)
	if _, err := tx.Exec(ctx, insertEntry, e.Seq, e.At, e.Actor, e.PersonID, e.DocumentID,
		e.Action, e.Outcome, e.Prev, e.Hash); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, advanceHead, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("head: %w", err)
	}
	return nil
}

// Entries returns the entries about personID ("" = all) after the entry
// after, oldest first, at most limit (see vault.JournalLimit).
func (s *Store) Entries(ctx context.Context, personID string, after int64, limit int) ([]vault.Entry, error) {
	limit = vault.JournalLimit(limit)
	var (
		rows pgx.Rows
		err  error
	)
	if personID == "" {
		rows, err = s.pool.Query(ctx, entriesAll, after, limit)
	} else {
		rows, err = s.pool.Query(ctx, entriesPerson, personID, after, limit)
	}
	entries, err := scanEntries(rows, err)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: journal entries: %w", err)
	}
	return entries, nil
}

// Verify checks the whole chain, a page at a time, in one read-only
// REPEATABLE READ transaction: the head and the entries are of one
// snapshot, whatever is appended meanwhile.
func (s *Store) Verify(ctx context.Context) (int, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, fmt.Errorf("vault/postgres: journal verify: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var (
		headSeq  int64
		headHash string
		chain    vault.Chain
	)
	if err := tx.QueryRow(ctx, readHead).Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("vault/postgres: journal verify: head: %w", err)
	}
	for after := int64(0); ; {
		page, err := scanEntries(tx.Query(ctx, entriesAll, after, verifyPage))
		if err != nil {
			return chain.Checked, fmt.Errorf("vault/postgres: journal verify: %w", err)
		}
		for _, e := range page {
			if err := chain.Next(e); err != nil {
				return chain.Checked, fmt.Errorf("vault/postgres: journal verify: %w", err)
			}
			after = e.Seq
		}
		if len(page) < verifyPage {
			break
		}
	}
	if err := chain.End(headSeq, headHash); err != nil {
		return chain.Checked, fmt.Errorf("vault/postgres: journal verify: %w", err)
	}
	return chain.Checked, nil
}

// scanEntries reads all the rows of entryColumns.
func scanEntries(rows pgx.Rows, err error) ([]vault.Entry, error) {
	if err != nil {
		return nil, err
	}
	entries := []vault.Entry{} // not nil: an empty journal is [] in JSON
	for rows.Next() {
		var e vault.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.PersonID, &e.DocumentID, &e.Action, &e.Outcome,
			&e.Prev, &e.Hash); err != nil {
			rows.Close()
			return nil, err
		}
		e.At = e.At.UTC()
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
