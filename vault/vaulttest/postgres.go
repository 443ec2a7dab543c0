package vaulttest

import (
	"cmp"
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
)

// postgresURL is the test PostgreSQL database: COFFRE_TEST_DATABASE_URL,
// or the local server's database test.
func postgresURL() string {
	return cmp.Or(os.Getenv("COFFRE_TEST_DATABASE_URL"), "postgres://127.0.0.1:5432/test?sslmode=disable")
}

// PostgresSchema creates a schema of its own for t in the test database,
// drops it at the end of t, and returns the URL of the database with that
// schema as search_path. A server that does not answer fails t: it does
// not skip it.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(postgresURL())
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	name := "vaulttest_" + vault.NewID()[:16]
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
		conn.Close(ctx)
	})
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
