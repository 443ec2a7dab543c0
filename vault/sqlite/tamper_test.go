package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"coffre/vault/vaulttest"
)

var _ vaulttest.Tamperer = (*Store)(nil)

// tamperable are the columns TamperForTest may change.
var tamperable = []string{"actor", "person_id", "document_id", "action", "outcome", "prev", "hash"}

// TamperForTest sets field of journal entry seq to value, as someone
// editing the file would: the append-only triggers are dropped for the
// change and created again in the same transaction.
func (s *Store) TamperForTest(ctx context.Context, seq int64, field, value string) error {
	if !slices.Contains(tamperable, field) {
		return fmt.Errorf("tamper: no field %q", field)
	}
	return s.bypassTriggers(ctx, `UPDATE journal SET `+field+` = ? WHERE seq = ?`, value, seq)
}

// DeleteForTest removes journal entry seq behind the triggers' back.
func (s *Store) DeleteForTest(ctx context.Context, seq int64) error {
	return s.bypassTriggers(ctx, `DELETE FROM journal WHERE seq = ?`, seq)
}

// bypassTriggers runs query with the journal's triggers dropped, and
// creates them again from their own definitions.
func (s *Store) bypassTriggers(ctx context.Context, query string, args ...any) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal'`)
	if err != nil {
		return err
	}
	triggers := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		triggers[name] = def
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for name := range triggers {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+name); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if err := oneRow(res); err != nil {
		return err
	}
	for _, def := range triggers {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// oneRow checks that res changed exactly one row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("%d rows changed, want 1", n)
	}
	return nil
}
