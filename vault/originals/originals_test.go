package originals

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/seal"
)

func newStore(t *testing.T) (Store, string) {
	t.Helper()
	dir := t.TempDir()
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	master, _, err := seal.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	return Store{Blobs: blobs, Master: master}, filepath.Join(dir, "blobs")
}

func TestSaveLoad(t *testing.T) {
	s, root := newStore(t)
	ctx := context.Background()
	files := [][]byte{[]byte("RECTO avis d'impôt 2025"), []byte("VERSO numéro fiscal")}
	wrapped, err := s.Save(ctx, "doc1", files)
	if err != nil {
		t.Fatal(err)
	}
	doc := &vault.Document{ID: "doc1", Pages: make([]vault.Page, 2), WrappedKey: wrapped}
	got, err := s.Load(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		if !bytes.Equal(got[i], files[i]) {
			t.Errorf("file %d = %q, want %q", i+1, got[i], files[i])
		}
	}
	// At rest, nothing of the plaintext.
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte("avis")) || bytes.Contains(b, []byte("fiscal")) {
				t.Errorf("%s holds plaintext", p)
			}
		}
		return nil
	})
	if _, err := s.File(ctx, doc, 3); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("file 3 of 2: err %v, want ErrNotFound", err)
	}
	// Another document's key does not open these files.
	other, err := s.Save(ctx, "doc2", files[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.File(ctx, &vault.Document{ID: "doc1", Pages: doc.Pages, WrappedKey: other}, 1); !errors.Is(err, seal.ErrDecrypt) {
		t.Errorf("doc2's key on doc1: err %v, want ErrDecrypt", err)
	}
}

// TestShredDelete: once its wrapped key is emptied (what the vault's
// Delete commits first), a document's files no longer open, blobs still
// there or not; Delete then removes them, and again without error.
func TestShredDelete(t *testing.T) {
	s, root := newStore(t)
	ctx := context.Background()
	wrapped, err := s.Save(ctx, "doc1", [][]byte{[]byte("recto"), []byte("verso")})
	if err != nil {
		t.Fatal(err)
	}
	doc := &vault.Document{ID: "doc1", Pages: make([]vault.Page, 2), WrappedKey: wrapped}
	shredded := &vault.Document{ID: doc.ID, Pages: doc.Pages}
	if _, err := s.Load(ctx, shredded); !errors.Is(err, seal.ErrDecrypt) {
		t.Errorf("Load with the key shredded: err %v, want ErrDecrypt", err)
	}
	for i := range 2 {
		if err := s.Delete(ctx, shredded); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if _, err := s.Load(ctx, doc); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Load after Delete, with the key: err %v, want blob.ErrNotFound", err)
	}
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != 0 {
		t.Errorf("blob directory after Delete: %d entries, %v; want none", len(entries), err)
	}
}
