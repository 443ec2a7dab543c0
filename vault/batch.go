package vault

import (
	"cmp"
	"context"
	"errors"
	"sync"
)

// ErrClosed is what a write submitted to a closed Batcher returns.
var ErrClosed = errors.New("vault: store closed")

// maxBatch bounds the writes committed together.
const maxBatch = 64

// A Batcher commits writes arriving together — an upload's document and
// the journal entry that records it, fifty agents' at once — in one
// transaction of a store's (Tx). Every commit waits for the disk, and
// each appends to the one journal chain: committed one by one, concurrent
// uploads waited for each other's commits in turn.
type Batcher[Tx any] struct {
	writes chan Write[Tx]
	commit func([]Write[Tx]) ([]error, error)
	quit   chan struct{} // closed by Close
	done   chan struct{} // closed when the loop returns
	close  sync.Once
}

// Write is one write waiting for the batch that commits it.
type Write[Tx any] struct {
	ctx  context.Context
	run  func(ctx context.Context, tx Tx) error
	errs chan error
}

// Apply runs the write in tx, unless its context ended before its turn.
// Once started it runs to its end whatever its context: the transaction
// is the batch's, and a statement interrupted midway undoes all of it in
// SQLite, and makes pgx close the connection, taking the other writes of
// the batch with them.
func (w Write[Tx]) Apply(tx Tx) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	return w.run(context.WithoutCancel(w.ctx), tx)
}

// NewBatcher starts a Batcher. commit runs a batch's writes in one
// transaction, each so that its failure undoes only itself (a savepoint),
// and returns each write's error, and the transaction's: if that fails,
// every write of the batch gets its error.
func NewBatcher[Tx any](commit func([]Write[Tx]) ([]error, error)) *Batcher[Tx] {
	b := &Batcher[Tx]{writes: make(chan Write[Tx]), commit: commit, quit: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// Do runs write in the next batch and returns once that batch has
// committed (or failed). It waits for the commit even if ctx ends, as the
// batch may have recorded the write.
func (b *Batcher[Tx]) Do(ctx context.Context, write func(ctx context.Context, tx Tx) error) error {
	w := Write[Tx]{ctx: ctx, run: write, errs: make(chan error, 1)}
	select {
	case b.writes <- w:
	case <-b.quit:
		return ErrClosed
	}
	return <-w.errs
}

// Close stops the Batcher once the batch being committed is done.
func (b *Batcher[Tx]) Close() {
	b.close.Do(func() { close(b.quit) })
	<-b.done
}

// loop commits the waiting writes, a batch at a time, until Close.
func (b *Batcher[Tx]) loop() {
	defer close(b.done)
	for {
		var batch []Write[Tx]
		select {
		case w := <-b.writes:
			batch = append(batch, w)
		case <-b.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case w := <-b.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		errs, err := b.commit(batch)
		for i, w := range batch {
			w.errs <- cmp.Or(err, errs[i])
		}
	}
}
