package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/originals"
	"coffre/vault/seal"
	"coffre/vault/sqlite"
)

// TestKeyRotate runs `coffre key rotate` on an embedded data dir holding
// a document sealed under the current master key, from the default key
// file or from COFFRE_MASTER_KEY: afterwards the document opens with the
// new key only, which the command installed in the first case.
func TestKeyRotate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		envKey bool // the current key in COFFRE_MASTER_KEY, not DATA_DIR/master.key
	}{
		{"default key file", false},
		{"COFFRE_MASTER_KEY", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			keyFile, newKeyFile := filepath.Join(dir, "master.key"), filepath.Join(dir, "new.key")
			env := []string{"COFFRE_DATA_DIR=" + dir, "COFFRE_DATABASE_URL=", "COFFRE_BLOB_DIR=", "COFFRE_MASTER_KEY="}
			if tt.envKey {
				keyFile = filepath.Join(t.TempDir(), "current.key")
			}
			oldKey, _, err := seal.LoadOrCreateMasterKeyFile(keyFile)
			if err != nil {
				t.Fatal(err)
			}
			oldContent, _ := os.ReadFile(keyFile)
			if tt.envKey {
				env = append(env, "COFFRE_MASTER_KEY="+strings.TrimSpace(string(oldContent)))
			}
			page := []byte("recto de l'avis d'imposition")
			docID := storeDocument(t, dir, oldKey, page)

			out := coffreCmd(t, env, "key", "rotate", "--new-key-file", newKeyFile)
			if !strings.Contains(out, "1 document(s) rechiffré(s)") || !strings.Contains(out, "redémarrez") {
				t.Errorf("the command printed:\n%s\nwant 1 document rewrapped and what to do next", out)
			}

			installed := newKeyFile
			if !tt.envKey {
				installed = filepath.Join(dir, "master.key")
				if _, err := os.Stat(newKeyFile); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the new key file is still at %s: %v", newKeyFile, err)
				}
				old, err := os.ReadFile(keyFile + ".old")
				if fi, serr := os.Stat(keyFile + ".old"); err != nil || serr != nil || !bytes.Equal(old, oldContent) || fi.Mode().Perm() != 0o600 {
					t.Errorf("master.key.old: %v, %v; want the old key, mode 0600", err, serr)
				}
			}
			if fi, err := os.Stat(installed); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("new key file %s: %v; want mode 0600", installed, err)
			}
			newKey, created, err := seal.LoadOrCreateMasterKeyFile(installed)
			if err != nil || created {
				t.Fatalf("new key: created %v, %v", created, err)
			}
			for _, k := range []struct {
				name string
				key  seal.MasterKey
				err  error
			}{{"new", newKey, nil}, {"old", oldKey, seal.ErrDecrypt}} {
				got, err := loadDocument(t, dir, k.key, docID)
				if !errors.Is(err, k.err) || k.err == nil && (len(got) != 1 || !bytes.Equal(got[0], page)) {
					t.Errorf("the document with the %s key: %q, %v; want %v", k.name, got, err, k.err)
				}
			}
		})
	}
}

// TestKeyRotateMisuse: without its options, or over a previous
// rotation's old key, the command refuses and changes nothing.
func TestKeyRotateMisuse(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("COFFRE_DATA_DIR", dir)
	t.Setenv("COFFRE_DATABASE_URL", "")
	t.Setenv("COFFRE_MASTER_KEY", "")
	if err := os.WriteFile(filepath.Join(dir, "master.key.old"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"key"}, exitUsage},
		{[]string{"key", "turn"}, exitUsage},
		{[]string{"key", "rotate"}, exitUsage},
		{[]string{"key", "rotate", "--new-key-file", filepath.Join(dir, "master.key")}, exitUsage},
		{[]string{"key", "rotate", "--new-key-file", filepath.Join(dir, "new.key")}, exitFail},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tt.args, &out, &errb); code != tt.code {
			t.Errorf("coffre %v: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, errb.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused rotation created the new key file: %v", err)
	}
}

// storeDocument stores page as a document of the embedded vault in dir,
// sealed under master, as serve would, and returns its id.
func storeDocument(t *testing.T, dir string, master seal.MasterKey, page []byte) string {
	t.Helper()
	st, files := openEmbedded(t, dir, master)
	defer st.Close()
	d := &vault.Document{ID: vault.NewID(), PersonID: "p1", Queue: vault.QueueInteractive, SHA256: vault.NewID(),
		Pages: []vault.Page{{Mime: "text/plain", Size: int64(len(page))}}}
	if err := files.Save(t.Context(), d, [][]byte{page}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Create(t.Context(), d, time.Now()); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// loadDocument opens the files of document id of the embedded vault in
// dir with master.
func loadDocument(t *testing.T, dir string, master seal.MasterKey, id string) ([][]byte, error) {
	t.Helper()
	st, files := openEmbedded(t, dir, master)
	defer st.Close()
	d, err := st.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return files.Load(t.Context(), d)
}

// openEmbedded opens the embedded vault in dir and its originals under
// master.
func openEmbedded(t *testing.T, dir string, master seal.MasterKey) (*sqlite.Store, originals.Store) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "coffre.db"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, originals.Store{Blobs: blobs, Master: master}
}

// TestServicesCheckMasterKey: a process whose master key does not open
// the vault's documents refuses to start (here, its own key file created
// on a data dir whose documents were sealed under another key); with the
// vault's key, it starts.
func TestServicesCheckMasterKey(t *testing.T) {
	dir := t.TempDir()
	vaultKeyFile := filepath.Join(t.TempDir(), "vault.key")
	vaultKey, _, err := seal.LoadOrCreateMasterKeyFile(vaultKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	storeDocument(t, dir, vaultKey, []byte("recto"))
	content, err := os.ReadFile(vaultKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("COFFRE_DATA_DIR", dir)
	t.Setenv("COFFRE_DATABASE_URL", "")
	t.Setenv("COFFRE_REDIS_URL", "")
	t.Setenv("COFFRE_BLOB_DIR", "")
	for _, tt := range []struct {
		name, key string
		ok        bool
	}{
		{"a key file of its own", "", false},
		{"the vault's key", strings.TrimSpace(string(content)), true},
	} {
		t.Setenv("COFFRE_MASTER_KEY", tt.key)
		var stderr bytes.Buffer
		_, sc, ok := parseServiceArgs("serve", "", nil, &stderr, nil)
		if !ok {
			t.Fatalf("%s: %s", tt.name, stderr.String())
		}
		svc, err := openServices(t.Context(), sc, slog.New(slog.DiscardHandler))
		if err == nil {
			svc.Close()
		}
		if (err == nil) != tt.ok || err != nil && !strings.Contains(err.Error(), "n'ouvre pas les documents") {
			t.Errorf("%s: %v; want started %v", tt.name, err, tt.ok)
		}
	}
}
