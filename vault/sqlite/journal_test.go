package sqlite

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/vault"
)

// TestJournalAppendOnly: plain SQL cannot change or remove an entry, nor
// move the head back.
func TestJournalAppendOnly(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "vault.db"))
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
		`UPDATE journal_head SET seq = 1`,
		`DELETE FROM journal_head`,
	} {
		_, err := s.w.ExecContext(ctx, query)
		if err == nil || !strings.Contains(err.Error(), "journal") {
			t.Errorf("%s: error %v, want the trigger's refusal", query, err)
		}
	}
	if n, err := s.Verify(ctx); n != 2 || err != nil {
		t.Errorf("Verify = %d, %v; want 2, nil", n, err)
	}
}

// TestJournalProcesses: stores opened on one file, as processes would,
// append to one gapless chain.
func TestJournalProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	stores := []*Store{open(t, path), open(t, path), open(t, path), open(t, path)}
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
