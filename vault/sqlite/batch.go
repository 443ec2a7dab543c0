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
	if _, err := tx.StmtContext(w.Ctx, s.ws[savepoint]).ExecContext(w.Ctx); err != nil {
		return err
	}
	err := w.Run(w.Ctx, tx)
	ends := []string{release}
	if err != nil {
		ends = []string{rollbackTo, release}
	}
	ctx := context.Background()
	for _, end := range ends {
		if _, eerr := tx.StmtContext(ctx, s.ws[end]).ExecContext(ctx); eerr != nil && err == nil {
			err = eerr
		}
	}
	return err
}
