package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/originals"
	"coffre/vault/postgres"
	"coffre/vault/seal"
	"coffre/vault/sqlite"
	"coffre/workers"
)

// serviceConfig is what serve and worker read beyond Config. With none of
// it set, coffre runs on embedded defaults: SQLite and files under
// DataDir, and an in-process Redis.
type serviceConfig struct {
	Addr        string // --addr, COFFRE_ADDR; default 127.0.0.1:8080
	DataDir     string // COFFRE_DATA_DIR; default ./data
	RedisURL    string // COFFRE_REDIS_URL, e.g. redis://127.0.0.1:6379/0; default: in-process
	DatabaseURL string // COFFRE_DATABASE_URL, postgres://…; default: SQLite in DataDir
	BlobDir     string // COFFRE_BLOB_DIR, a directory every process mounts; default DataDir/blobs
	MasterKey   string // COFFRE_MASTER_KEY, 32 bytes in hex or base64; default: DataDir/master.key, created on first start
	// PageTimeout is a page's processing budget (COFFRE_PAGE_TIMEOUT,
	// default 60s); a document gets one more page's worth, and a killed
	// worker's document is taken over 25 % after its budget.
	PageTimeout time.Duration
	// MetricsAddr is where a worker process serves /metrics
	// (COFFRE_METRICS_ADDR; default: none).
	MetricsAddr string
	// RequeueInterval is how often lost work is looked for
	// (COFFRE_REQUEUE_INTERVAL, default 1m); a document waits two
	// intervals in the queue before it is checked.
	RequeueInterval time.Duration
	// UploadsPerMinute is how many uploads one user may make in a minute
	// (COFFRE_UPLOAD_LIMIT, default 60; 0: no limit); one address, ten
	// times as many.
	UploadsPerMinute int
}

func (s *serviceConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&s.Addr, "addr", cmp.Or(os.Getenv("COFFRE_ADDR"), "127.0.0.1:8080"), "adresse d'écoute HTTP")
	s.DataDir = cmp.Or(os.Getenv("COFFRE_DATA_DIR"), "data")
	s.RedisURL = os.Getenv("COFFRE_REDIS_URL")
	s.DatabaseURL = os.Getenv("COFFRE_DATABASE_URL")
	s.BlobDir = cmp.Or(os.Getenv("COFFRE_BLOB_DIR"), filepath.Join(s.DataDir, "blobs"))
	s.MasterKey = os.Getenv("COFFRE_MASTER_KEY")
	s.PageTimeout = envDuration("COFFRE_PAGE_TIMEOUT", workers.DefaultPageTimeout)
	s.RequeueInterval = envDuration("COFFRE_REQUEUE_INTERVAL", time.Minute)
	s.MetricsAddr = os.Getenv("COFFRE_METRICS_ADDR")
	s.UploadsPerMinute = 60
	if n, err := strconv.Atoi(os.Getenv("COFFRE_UPLOAD_LIMIT")); err == nil && n >= 0 {
		s.UploadsPerMinute = n
	}
}

func envDuration(name string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil || d <= 0 {
		return def
	}
	return d
}

// parseServiceArgs parses the options of a command that works on the
// vault (serve, worker, flag-expiries), which takes no operands. adjust,
// when not nil, completes cfg instead of the shared checks alone.
func parseServiceArgs(name, synopsis string, args []string, stderr io.Writer, adjust func(complete func() error, cfg *Config) error) (Config, serviceConfig, bool) {
	var cfg Config
	var sc serviceConfig
	fl, complete := newFlags(name, synopsis, &cfg, stderr)
	sc.flags(fl)
	done := complete
	if adjust != nil {
		done = func() error { return adjust(complete, &cfg) }
	}
	ok := parseArgs(fl, args, stderr, done, func(n int) bool { return n == 0 })
	return cfg, sc, ok
}

// services are the vault and queue a serve or worker process uses.
type services struct {
	store     vault.Store
	originals originals.Store
	redis     redis.UniversalClient
	client    *asynq.Client
	inspector *asynq.Inspector
	closers   []func() error
	embedded  bool // SQLite and in-process Redis: this process is alone
	cfg       serviceConfig
	stats     workers.Stats // what this process's workers did
}

func (s *services) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}

// openServices connects to (or starts) the database, the blob store and
// Redis.
func openServices(ctx context.Context, sc serviceConfig, logger *slog.Logger) (*services, error) {
	s := &services{embedded: sc.RedisURL == "" && sc.DatabaseURL == "", cfg: sc}
	if err := os.MkdirAll(sc.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("dossier de données %s : %w", sc.DataDir, err)
	}
	var err error
	if s.store, err = openStore(ctx, sc); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.store.Close)
	if s.originals, err = openOriginals(sc, logger); err != nil {
		s.Close()
		return nil, err
	}
	if c, ok := s.originals.Blobs.(io.Closer); ok { // the segment being written
		s.closers = append(s.closers, c.Close)
	}
	if err := checkMasterKey(ctx, s.store, s.originals.Master); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.openRedis(sc, logger); err != nil {
		s.Close()
		return nil, err
	}
	s.client = asynq.NewClientFromRedisClient(s.redis)
	s.inspector = asynq.NewInspectorFromRedisClient(s.redis)
	return s, nil
}

// checkMasterKey refuses a master key that does not open the vault's
// keys: a process given another (a worker on a machine of its own, whose
// key file was created there) would seal uploads that no other process
// could open, and fail every document it read.
func checkMasterKey(ctx context.Context, st vault.Store, master seal.MasterKey) error {
	id, wrapped, err := st.AnyKey(ctx)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return nil // a vault without documents: its first upload sets the key
	case err != nil:
		return fmt.Errorf("clé maîtresse : %w", err)
	}
	if _, err := master.Unwrap(wrapped, id); err != nil {
		return fmt.Errorf("clé maîtresse : elle n'ouvre pas les documents de ce coffre. Donnez à ce processus la clé des autres (COFFRE_MASTER_KEY) ; si une rotation de clé est en cours, terminez-la et donnez la nouvelle (%w)", err)
	}
	return nil
}

