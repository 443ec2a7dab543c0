package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
)

// commitBatch runs each write of a batch (see vault.Batcher) in a
// savepoint of one transaction, so that one failing write does not undo
// the others. Every journaled write locks the journal's head until its
// transaction commits: one at a time, uploads waited for each other's
// commits, each a flush of the WAL.
//
// The batch locks the head first, before any write: two processes' batches
// could otherwise deadlock, each having inserted a document the other's
// next write waits on (the same person sending the same file to both)
// while waiting for the head the other holds.
func (s *Store) commitBatch(batch []vault.Write[pgx.Tx]) ([]error, error) {
	errs := make([]error, len(batch))
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockHead); err != nil {
			return fmt.Errorf("head: %w", err)
		}
		for i, w := range batch {
			errs[i] = pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return w.Apply(sp) })
		}
		return nil
	})
	return errs, err
}
