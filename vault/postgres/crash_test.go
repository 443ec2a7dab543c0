package postgres

import (
	"context"

	"coffre/vault/vaulttest"
)

var _ vaulttest.Crasher = (*Store)(nil)

// FailDeletesForTest makes every DELETE of documents fail while fail is
// set, through a trigger calling the journal's function that refuses.
func (s *Store) FailDeletesForTest(ctx context.Context, fail bool) error {
	stmt := `DROP TRIGGER documents_crash ON documents`
	if fail {
		stmt = `CREATE TRIGGER documents_crash BEFORE DELETE ON documents
		FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse()`
	}
	_, err := s.pool.Exec(ctx, stmt)
	return err
}