func openStore(ctx context.Context, sc serviceConfig) (vault.Store, error) {
	if strings.HasPrefix(sc.DatabaseURL, "postgres://") || strings.HasPrefix(sc.DatabaseURL, "postgresql://") {
		st, err := postgres.Open(ctx, sc.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("base PostgreSQL : %w", err)
		}
		return st, nil
	}
	if sc.DatabaseURL != "" {
		return nil, fmt.Errorf("COFFRE_DATABASE_URL : seules les adresses postgres:// sont prises en charge")
	}
	st, err := sqlite.Open(ctx, filepath.Join(sc.DataDir, "coffre.db"))
	if err != nil {
		return nil, fmt.Errorf("base SQLite : %w", err)
	}
	return st, nil
}

func openOriginals(sc serviceConfig, logger *slog.Logger) (originals.Store, error) {
	blobs, err := blob.NewDir(sc.BlobDir)
	if err != nil {
		return originals.Store{}, fmt.Errorf("dossier des originaux : %w", err)
	}
	var master seal.MasterKey
	if sc.MasterKey != "" {
		master, err = seal.LoadMasterKey(sc.MasterKey)
	} else {
		path := filepath.Join(sc.DataDir, "master.key")
		var created bool
		master, created, err = seal.LoadOrCreateMasterKeyFile(path)
		if created {
			logger.Warn("master key created: back it up, without it the originals cannot be read", "path", path)
		}
	}
	if err != nil {
		return originals.Store{}, fmt.Errorf("clé maîtresse : %w", err)
	}
	return originals.Store{Blobs: blobs, Master: master}, nil
}

// openRedis connects to COFFRE_REDIS_URL or starts an in-process Redis.
func (s *services) openRedis(sc serviceConfig, logger *slog.Logger) error {
	if sc.RedisURL != "" {
		opt, err := redis.ParseURL(sc.RedisURL)
		if err != nil {
			return fmt.Errorf("COFFRE_REDIS_URL : %w", err)
		}
		s.redis = redis.NewClient(opt)
		s.closers = append(s.closers, s.redis.Close)
		return nil
	}
	addr, stop, err := workers.EmbeddedRedis()
	if err != nil {
		return fmt.Errorf("Redis intégré : %w", err)
	}
	logger.Info("in-process Redis started", "addr", addr)
	s.redis = redis.NewClient(&redis.Options{Addr: addr})
	s.closers = append(s.closers, func() error { stop(); return nil }, s.redis.Close)
	return nil
}

func (s *services) queue() workers.Queue {
	return workers.Queue{Client: s.client, Inspector: s.inspector, PageTimeout: s.cfg.PageTimeout}
}

// queueSizes counts the tasks waiting, running or retrying per queue.
func (s *services) queueSizes() (map[string]int, error) {
	sizes := map[string]int{}
	for q := range workers.Queues {
		info, err := s.inspector.GetQueueInfo(q)
		if err != nil {
			continue // a queue Redis has not seen yet holds nothing
		}
		sizes[q] = info.Pending + info.Active + info.Scheduled + info.Retry
	}
	return sizes, nil
}

// releaseOrphans gives back the documents a previous run of this process
// left processing. Only the embedded setup may: its database has no other
// worker, while in the scaled one a live worker may hold them and their
// leases decide.
func (s *services) releaseOrphans(ctx context.Context) error {
	docs, err := s.store.Stale(ctx, 0, time.Now().Add(24*time.Hour))
	if err != nil {
		return fmt.Errorf("documents en cours : %w", err)
	}
	for _, d := range docs {
		if d.State == vault.StateProcessing {
			if err := s.store.Release(ctx, d.ID, "Reprise après un redémarrage.", time.Now()); err != nil {
				return fmt.Errorf("documents en cours : %w", err)
			}
		}
	}
	return nil
}

// startWorkers runs the Asynq server with the pipeline until ctx is done,
// and the requeue loop.
func (s *services) startWorkers(ctx context.Context, cfg *Config, logger *slog.Logger) (stop func(), err error) {
	if s.embedded {
		if err := s.releaseOrphans(ctx); err != nil {
			return nil, err
		}
	}
	p, tess, err := newPipeline(cfg, logger)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := tess.Warm(ctx); err != nil {
		tess.Close()
		return nil, fmt.Errorf("tesseract : %w", err)
	}
	logger.Info("ocr engines loaded", "slots", cfg.Workers, "ms", time.Since(start).Milliseconds())
	pol, _ := cfg.policy()
	proc := &workers.Processor{Store: s.store, Originals: s.originals, Scanner: p, Lease: s.cfg.PageTimeout, Now: time.Now, Logger: logger, Stats: &s.stats}
	flag := &workers.Flagger{Store: s.store, SoonDays: pol.ExpiringSoonDays, Now: time.Now, Logger: logger}
	srv := asynq.NewServerFromRedisClient(s.redis, workers.ServerConfig(cfg.Workers, logger))
	if err := srv.Start(workers.NewServeMux(proc, flag)); err != nil {
		tess.Close()
		return nil, fmt.Errorf("workers : %w", err)
	}
	rq := workers.Requeuer{Store: s.store, Queue: s.queue(), Interval: s.cfg.RequeueInterval, Now: time.Now, Logger: logger}
	rctx, cancel := context.WithCancel(ctx)
	go rq.Run(rctx)
	return func() {
		cancel()
		srv.Shutdown()
		tess.Close()
	}, nil
}
