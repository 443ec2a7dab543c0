package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coffre/vault"
	"coffre/vault/sqlite"
)

func TestUserAndToken(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("COFFRE_DATA_DIR", dir)
	t.Setenv("COFFRE_DATABASE_URL", "")
	t.Setenv("COFFRE_PASSWORD", "un mot de passe solide")
	ctx := context.Background()
	cmd := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, stderr := cmd("user", "add", "--org", "CCAS de Lyon", "--role", "caseworker", "--email", "Marie@ccas-lyon.fr"); code != exitOK {
		t.Fatalf("user add: exit %d: %s", code, stderr)
	}
	if code, _, stderr := cmd("user", "add", "--org", "CCAS de Lyon", "--role", "agent", "--email", "marie@CCAS-lyon.fr"); code != exitFail || !strings.Contains(stderr, "déjà pris") {
		t.Errorf("same email again: exit %d, %q; want a failure saying it is taken", code, stderr)
	}
	if code, _, _ := cmd("user", "add", "--org", "CCAS de Lyon", "--role", "chef", "--email", "x@y.fr"); code == exitOK {
		t.Error("an unknown role was accepted")
	}
	if code, _, stderr := cmd("user", "add", "--role", "person", "--person", "p7", "--email", "paul@exemple.fr"); code != exitOK {
		t.Fatalf("a person's own account: exit %d: %s", code, stderr)
	}
	if code, _, _ := cmd("user", "add", "--role", "person", "--email", "sans-personne@exemple.fr"); code == exitOK {
		t.Error("a person account without --person was accepted")
	}
	code, stdout, stderr := cmd("token", "create", "--org", "CCAS de Lyon", "--role", "agent")
	if code != exitOK {
		t.Fatalf("token create: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	token := lines[len(lines)-1]

	st, err := sqlite.Open(ctx, filepath.Join(dir, "coffre.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.UserByToken(ctx, token); err != nil || u.Role != vault.RoleAgent {
		t.Errorf("the printed token: user %+v, %v; want an agent", u, err)
	}
	if u, err := st.Authenticate(ctx, "marie@ccas-lyon.fr", "un mot de passe solide"); err != nil || u.Role != vault.RoleCaseworker {
		t.Errorf("login with COFFRE_PASSWORD: %+v, %v; want the caseworker", u, err)
	}
	if u, err := st.Authenticate(ctx, "paul@exemple.fr", "un mot de passe solide"); err != nil || u.Role != vault.RolePerson || u.PersonID != "p7" || u.OrgID != "" {
		t.Errorf("the person's login: %+v, %v; want person p7, of no organisation", u, err)
	}
}
