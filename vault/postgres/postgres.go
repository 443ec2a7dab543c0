// Package postgres is the vault.Store for many processes: PostgreSQL
// through a pgx connection pool. Full-text search uses a text search
// configuration, coffre_french, that folds accents (the unaccent
// extension) before French stemming, over a generated tsvector column.
//
// The store works in the first schema of the connection's search_path,
// which a URL can set: ...?search_path=coffre.
package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"coffre/vault"
)

var _ vault.Store = (*Store)(nil)

// Store is a vault.Store in a PostgreSQL database. It is safe for
// concurrent use, by many processes.
type Store struct {
	pool  *pgxpool.Pool
	batch *vault.Batcher[pgx.Tx] // documents created and entries appended together
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string) and brings its schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: open: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("vault/postgres: open: %w", err)
	}
	s := &Store{pool: pool}
	s.batch = vault.NewBatcher(s.commitBatch)
	return s, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("vault/postgres: ping: %w", err)
	}
	return nil
}

// Close closes the pool's connections; the Store is unusable after.
func (s *Store) Close() error {
	s.batch.Close()
	s.pool.Close()
	return nil
}

//go:embed migrations/*.sql
var migrations embed.FS

// Keys of the transaction-level advisory locks that make processes doing
// the same at once do it one after the other: applying the migrations,
// and flagging expiries (which would otherwise deadlock on the rows they
// both update).
const (
	migrationLock = 0x636f6666726501 // "coffre" 1
	flagLock      = 0x636f6666726502
)

const (
	lockMigrations   = `SELECT pg_advisory_xact_lock($1)`
	createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`
	migrationApplied = `SELECT EXISTS (SELECT FROM schema_migrations WHERE version = $1)`
	recordMigration  = `INSERT INTO schema_migrations (version) VALUES ($1)`
)

// migrate applies the embedded migrations not applied yet, in order.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := vault.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := migrateOne(ctx, pool, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

// migrateOne applies m unless it was, in a transaction that holds the
// advisory lock: another process migrating at the same time waits, then
// finds it applied.
func migrateOne(ctx context.Context, pool *pgxpool.Pool, m vault.Migration) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var applied bool
		if _, err := tx.Exec(ctx, lockMigrations, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, createMigrations); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, migrationApplied, m.Version).Scan(&applied); err != nil || applied {
			return err
		}
		if _, err := tx.Exec(ctx, m.Script); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, recordMigration, m.Version)
		return err
	})
}
