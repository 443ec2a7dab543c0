package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"coffre"
	"coffre/vault"
)

// Store is what processing needs from the vault.
type Store interface {
	Get(ctx context.Context, id string) (*vault.Document, error)
	Claim(ctx context.Context, id string, lease time.Duration, now time.Time) (*vault.Document, error)
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
	Now       func() time.Time
	Logger    *slog.Logger // ids, states and timings only
	Stats     *Stats       // nil: not counted
}

// Causes recorded in a document's history, in French: agents read them.
const (
	causeRead        = "Document lu."
	causeReview      = "À vérifier : la zone MRZ n'a pas pu être vérifiée ou ne correspond pas au document."
	causeLost        = "Le fichier original est introuvable ou altéré : renvoyez le document."
	causeInterrupted = "Traitement interrompu ; il reprendra automatiquement."
)

// ErrLeased means another worker holds the document; the task is retried
// after its lease.
var ErrLeased = errors.New("workers: document leased to another worker")

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
	start := time.Now()
	files, err := p.Originals.Load(ctx, doc)
	if err != nil {
		if ctx.Err() != nil {
			return p.release(id, err)
		}
		p.finish(ctx, id, coffre.NewRecord(id), vault.StateFailed, causeLost)
		return fmt.Errorf("workers: load %s: %v: %w", id, err, asynq.SkipRetry)
	}
	rec := p.Scanner.ScanFiles(ctx, id, files, coffre.DateOf(p.Now()))
	if ctx.Err() != nil {
		return p.release(id, ctx.Err())
	}
	state, cause := outcome(rec)
	if err := p.finish(ctx, id, rec, state, cause); err != nil {
		return err
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
	doc, err := p.Store.Claim(ctx, id, lease(ctx), p.Now())
	switch {
	case err == nil:
		return doc, nil
	case errors.Is(err, vault.ErrNotFound):
		return nil, fmt.Errorf("workers: document %s: %w", id, asynq.SkipRetry)
	case errors.Is(err, vault.ErrNotClaimable):
		cur, gerr := p.Store.Get(ctx, id)
		if gerr == nil && cur.State == vault.StateProcessing {
			return nil, fmt.Errorf("%w: %s", ErrLeased, id)
		}
		return nil, gerr // finished: a second copy of the task
	}
	return nil, fmt.Errorf("workers: claim %s: %w", id, err)
}

// lease is how long a worker holds a document: past the task's deadline
// by a quarter, so that a live worker is never overtaken, and no more, so
// that a killed worker's document is taken over soon.
func lease(ctx context.Context) time.Duration {
	budget := taskTimeout(1, 0)
	if d, ok := ctx.Deadline(); ok {
		budget = time.Until(d)
	}
	return budget + budget/4
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
	for _, name := range []string{"mrz_check_digits", "mrz_visual_match"} {
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
