package sqlite

import (
	"context"

	"coffre/vault/vaulttest"
)

var _ vaulttest.Crasher = (*Store)(nil)

// FailDeletesForTest makes every DELETE of documents fail while fail is
// set, through a trigger.
func (s *Store) FailDeletesForTest(ctx context.Context, fail bool) error {
	stmt := `DROP TRIGGER documents_crash`
	if fail {
		stmt = `CREATE TRIGGER documents_crash BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'crash'); END`
	}
	_, err := s.w.ExecContext(ctx, stmt)
	return err
}
