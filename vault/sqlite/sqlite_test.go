package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"coffre/vault"
	"coffre/vault/vaulttest"
)

// open returns the store at path, closed at the end of t.
func open(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	vaulttest.Exercise(t, func(t *testing.T) vault.Store {
		return open(t, filepath.Join(t.TempDir(), "vault.db"))
	})
}

// TestProcesses opens one database as several processes would, at once:
// they agree on the documents, and the migrations ran once.
func TestProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	vaulttest.ExerciseProcesses(t, func() (vault.Store, error) { return Open(t.Context(), path) })
	s := open(t, path)
	var versions int
	if err := s.r.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions != 3 {
		t.Errorf("%d migrations applied (%v), want 3", versions, err)
	}
}

func BenchmarkSearch(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "vault.db"))
	vaulttest.BenchSearch(b, s, s.load)
}

const loadDocument = `INSERT INTO documents
	(id, person_id, state, queue, sha256, pages, wrapped_key, created_at, updated_at,
	attempts, record, type, subtype, issued_on, expires_on, text)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// load inserts docs as they are, in one transaction. The plans do not
// need the planner's statistics (ANALYZE), which stores do not gather.
func (s *Store) load(ctx context.Context, docs []vault.Document) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, loadDocument)
	if err != nil {
		return err
	}
	for _, d := range docs {
		pages, _ := json.Marshal(d.Pages)
		record, _ := json.Marshal(d.Record)
		r := d.Record
		_, err := stmt.ExecContext(ctx, d.ID, d.PersonID, d.State, d.Queue, d.SHA256, string(pages), d.WrappedKey,
			timestamp(d.CreatedAt), timestamp(d.UpdatedAt), d.Attempts, string(record), r.Type, r.Subtype,
			date(r.IssuedOn), date(r.ExpiresOn), d.Text)
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// TestCreateBatch: Creates arriving together share a transaction; one
// that fails (its context is done) leaves the others recorded.
func TestCreateBatch(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "vault.db"))
	done, cancel := context.WithCancel(context.Background())
	cancel()
	const n = 40
	errs := make(chan error, n)
	now := time.Now()
	for i := range n {
		go func() {
			ctx := t.Context()
			if i == n/2 {
				ctx = done
			}
			d := &vault.Document{PersonID: "p", SHA256: fmt.Sprintf("%064d", i), Queue: vault.QueueInteractive}
			_, _, err := s.Create(ctx, d, now)
			errs <- err
		}()
	}
	failed := 0
	for range n {
		if err := <-errs; err != nil {
			failed++
		}
	}
	counts, err := s.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if failed != 1 || counts[vault.StateReceived] != n-1 {
		t.Errorf("%d creates failed, %d documents recorded; want 1 and %d", failed, counts[vault.StateReceived], n-1)
	}
	s.Close()
	if _, _, err := s.Create(t.Context(), &vault.Document{PersonID: "p", SHA256: "x"}, now); err == nil {
		t.Error("Create after Close succeeded")
	}
}
