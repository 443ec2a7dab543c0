package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"coffre/vault/vaulttest"
)

var _ vaulttest.Tamperer = (*Store)(nil)

// tamperable are the columns TamperForTest may change.
var tamperable = []string{"actor", "person_id", "document_id", "action", "outcome", "prev", "hash"}

// TamperForTest sets field of journal entry seq to value, as the table's
// owner could: with the append-only triggers disabled for the change, in
// the same transaction.
func (s *Store) TamperForTest(ctx context.Context, seq int64, field, value string) error {
	if !slices.Contains(tamperable, field) {
		return fmt.Errorf("tamper: no field %q", field)
	}
	return s.bypassTriggers(ctx, `UPDATE journal SET `+field+` = $1 WHERE seq = $2`, value, seq)
}

// DeleteForTest removes journal entry seq behind the triggers' back.
func (s *Store) DeleteForTest(ctx context.Context, seq int64) error {
	return s.bypassTriggers(ctx, `DELETE FROM journal WHERE seq = $1`, seq)
}

// bypassTriggers runs query with the journal's triggers disabled.
func (s *Store) bypassTriggers(ctx context.Context, query string, args ...any) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `ALTER TABLE journal DISABLE TRIGGER USER`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("%d rows changed, want 1", tag.RowsAffected())
		}
		_, err = tx.Exec(ctx, `ALTER TABLE journal ENABLE TRIGGER USER`)
		return err
	})
}
