package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// Writes arriving together — an upload's Create and the journal entry
// that records it, fifty agents' at once — are committed in one
// transaction: with synchronous=FULL every commit waits for an fsync of
// the WAL, and one writer committing each alone made concurrent uploads
// wait for each other's fsyncs in turn.
const maxBatch = 64

var errClosed = errors.New("vault/sqlite: store closed")

// batchedWrite is one write waiting for the batch that commits it.
type batchedWrite struct {
	ctx  context.Context
	run  func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// batched runs write in the next batch and returns once that batch has
// committed (or failed). It waits for the commit even if ctx ends, as the
// batch may have recorded the write.
func (s *Store) batched(ctx context.Context, write func(ctx context.Context, tx *sql.Tx) error) error {
	w := batchedWrite{ctx: ctx, run: write, done: make(chan error, 1)}
	select {
	case s.writes <- w:
	case <-s.quit:
		return errClosed
	}
	return <-w.done
}

// writeLoop commits the waiting writes, each batch in one transaction,
// until the store closes.
func (s *Store) writeLoop() {
	defer close(s.loopDone)
	for {
		var batch []batchedWrite
		select {
		case w := <-s.writes:
			batch = append(batch, w)
		case <-s.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case w := <-s.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		s.commitBatch(batch)
	}
}

// commitBatch runs each write under a savepoint of one transaction, so
// that one failing write does not undo the others, and answers them once
// the transaction commits.
func (s *Store) commitBatch(batch []batchedWrite) {
	errs := make([]error, len(batch))
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err == nil {
		for i, w := range batch {
			errs[i] = s.runOne(tx, w)
		}
		err = tx.Commit()
	}
	for i, w := range batch {
		if err != nil {
			errs[i] = err
		}
		w.done <- errs[i]
	}
}

// Savepoint statements, around each write of a batch.
const (
	savepoint  = "SAVEPOINT write_one"
	release    = "RELEASE write_one"
	rollbackTo = "ROLLBACK TO write_one"
)

func (s *Store) runOne(tx *sql.Tx, w batchedWrite) error {
	if _, err := tx.StmtContext(w.ctx, s.ws[savepoint]).ExecContext(w.ctx); err != nil {
		return err
	}
	err := w.run(w.ctx, tx)
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
