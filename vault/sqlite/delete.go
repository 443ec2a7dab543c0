package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"coffre/vault"
)

// Which documents Delete and DeletePerson remove, ?1 being the id given.
// A duplicate has no duplicates: deleting one removes only it.
const (
	ofDocument = `id = ?1 OR duplicate_of = ?1`
	ofPerson   = `person_id = ?1`
)

// The person's account, its secrets and their consents, which
// DeletePerson removes with the documents; ?1 is the person id. Tokens,
// sessions and links go before the users they refer to.
var erasePerson = []string{
	`DELETE FROM tokens WHERE user_id IN (SELECT id FROM users WHERE person_id = ?1 AND role = 'person')`,
	`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE person_id = ?1 AND role = 'person')`,
	`DELETE FROM access_links WHERE user_id IN (SELECT id FROM users WHERE person_id = ?1 AND role = 'person')`,
	`DELETE FROM users WHERE person_id = ?1 AND role = 'person'`,
	`DELETE FROM mandates WHERE person_id = ?1`,
	`DELETE FROM persons WHERE id = ?1`,
}

// Delete shreds, then deletes, document id and its duplicates.
func (s *Store) Delete(ctx context.Context, id string, now time.Time) ([]vault.Document, error) {
	docs, err := s.delete(ctx, ofDocument, id, nil, now)
	if err == nil && len(docs) == 0 {
		err = vault.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: delete %s: %w", id, err)
	}
	return docs, nil
}

// DeletePerson shreds, then deletes, every document of personID, then
// the person's account, mandates and registration.
func (s *Store) DeletePerson(ctx context.Context, personID string, now time.Time) ([]vault.Document, error) {
	docs, err := s.delete(ctx, ofPerson, personID, erasePerson, now)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: delete person %s: %w", personID, err)
	}
	return docs, nil
}

// delete empties the wrapped keys of the documents which selects, and
// commits that alone: from then on their originals cannot be opened,
// whatever happens next. Then, in one transaction, it deletes them (their
// events, alerts, corrections and full-text rows go with them: ON DELETE
// CASCADE and the FTS trigger) and runs then. It returns the documents
// deleted; ErrNotFound when then was given and nothing at all was
// deleted.
func (s *Store) delete(ctx context.Context, which, id string, then []string, now time.Time) ([]vault.Document, error) {
	shred := `UPDATE documents SET wrapped_key = NULL, updated_at = ?2 WHERE ` + which
	if _, err := s.w.ExecContext(ctx, shred, id, timestamp(now)); err != nil {
		return nil, fmt.Errorf("shred keys: %w", err)
	}
	var docs []vault.Document
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		// Documents kept must not point to the ones going; the next
		// FlagExpiries points them to their newest again.
		unsupersede := `UPDATE documents SET superseded_by = NULL
		WHERE superseded_by IN (SELECT id FROM documents WHERE ` + which + `)`
		if _, err := tx.ExecContext(ctx, unsupersede, id); err != nil {
			return err
		}
		// The rows deleted, not the ones shredded: a duplicate created
		// in between goes too, and is returned so that its blobs do.
		var err error
		docs, err = scanDocuments(tx.QueryContext(ctx, `DELETE FROM documents WHERE `+which+` RETURNING `+documentColumns, id))
		if err != nil {
			return err
		}
		deleted := int64(len(docs))
		for _, stmt := range then {
			res, err := tx.ExecContext(ctx, stmt, id)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			deleted += n
		}
		if then != nil && deleted == 0 {
			return vault.ErrNotFound
		}
		return nil
	})
	if err == nil {
		// The rows are gone from the pages (secure_delete zeroes what a
		// write frees), but the WAL still holds the pages as they were,
		// keys and text, until a checkpoint copies them back and new
		// writes overwrite them. Truncating it now erases them; readers
		// busy meanwhile leave it for the next checkpoint.
		_, _ = s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return docs, err
}
