package workers

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hibiken/asynq"
)

// NewServeMux routes each task type to its handler.
func NewServeMux(p *Processor, f *Flagger) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeProcess, p.ProcessTask)
	mux.HandleFunc(TypeFlagExpiries, f.FlagTask)
	return mux
}

// ServerConfig is the Asynq server configuration of a worker process with
// concurrency tasks at once (one per OCR slot: more would only wait).
func ServerConfig(concurrency int, logger *slog.Logger) asynq.Config {
	return asynq.Config{
		Concurrency:    concurrency,
		Queues:         Queues,
		StrictPriority: true,
		// Idle workers look for a task this often. An agent at the
		// counter waits for the result: with Asynq's default (1 s, slept
		// 0.5–1.5 s) a photo uploaded to idle workers waited 0.2–0.9 s
		// before its reading began. Ten looks a second at empty queues
		// are a few Redis commands per worker process.
		TaskCheckInterval: 100 * time.Millisecond,
		RetryDelayFunc:    RetryDelay,
		ShutdownTimeout:   30 * time.Second,
		Logger:            slogLogger{logger},
	}
}

// SchedulerOpts are the options of the scheduler that queues the daily
// expiry task.
func SchedulerOpts(logger *slog.Logger) *asynq.SchedulerOpts {
	return &asynq.SchedulerOpts{Logger: slogLogger{logger}}
}

// slogLogger adapts slog to Asynq's printf-style logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) log(level slog.Level, args ...any) {
	s.l.Log(context.Background(), level, fmt.Sprint(args...), "component", "asynq")
}

func (s slogLogger) Debug(args ...any) { s.log(slog.LevelDebug, args...) }
func (s slogLogger) Info(args ...any)  { s.log(slog.LevelInfo, args...) }
func (s slogLogger) Warn(args ...any)  { s.log(slog.LevelWarn, args...) }
func (s slogLogger) Error(args ...any) { s.log(slog.LevelError, args...) }
func (s slogLogger) Fatal(args ...any) {
	s.log(slog.LevelError, args...)
	os.Exit(1)
}
