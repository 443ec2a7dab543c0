// Package sqlite is the embedded vault.Store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver, meant for one process
// (others opening the file wait for each other's writes). Writes go
// through one connection, so they never contend inside the process;
// reads use a pool of read-only connections and run alongside them.
// Full-text search is an FTS5 index that folds case and accents, and
// matches query words as prefixes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"coffre/vault"
)

var _ vault.Store = (*Store)(nil)

// Store is a vault.Store in one SQLite file. It is safe for concurrent use.
type Store struct {
	w *sql.DB // the one writing connection; transactions BEGIN IMMEDIATE
	r *sql.DB // read-only connections

	// The statements of every upload, prepared once: parsing them anew
	// (the document insert compiles the full-text triggers) cost more
	// than running them, and the writes are parsed by the one goroutine
	// every upload waits for.
	ws, rs prepared

	// batch commits the writes of uploads arriving together at once:
	// with synchronous=FULL every commit waits for an fsync of the WAL.
	batch *vault.Batcher[*sql.Tx]
}

// Both pools wait up to 5 s on another process's write lock, and keep
// up to 32 MiB of pages, and their temporary files, in memory. Writes
// zero what they free (secure_delete), so that a deleted document's
// wrapped key and text do not stay in the file's free space.
const (
	params      = "?_busy_timeout=5000&_foreign_keys=1&_pragma=temp_store(memory)&_pragma=cache_size(-32768)"
	writeParams = params + "&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate&_pragma=secure_delete(on)"
	readParams  = params + "&_query_only=1"
)

// Open opens (creating it if needed) the database file at path and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	w, err := sql.Open("sqlite", path+writeParams)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := setUp(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("vault/sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+readParams)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("vault/sqlite: open %s: %w", path, err)
	}
	// All kept open when idle: database/sql keeps two by default, and
	// busy moments closed the others only to open them again, each
	// reading the schema anew.
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{w: w, r: r}
	// Prepared before the batcher starts: w.Prepare waits for the one
	// writing connection, which a batch holds until it commits.
	s.ws, err = prepare(ctx, w, savepoint, release, rollbackTo, insertDocument, insertEvent, journalHead, insertEntry, advanceHead)
	if err == nil {
		s.rs, err = prepare(ctx, r, userByToken, personVisible)
	}
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("vault/sqlite: open %s: %w", path, err)
	}
	s.batch = vault.NewBatcher(s.commitBatch)
	return s, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("vault/sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the database; the Store is unusable after.
func (s *Store) Close() error {
	s.batch.Close()
	return errors.Join(s.r.Close(), s.w.Close())
}

// prepared holds statements by their SQL.
type prepared map[string]*sql.Stmt

func prepare(ctx context.Context, db *sql.DB, queries ...string) (prepared, error) {
	p := make(prepared, len(queries))
	for _, q := range queries {
		stmt, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		p[q] = stmt
	}
	return p, nil
}

// setUp brings the schema up to date on w's first connection, which turns
// the file to WAL. Processes starting together on a new file race for
// that: where waiting could deadlock (one holds a read lock and wants the
// write lock another is waiting on), SQLite answers SQLITE_BUSY at once
// instead of waiting out the busy timeout. Trying again after a pause
// lets the first process finish; about as long as that timeout in all.
func setUp(ctx context.Context, w *sql.DB) error {
	const pause, tries = 100 * time.Millisecond, 50
	for try := 1; ; try++ {
		err := migrate(ctx, w)
		if err == nil || !busy(err) || try == tries {
			return err
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return err
		}
	}
}

// busy reports whether err is SQLite's SQLITE_BUSY, or one of its
// extended codes.
func busy(err error) bool {
	var se interface{ Code() int }
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

//go:embed migrations/*.sql
var migrations embed.FS

const (
	createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL
) STRICT`
	migrationApplied = `SELECT count(*) FROM schema_migrations WHERE version = ?`
	recordMigration  = `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`
)

// migrate applies the embedded migrations not applied yet, in order, each
// in its own immediate transaction: another process opening the same file
// waits for it, then finds the migration applied.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, createMigrations); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	ms, err := vault.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := migrateOne(ctx, db, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

func migrateOne(ctx context.Context, db *sql.DB, m vault.Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var applied int
	if err := tx.QueryRowContext(ctx, migrationApplied, m.Version).Scan(&applied); err != nil || applied > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.Script); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, recordMigration, m.Version, timestamp(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}
