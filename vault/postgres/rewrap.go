package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
)

const (
	// selectKeys reads and locks a batch of keys to rewrap: a Delete
	// shredding one of them waits for the batch, then empties the new
	// key. length(NULL) is NULL, so an emptied key is never rewrapped.
	selectKeys = `SELECT id, wrapped_key FROM documents WHERE id > $1 AND length(wrapped_key) > 0
	ORDER BY id LIMIT $2 FOR UPDATE`
	// updateKeys replaces the batch's keys in one statement.
	updateKeys = `UPDATE documents d SET wrapped_key = k.key
	FROM unnest($1::text[], $2::bytea[]) AS k (id, key) WHERE d.id = k.id`
)

// AnyKey returns one document's wrapped key (see vault.Store).
func (s *Store) AnyKey(ctx context.Context) (docID string, wrapped []byte, err error) {
	err = s.pool.QueryRow(ctx, `SELECT id, wrapped_key FROM documents WHERE length(wrapped_key) > 0 LIMIT 1`).Scan(&docID, &wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("vault/postgres: a wrapped key: %w", err)
	}
	return docID, wrapped, nil
}

// Rewrap replaces every document's wrapped key by rewrap's result, in
// batches (see vault.Store).
func (s *Store) Rewrap(ctx context.Context, rewrap func(docID string, wrapped []byte) ([]byte, error)) (int, error) {
	n, err := vault.RewrapAll(ctx, func(ctx context.Context, after string) (last string, n int, err error) {
		var (
			ids  []string
			keys [][]byte
		)
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, selectKeys, after, vault.RewrapBatch)
			if err != nil {
				return err
			}
			var (
				id  string
				key []byte
			)
			_, err = pgx.ForEachRow(rows, []any{&id, &key}, func() error {
				newKey, err := vault.RewrapKey(rewrap, id, key)
				ids, keys = append(ids, id), append(keys, newKey)
				return err
			})
			if err != nil || len(ids) == 0 {
				return err
			}
			_, err = tx.Exec(ctx, updateKeys, ids, keys)
			return err
		})
		if err != nil || len(ids) == 0 {
			return "", 0, err
		}
		return ids[len(ids)-1], len(ids), nil
	})
	if err != nil {
		return n, fmt.Errorf("vault/postgres: %w", err)
	}
	return n, nil
}
