package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"coffre"
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
	if err := s.r.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions != 6 {
		t.Errorf("%d migrations applied (%v), want 6", versions, err)
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

// TestMigrateUsers: migration 4 rebuilds users; the users, and the
// tokens, sessions and mandates that refer to them, stay as they were.
func TestMigrateUsers(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vault.db")
	migrateTo(t, path, 3, []string{
		`INSERT INTO orgs VALUES ('o1', 'CCAS', '2025-01-01T00:00:00.000000Z')`,
		`INSERT INTO users VALUES ('u1', 'o1', 'Anne@ccas.fr', 'anne@ccas.fr', 'Anne', 'caseworker', '', '', '2025-01-01T00:00:00.000000Z', 0)`,
		`INSERT INTO tokens VALUES ('` + vault.TokenHash("cft_x") + `', 'u1', '2025-01-01T00:00:00.000000Z')`,
		`INSERT INTO mandates (id, person_id, org_id, grantee_id, granted_at, collected)
			VALUES ('m1', 'p1', 'o1', 'u1', '2025-01-01T00:00:00.000000Z', 'in_person')`,
	})

	s := open(t, path)
	u, err := s.UserByToken(ctx, "cft_x")
	if err != nil || u.ID != "u1" || u.Email != "Anne@ccas.fr" || u.OrgID != "o1" {
		t.Errorf("UserByToken after migration = %+v, %v; want u1", u, err)
	}
	if ms, err := s.Mandates(ctx, "p1"); err != nil || len(ms) != 1 || ms[0].GranteeID != "u1" {
		t.Errorf("Mandates after migration = %+v, %v", ms, err)
	}
	_, err = s.CreateUser(ctx, vault.User{OrgID: "o1", Email: "ANNE@ccas.fr", Role: vault.RoleAgent}, "", time.Now())
	if !errors.Is(err, vault.ErrConflict) {
		t.Errorf("CreateUser of an email taken before migration: %v, want ErrConflict", err)
	}
	var violations int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&violations); err != nil || violations != 0 {
		t.Errorf("%d foreign key violations (%v), want none", violations, err)
	}
}

// TestMigrateUploadedBy: migration 5 gives the documents stored before it
// no uploader.
func TestMigrateUploadedBy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	migrateTo(t, path, 4, []string{
		`INSERT INTO documents (id, person_id, state, queue, sha256, pages, wrapped_key, created_at, updated_at)
			VALUES ('d1', 'p1', 'received', 'interactive', 'x', '[]', x'01', '2025-01-01T00:00:00.000000Z',
			'2025-01-01T00:00:00.000000Z')`,
	})
	d, err := open(t, path).Get(t.Context(), "d1")
	if err != nil || d.UploadedBy != "" || string(d.WrappedKey) != "\x01" {
		t.Errorf("Get after migration = %+v, %v; want the document, no uploader", d, err)
	}
}

// migrateTo applies the first n migrations to a new database at path,
// then runs stmts, as an older coffre would have left it.
func migrateTo(t *testing.T, path string, n int, stmts []string) {
	t.Helper()
	ctx := t.Context()
	db, err := sql.Open("sqlite", path+writeParams)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := vault.Migrations(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, createMigrations); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:n] {
		if err := migrateOne(ctx, db, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBusy: a write refused because another connection holds the lock is
// busy, whatever the extended code; another error is not.
func TestBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	holder, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	if _, err := holder.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec("BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer holder.Exec("ROLLBACK")
	other, err := sql.Open("sqlite", path) // no busy timeout: refused at once
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Exec("INSERT INTO t VALUES (1)")
	if !busy(err) {
		t.Errorf("write under another's lock: busy(%v) = false, want true", err)
	}
	if _, err := holder.Exec("SELEC 1"); busy(err) || err == nil {
		t.Errorf("syntax error: busy(%v) = true, want false", err)
	}
}

// TestBatchWriteCancelledMidway: a write whose context ends while its
// statement runs neither undoes nor fails the writes batched with it.
// SQLite answers an interrupted write by rolling back the whole
// transaction, the batch's.
func TestBatchWriteCancelledMidway(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "vault.db"))
	gate, started := make(chan struct{}), make(chan struct{})
	blocker := make(chan error, 1)
	go func() { // holds the batch loop, so that the writes below queue together
		blocker <- s.batch.Do(t.Context(), func(context.Context, *sql.Tx) error {
			close(started)
			<-gate
			return nil
		})
	}()
	<-started
	now := time.Now()
	const n = 3
	errs := make(chan error, n+1)
	for i := range n {
		go func() {
			_, _, err := s.Create(t.Context(), &vault.Document{PersonID: "p", SHA256: fmt.Sprintf("%064d", i), Queue: vault.QueueInteractive}, now)
			errs <- err
		}()
	}
	slow, cancel := context.WithCancel(t.Context())
	go func() {
		errs <- s.batch.Do(slow, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE numbers (x)`); err != nil {
				return err
			}
			time.AfterFunc(10*time.Millisecond, cancel)
			_, err := tx.ExecContext(ctx, `INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT x FROM c`)
			return err
		})
	}()
	time.Sleep(50 * time.Millisecond) // the writes wait to be sent to the loop
	close(gate)
	if err := <-blocker; err != nil {
		t.Fatal(err)
	}
	for range n + 1 {
		if err := <-errs; err != nil {
			t.Errorf("write: %v", err)
		}
	}
	counts, err := s.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if counts[vault.StateReceived] != n {
		t.Errorf("%d documents recorded, want %d", counts[vault.StateReceived], n)
	}
}

// TestDeleteLeavesNoKey: once Delete returns, the wrapped key and the
// text of the document are in none of the database's files.
func TestDeleteLeavesNoKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	s := open(t, path)
	ctx, now := t.Context(), time.Now()
	key := []byte("wrapped-key-0123456789-wrapped-key-0123456789-")
	text := "Numero fiscal 0123456789012 texte lu"
	var ids []string
	for i := range 20 { // others around it, as in a vault in use
		d := &vault.Document{PersonID: "p", SHA256: fmt.Sprintf("%064d", i), WrappedKey: key[:len(key)-1], Pages: []vault.Page{{Mime: "image/jpeg"}}}
		if i == 7 {
			d.WrappedKey = key
		}
		if _, _, err := s.Create(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	if _, err := s.Claim(ctx, ids[7], time.Minute, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, ids[7], coffre.NewRecord(ids[7]), text, vault.StateDone, "lu", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, ids[7], now); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, key) || bytes.Contains(b, []byte(text)) {
			t.Errorf("%s still holds the deleted document's key or text", filepath.Base(f))
		}
	}
}
