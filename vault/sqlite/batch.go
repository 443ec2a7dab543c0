package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"coffre/vault"
)

// Uploads arriving together are recorded in one transaction: with
// synchronous=FULL every commit waits for an fsync of the WAL, and one
// writer committing each upload alone made 50 concurrent uploads wait
// for each other's fsyncs in turn.
const maxBatch = 64

var errClosed = errors.New("vault/sqlite: store closed")

// createReq is one Create waiting for the batch that records it.
type createReq struct {
	ctx   context.Context
	d     *vault.Document
	pages string
	now   time.Time
	done  chan createRes
}

type createRes struct {
	original *vault.Document
	err      error
}

// createLoop records the waiting Creates, each batch in one transaction,
// until the store closes.
func (s *Store) createLoop() {
	defer close(s.loopDone)
	for {
		var batch []createReq
		select {
		case r := <-s.creates:
			batch = append(batch, r)
		case <-s.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-s.creates:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.createBatch(batch)
	}
}

// createBatch inserts each request under a savepoint of one transaction,
// so that one failing insert does not undo the others, and answers them
// once the transaction commits.
func (s *Store) createBatch(batch []createReq) {
	res := make([]createRes, len(batch))
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err == nil {
		for i, r := range batch {
			res[i] = insertOne(tx, r)
		}
		err = tx.Commit()
	}
	for i, r := range batch {
		if err != nil {
			res[i] = createRes{err: err}
		}
		r.done <- res[i]
	}
}

func insertOne(tx *sql.Tx, r createReq) createRes {
	if _, err := tx.ExecContext(r.ctx, "SAVEPOINT create_one"); err != nil {
		return createRes{err: err}
	}
	original, err := insert(r.ctx, tx, r.d, r.pages, r.now)
	ends := []string{"RELEASE create_one"}
	if err != nil {
		ends = []string{"ROLLBACK TO create_one", "RELEASE create_one"}
	}
	for _, end := range ends {
		if _, eerr := tx.ExecContext(context.Background(), end); eerr != nil && err == nil {
			err = eerr
		}
	}
	return createRes{original: original, err: err}
}
