package workers

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"coffre"
	"coffre/classifiers"
	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/seal"
)

// Store is what processing needs from the vault.
type Store interface {
	Get(ctx context.Context, id string) (*vault.Document, error)
	Claim(ctx context.Context, id string, lease time.Duration, now time.Time) (*vault.Document, error)
	Renew(ctx context.Context, id string, attempt int, lease time.Duration, now time.Time) error
	Finish(ctx context.Context, id string, rec coffre.Record, text string, state vault.State, cause string, now time.Time) error
	Release(ctx context.Context, id string, cause string, now time.Time) error
}

// Originals gives back the files of a stored document, decrypted.
type Originals interface {
	Load(ctx context.Context, doc *vault.Document) ([][]byte, error)
}

// Scanner is the scan pipeline.
type Scanner interface {
	ScanFiles(ctx context.Context, name string, files [][]byte, asOf coffre.Date) coffre.Record
}

// Processor handles TypeProcess tasks.
type Processor struct {
	Store     Store
	Originals Originals
	Scanner   Scanner
	// Lease is how long a worker holds a document without renewing it,
	// renewed every third of it while the worker works: a killed worker's
	// document is taken over within a lease. 0: DefaultPageTimeout.
	Lease  time.Duration
	Now    func() time.Time
	Logger *slog.Logger // ids, states and timings only
	Stats  *Stats       // nil: not counted
}

// Causes recorded in a document's history, in French: agents read them.
const (
	causeRead        = "Document lu."
	causeReview      = "À vérifier : la zone MRZ n'a pas pu être vérifiée ou ne correspond pas au document."
	causeLost        = "Le fichier original est introuvable ou altéré : renvoyez le document."
	causeInterrupted = "Traitement interrompu ; il reprendra automatiquement."
	causeGaveUp      = "Le traitement n'a abouti à aucun des essais : renvoyez le document en moins de pages, ou en photos plus légères."
)

// maxAttempts is how many times a document is claimed before it is given
// up. A document that ends every attempt the same way (past its deadline,
// or taking its worker down with it, as a decoder crashing in C does)
// would otherwise come back forever, holding a worker each time, and in
// the embedded setup bring serve down at each start. A worker killed or
// stopped now and then costs one attempt.
const maxAttempts = 5

// ErrLeased means another worker holds the document; the task is retried
// after its lease.
var ErrLeased = errors.New("workers: document leased to another worker")

// errTakenOver ends the work on a document another worker claimed, this
// one having failed to renew its lease in time (paused, or cut from the
// database): that worker's result is the one kept.
var errTakenOver = errors.New("workers: document taken over by another worker")

// ProcessTask claims the document, runs the pipeline on its files and
// records the result. It is idempotent: a finished document is left as is.
func (p *Processor) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var pl processPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil || pl.DocumentID == "" {
		return fmt.Errorf("workers: bad payload (%v): %w", err, asynq.SkipRetry)
	}
	id := pl.DocumentID
	doc, err := p.claim(ctx, id)
	if doc == nil || err != nil {
		return err
	}
	if doc.Attempts > maxAttempts {
		return p.giveUp(ctx, id, causeGaveUp, fmt.Errorf("workers: %s: %d attempts", id, doc.Attempts-1))
	}
	ctx, letGo := p.hold(ctx, doc)
	defer letGo()
	start := time.Now()
	files, err := p.Originals.Load(ctx, doc)
	switch {
	case errors.Is(err, blob.ErrNotFound) || errors.Is(err, seal.ErrDecrypt):
		return p.giveUp(ctx, id, causeLost, fmt.Errorf("workers: load %s: %w", id, err))
	case err != nil: // the disk or the shared mount, which may come back
		return p.release(id, fmt.Errorf("workers: load %s: %w", id, err))
	}
	rec := p.Scanner.ScanFiles(ctx, id, files, coffre.DateOf(p.Now()))
	if errors.Is(context.Cause(ctx), errTakenOver) {
		return fmt.Errorf("%s: %w: %w", id, errTakenOver, asynq.SkipRetry)
	}
	if ctx.Err() != nil {
		return p.release(id, ctx.Err())
	}
	state, cause := outcome(rec)
	if err := p.finish(ctx, id, rec, state, cause); err != nil {
		// Given back, so that the retry need not wait for the lease.
		return p.release(id, err)
	}
	if p.Stats != nil {
		p.Stats.add(state, rec)
	}
	p.log(ctx, "document processed", "document_id", id, "state", state, "type", rec.Type, "pages", rec.Pages, "ms", time.Since(start).Milliseconds())
	return nil
}

