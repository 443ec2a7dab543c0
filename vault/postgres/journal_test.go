package postgres

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"coffre/vault"
	"coffre/vault/vaulttest"
)

// TestJournalAppendOnly: plain SQL cannot change or remove an entry, nor
// move the head back.
func TestJournalAppendOnly(t *testing.T) {
	s := open(t, vaulttest.PostgresSchema(t))
	ctx := t.Context()
	for range 2 {
		if _, err := s.Append(ctx, vault.Entry{At: time.Now(), Actor: "u1", PersonID: "p1", Action: "view", Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, query := range []string{
		`UPDATE journal SET outcome = 'denied' WHERE seq = 1`,
		`DELETE FROM journal WHERE seq = 2`,
		`DELETE FROM journal`,
		`TRUNCATE journal`,
		`UPDATE journal_head SET seq = 1`,
		`DELETE FROM journal_head`,
		`TRUNCATE journal_head`,
	} {
		_, err := s.pool.Exec(ctx, query)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: error %v, want the trigger's refusal", query, err)
		}
	}
	if n, err := s.Verify(ctx); n != 2 || err != nil {
		t.Errorf("Verify = %d, %v; want 2, nil", n, err)
	}
}

// TestJournalProcesses: stores on one database, as processes would be,
// append to one gapless chain.
func TestJournalProcesses(t *testing.T) {
	dsn := vaulttest.PostgresSchema(t)
	stores := []*Store{open(t, dsn), open(t, dsn), open(t, dsn), open(t, dsn)}
	const each = 10
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Go(func() {
			for range each {
				if _, err := s.Append(t.Context(), vault.Entry{At: time.Now(), Actor: "system", Action: "export", Outcome: "ok"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n, err := stores[0].Verify(t.Context()); n != len(stores)*each || err != nil {
		t.Errorf("Verify = %d, %v; want %d, nil", n, err, len(stores)*each)
	}
}
