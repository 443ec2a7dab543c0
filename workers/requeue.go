package workers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"coffre/vault"
)

// Enqueuer puts a task on the queue (an *asynq.Client).
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// TaskInspector looks up and deletes queued tasks (an *asynq.Inspector).
type TaskInspector interface {
	GetTaskInfo(queue, id string) (*asynq.TaskInfo, error)
	DeleteTask(queue, id string) error
}

// Queue sends documents to the workers.
type Queue struct {
	Client      Enqueuer
	Inspector   TaskInspector
	PageTimeout time.Duration // a page's time budget; 0: DefaultPageTimeout
}

// Enqueue queues the processing of doc. A task already waiting or running
// for it is enough; one that gave up (archived) or finished is replaced,
// since the database says the document still needs work.
func (q Queue) Enqueue(ctx context.Context, doc *vault.Document) error {
	task, err := NewProcessTask(doc, q.PageTimeout)
	if err != nil {
		return err
	}
	_, err = q.Client.EnqueueContext(ctx, task)
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	info, err := q.Inspector.GetTaskInfo(queueOf(doc), processTaskID(doc.ID))
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound): // gone since the conflict
	case err != nil:
		return fmt.Errorf("workers: task of %s: %w", doc.ID, err)
	case info.State == asynq.TaskStateArchived || info.State == asynq.TaskStateCompleted:
		if err := q.Inspector.DeleteTask(info.Queue, info.ID); err != nil {
			return fmt.Errorf("workers: replace task of %s: %w", doc.ID, err)
		}
	default:
		return nil // waiting, running or retrying: it will do
	}
	_, err = q.Client.EnqueueContext(ctx, task)
	return err
}

// StaleStore lists documents whose work was lost.
type StaleStore interface {
	Stale(ctx context.Context, grace time.Duration, now time.Time) ([]vault.Document, error)
}

// Requeuer queues again, at start-up and then every Interval, the
// documents left received or processing past their lease: an empty Redis
// (restarted, or the in-process one) loses no work.
type Requeuer struct {
	Store    StaleStore
	Queue    Queue
	Interval time.Duration // default 1 min
	Grace    time.Duration // how long a received document may wait in the queue before a check; default 2 Intervals
	Now      func() time.Time
	Logger   *slog.Logger
}

// Run requeues until ctx is done. The first pass, at start-up, takes
// every unfinished document: a task the queue still holds makes its
// enqueue a no-op, and one an empty Redis lost is restored at once.
func (r Requeuer) Run(ctx context.Context) {
	interval := cmp.Or(r.Interval, time.Minute)
	grace := time.Duration(0)
	for {
		n, err := r.Once(ctx, grace)
		switch {
		case err != nil && ctx.Err() == nil:
			r.Logger.WarnContext(ctx, "requeue failed", "err", err)
		case n > 0:
			r.Logger.InfoContext(ctx, "documents queued again", "count", n)
		}
		grace = cmp.Or(r.Grace, 2*interval)
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// Once requeues the documents received more than grace ago or left
// processing past their lease, and returns how many.
func (r Requeuer) Once(ctx context.Context, grace time.Duration) (int, error) {
	docs, err := r.Store.Stale(ctx, grace, r.Now())
	if err != nil {
		return 0, fmt.Errorf("workers: stale documents: %w", err)
	}
	var errs []error
	for i := range docs {
		if err := r.Queue.Enqueue(ctx, &docs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return len(docs), errors.Join(errs...)
}