// claim takes the document for this worker. It returns nil and no error
// when there is nothing to do (finished, or gone).
func (p *Processor) claim(ctx context.Context, id string) (*vault.Document, error) {
	doc, err := p.Store.Claim(ctx, id, p.lease(), p.Now())
	switch {
	case err == nil:
		return doc, nil
	case errors.Is(err, vault.ErrNotFound):
		return nil, fmt.Errorf("workers: document %s: %w", id, asynq.SkipRetry)
	case errors.Is(err, vault.ErrNotClaimable):
		cur, gerr := p.Store.Get(ctx, id)
		if gerr == nil && !cur.State.Final() && cur.DuplicateOf == "" {
			// Received: given back between the two calls; the retry takes it.
			return nil, fmt.Errorf("%w: %s", ErrLeased, id)
		}
		return nil, gerr // finished, or a duplicate: a second copy of the task
	}
	return nil, fmt.Errorf("workers: claim %s: %w", id, err)
}

func (p *Processor) lease() time.Duration { return cmp.Or(p.Lease, DefaultPageTimeout) }

// hold renews doc's lease every third of it until letGo. The context it
// returns ends, with errTakenOver as its cause, when the document was
// claimed by another worker meanwhile. A renewal that fails otherwise
// (the database away) is tried again at the next tick, within the lease.
func (p *Processor) hold(ctx context.Context, doc *vault.Document) (_ context.Context, letGo func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(p.lease() / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if err := p.Store.Renew(ctx, doc.ID, doc.Attempts, p.lease(), p.Now()); errors.Is(err, vault.ErrConflict) {
				cancel(errTakenOver)
				return
			}
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// finish records the result; a document finished meanwhile (this worker
// overtaken after its lease) is left to the other worker's result.
func (p *Processor) finish(ctx context.Context, id string, rec coffre.Record, state vault.State, cause string) error {
	err := p.Store.Finish(ctx, id, rec, rec.Text, state, cause, p.Now())
	if errors.Is(err, vault.ErrConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("workers: finish %s: %w", id, err)
	}
	return nil
}

// giveUp records the document failed for cause, for good.
func (p *Processor) giveUp(ctx context.Context, id, cause string, err error) error {
	if ferr := p.finish(ctx, id, coffre.NewRecord(id), vault.StateFailed, cause); ferr != nil {
		return p.release(id, errors.Join(err, ferr))
	}
	return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
}

// release gives the document back after an interruption (shutdown,
// timeout), with a context of its own: the task's is done.
func (p *Processor) release(id string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Store.Release(ctx, id, causeInterrupted, p.Now()); err != nil {
		return errors.Join(cause, fmt.Errorf("workers: release %s: %w", id, err))
	}
	return cause
}

// outcome is the state a record leaves its document in. An unreadable or
// unknown document is done: its record says so and tells the agent what
// to do. A file that could not be processed at all is failed. An identity
// document whose MRZ could not be proven waits for a person's eyes.
func outcome(rec coffre.Record) (vault.State, string) {
	if rec.Error != "" {
		return vault.StateFailed, rec.Error
	}
	for _, name := range []string{classifiers.CheckMRZDigits, classifiers.CheckMRZVisualMatch} {
		if c, ok := rec.Check(name); ok && !c.OK {
			return vault.StateNeedsReview, causeReview
		}
	}
	if len(rec.Messages) > 0 {
		return vault.StateDone, strings.Join(rec.Messages, " ")
	}
	return vault.StateDone, causeRead
}

func (p *Processor) log(ctx context.Context, msg string, args ...any) {
	if p.Logger != nil {
		p.Logger.InfoContext(ctx, msg, args...)
	}
}
