package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"coffre/vault"
)

var _ vault.Journal = (*Store)(nil)

const (
	journalHead = `SELECT seq, hash FROM journal_head`
	advanceHead = `UPDATE journal_head SET seq = ?, hash = ?`
	insertEntry = `INSERT INTO journal (seq, at, actor, person_id, document_id, action, outcome, prev, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	entryColumns  = `seq, at, actor, person_id, document_id, action, outcome, prev, hash`
	entriesAll    = `SELECT ` + entryColumns + ` FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`
	entriesPerson = `SELECT ` + entryColumns + ` FROM journal WHERE person_id = ? AND seq > ? ORDER BY seq LIMIT ?`
)

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 1000

// Append records e after the last entry, in the next batch of writes
// (see vault.Batcher): its caller knows it is recorded before answering, and
// BEGIN IMMEDIATE takes the database's write lock at once, so that
// appends from this and other processes read the head one at a time.
func (s *Store) Append(ctx context.Context, e vault.Entry) (vault.Entry, error) {
	if err := vault.CheckEntry(e); err != nil {
		return vault.Entry{}, fmt.Errorf("vault/sqlite: journal append: %w", err)
	}
	err := s.batch.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.appendEntry(ctx, tx, &e)
	})
	if err != nil {
		return vault.Entry{}, fmt.Errorf("vault/sqlite: journal append: %w", err)
	}
	return e, nil
}

// appendEntry records e after the head in tx, setting its Seq, Prev and
// Hash. Entries in one batch chain in the order they run, each reading
// the head the previous left.
func (s *Store) appendEntry(ctx context.Context, tx *sql.Tx, e *vault.Entry) error {
	if err := tx.StmtContext(ctx, s.ws[journalHead]).QueryRowContext(ctx).Scan(&e.Seq, &e.Prev); err != nil {
		return fmt.Errorf("head: %w", err)
	}
	e.Seq++
	e.At = utc(e.At)
	e.Hash = vault.EntryHash(*e)
	if _, err := tx.StmtContext(ctx, s.ws[insertEntry]).ExecContext(ctx, e.Seq, timestamp(e.At), e.Actor, e.PersonID, e.DocumentID,
		e.Action, e.Outcome, e.Prev, e.Hash); err != nil {
		return err
	}
	if _, err := tx.StmtContext(ctx, s.ws[advanceHead]).ExecContext(ctx, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("head: %w", err)
	}
	return nil
}

// Entries returns the entries about personID ("" = all) after the entry
// after, oldest first, at most limit (see vault.JournalLimit).
func (s *Store) Entries(ctx context.Context, personID string, after int64, limit int) ([]vault.Entry, error) {
	limit = vault.JournalLimit(limit)
	var (
		rows *sql.Rows
		err  error
	)
	if personID == "" {
		rows, err = s.r.QueryContext(ctx, entriesAll, after, limit)
	} else {
		rows, err = s.r.QueryContext(ctx, entriesPerson, personID, after, limit)
	}
	entries, err := scanEntries(rows, err)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: journal entries: %w", err)
	}
	return entries, nil
}

// Verify checks the whole chain, a page at a time, in one read
// transaction: the head and the entries are of the same moment, whatever
// is appended meanwhile.
func (s *Store) Verify(ctx context.Context) (int, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("vault/sqlite: journal verify: %w", err)
	}
	defer tx.Rollback()
	var (
		headSeq  int64
		headHash string
		chain    vault.Chain
	)
	if err := tx.QueryRowContext(ctx, journalHead).Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("vault/sqlite: journal verify: head: %w", err)
	}
	for after := int64(0); ; {
		page, err := scanEntries(tx.QueryContext(ctx, entriesAll, after, verifyPage))
		if err != nil {
			return chain.Checked, fmt.Errorf("vault/sqlite: journal verify: %w", err)
		}
		for _, e := range page {
			if err := chain.Next(e); err != nil {
				return chain.Checked, fmt.Errorf("vault/sqlite: journal verify: %w", err)
			}
			after = e.Seq
		}
		if len(page) < verifyPage {
			break
		}
	}
	if err := chain.End(headSeq, headHash); err != nil {
		return chain.Checked, fmt.Errorf("vault/sqlite: journal verify: %w", err)
	}
	return chain.Checked, nil
}

// scanEntries reads all the rows of entryColumns.
func scanEntries(rows *sql.Rows, err error) ([]vault.Entry, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries := []vault.Entry{} // not nil: an empty journal is [] in JSON
	for rows.Next() {
		var (
			e  vault.Entry
			at string
		)
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.PersonID, &e.DocumentID, &e.Action, &e.Outcome,
			&e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
