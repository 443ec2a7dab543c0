package workers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"coffre"
	"coffre/vault"
)

// FlagSchedule is when the expiry task runs: every night, once the day's
// date has changed.
const FlagSchedule = "@daily"

// NewFlagTask returns the daily expiry task; unique for a day, so that
// several schedulers (one per serve process) queue it once.
func NewFlagTask() *asynq.Task {
	return asynq.NewTask(TypeFlagExpiries, nil, asynq.Queue(vault.QueueBulk), asynq.Unique(23*time.Hour), asynq.MaxRetry(maxRetry))
}

// FlagStore raises expiry alerts.
type FlagStore interface {
	FlagExpiries(ctx context.Context, asOf coffre.Date, soonDays int, now time.Time) ([]vault.Alert, error)
}

// Flagger handles TypeFlagExpiries tasks.
type Flagger struct {
	Store    FlagStore
	SoonDays int // policy.ExpiringSoonDays
	Now      func() time.Time
	Logger   *slog.Logger
}

// FlagTask raises the alerts due today. Alerts are raised once per
// document and kind, so running it twice raises nothing more.
func (f *Flagger) FlagTask(ctx context.Context, _ *asynq.Task) error {
	now := f.Now()
	alerts, err := f.Store.FlagExpiries(ctx, coffre.DateOf(now), f.SoonDays, now)
	if err != nil {
		return fmt.Errorf("workers: flag expiries: %w", err)
	}
	f.Logger.InfoContext(ctx, "expiry alerts raised", "count", len(alerts))
	return nil
}
