package sqlite

import (
	"context"
	"database/sql"

	"coffre/vault"
)

// commitBatch runs each write of a batch (see vault.Batcher) under a
// savepoint of one transaction, so that one failing write does not undo
// the others.
func (s *Store) commitBatch(batch []vault.Write[*sql.Tx]) ([]error, error) {
	errs := make([]error, len(batch))
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err == nil {
		for i, w := range batch {
			errs[i] = s.runOne(tx, w)
		}
		err = tx.Commit()
	}
	return errs, err
}

// Savepoint statements, around each write of a batch.
const (
	savepoint  = "SAVEPOINT write_one"
	release    = "RELEASE write_one"
	rollbackTo = "ROLLBACK TO write_one"
)

func (s *Store) runOne(tx *sql.Tx, w vault.Write[*sql.Tx]) error {
	ctx := context.Background()
	if _, err := tx.StmtContext(ctx, s.ws[savepoint]).ExecContext(ctx); err != nil {
		return err
	}
	err := w.Apply(tx)
	ends := []string{release}
	if err != nil {
		ends = []string{rollbackTo, release}
	}
	for _, end := range ends {
		if _, eerr := tx.StmtContext(ctx, s.ws[end]).ExecContext(ctx); eerr != nil && err == nil {
			err = eerr
		}
	}
	return err
}
