package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
	"coffre/vault/vaulttest"
)

// open returns a store on the database at dsn, closed at the end of t.
func open(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	vaulttest.Exercise(t, func(t *testing.T) vault.Store { return open(t, vaulttest.PostgresSchema(t)) })
}

// TestProcesses opens one database as several processes would, at once:
// they agree on the documents, and the migrations ran once.
func TestProcesses(t *testing.T) {
	dsn := vaulttest.PostgresSchema(t)
	vaulttest.ExerciseProcesses(t, func() (vault.Store, error) { return Open(t.Context(), dsn) })
	s := open(t, dsn)
	var versions int
	if err := s.pool.QueryRow(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions != 5 {
		t.Errorf("%d migrations applied (%v), want 5", versions, err)
	}
}

func BenchmarkSearch(b *testing.B) {
	s := open(b, vaulttest.PostgresSchema(b))
	vaulttest.BenchSearch(b, s, s.load)
}

// loadColumns are the columns load copies.
var loadColumns = []string{"id", "person_id", "state", "queue", "sha256", "pages", "wrapped_key", "created_at",
	"updated_at", "attempts", "record", "type", "subtype", "issued_on", "expires_on", "text"}

// load copies docs as they are, then updates the planner's statistics of
// documents and of the mandates granted before, as autovacuum would.
func (s *Store) load(ctx context.Context, docs []vault.Document) error {
	rows := pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) {
		d := docs[i]
		r := d.Record
		return []any{d.ID, d.PersonID, d.State, d.Queue, d.SHA256, d.Pages, d.WrappedKey, d.CreatedAt,
			d.UpdatedAt, d.Attempts, r, r.Type, r.Subtype, date(r.IssuedOn), date(r.ExpiresOn), d.Text}, nil
	})
	if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"documents"}, loadColumns, rows); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "ANALYZE documents, mandates")
	return err
}
