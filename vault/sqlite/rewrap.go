package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"coffre/vault"
)

const (
	// selectKeys reads a batch of keys to rewrap; length(NULL) is NULL, so
	// a deleted document's emptied key is never rewrapped back.
	selectKeys = `SELECT id, wrapped_key FROM documents WHERE id > ? AND length(wrapped_key) > 0 ORDER BY id LIMIT ?`
	updateKey  = `UPDATE documents SET wrapped_key = ? WHERE id = ?`
)

// AnyKey returns one document's wrapped key (see vault.Store).
func (s *Store) AnyKey(ctx context.Context) (docID string, wrapped []byte, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT id, wrapped_key FROM documents WHERE length(wrapped_key) > 0 LIMIT 1`).Scan(&docID, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("vault/sqlite: a wrapped key: %w", err)
	}
	return docID, wrapped, nil
}

// Rewrap replaces every document's wrapped key by rewrap's result, in
// batches (see vault.Store).
func (s *Store) Rewrap(ctx context.Context, rewrap func(docID string, wrapped []byte) ([]byte, error)) (int, error) {
	n, err := vault.RewrapAll(ctx, func(ctx context.Context, after string) (last string, n int, err error) {
		// BEGIN IMMEDIATE: no Delete shreds a key between its read and
		// its update.
		err = s.writeTx(ctx, func(tx *sql.Tx) error {
			ids, keys, err := readKeys(ctx, tx, after)
			if err != nil {
				return err
			}
			for i, id := range ids {
				key, err := vault.RewrapKey(rewrap, id, keys[i])
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, updateKey, key, id); err != nil {
					return err
				}
				last, n = id, i+1
			}
			return nil
		})
		if err != nil {
			return "", 0, err
		}
		return last, n, nil
	})
	if err != nil {
		return n, fmt.Errorf("vault/sqlite: %w", err)
	}
	return n, nil
}

// readKeys reads the batch of keys after after, all of it before the
// updates: the transaction has one connection.
func readKeys(ctx context.Context, tx *sql.Tx, after string) (ids []string, keys [][]byte, err error) {
	rows, err := tx.QueryContext(ctx, selectKeys, after, vault.RewrapBatch)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  string
			key []byte
		)
		if err := rows.Scan(&id, &key); err != nil {
			return nil, nil, err
		}
		ids, keys = append(ids, id), append(keys, key)
	}
	return ids, keys, rows.Err()
}
