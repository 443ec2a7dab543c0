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
	doc := &vault.Document{ID: "doc1", Pages: make([]vault.Page, 2)}
	if err := s.Save(ctx, doc, files); err != nil {
		t.Fatal(err)
	}
	if doc.Pages[0].Blob == "" || doc.Pages[0].Blob == doc.Pages[1].Blob {
		t.Fatalf("blob keys %q, %q: want two distinct keys", doc.Pages[0].Blob, doc.Pages[1].Blob)
	}
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
	other := &vault.Document{ID: "doc2", Pages: make([]vault.Page, 1)}
	if err := s.Save(ctx, other, files[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.File(ctx, &vault.Document{ID: "doc1", Pages: doc.Pages, WrappedKey: other.WrappedKey}, 1); !errors.Is(err, seal.ErrDecrypt) {
		t.Errorf("doc2's key on doc1: err %v, want ErrDecrypt", err)
	}
}

// TestShredDelete: once its wrapped key is emptied (what the vault's
// Delete commits first), a document's files no longer open, blobs still
// there or not; Delete then removes them, and again without error.
func TestShredDelete(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	doc := &vault.Document{ID: "doc1", Pages: make([]vault.Page, 2)}
	if err := s.Save(ctx, doc, [][]byte{[]byte("recto"), []byte("verso")}); err != nil {
		t.Fatal(err)
	}
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
}

// TestEarlierLayout: a document stored when each page was a file named
// after the document (its pages have no blob key) still opens, and its
// files are deleted with it.
func TestEarlierLayout(t *testing.T) {
	s, root := newStore(t)
	ctx := context.Background()
	dk, err := seal.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	doc := &vault.Document{ID: "ab12cd", Pages: make([]vault.Page, 1)}
	if doc.WrappedKey, err = s.Master.Wrap(dk, doc.ID); err != nil {
		t.Fatal(err)
	}
	sealed, err := dk.Seal(nil, []byte("recto"), aad(doc.ID, 1))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "ab", "ab12cd-1")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := s.File(ctx, doc, 1); err != nil || string(got) != "recto" {
		t.Fatalf("File: %q, %v", got, err)
	}
	if err := s.Delete(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file left after Delete: %v", err)
	}
}

// failingBlobs fails every Put after the first ok ones, and keeps the
// keys of those.
type failingBlobs struct {
	blob.Store
	ok   int
	keys []string
}

func (f *failingBlobs) Put(ctx context.Context, data []byte) (string, error) {
	if len(f.keys) == f.ok {
		return "", errors.New("disk full")
	}
	key, err := f.Store.Put(ctx, data)
	f.keys = append(f.keys, key)
	return key, err
}

// TestSaveFailsCleanly: a page that cannot be stored fails the Save, and
// the pages stored before it are deleted, not left sealed for ever.
func TestSaveFailsCleanly(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	fb := &failingBlobs{Store: s.Blobs, ok: 1}
	s.Blobs = fb
	doc := &vault.Document{ID: "doc1", Pages: make([]vault.Page, 2)}
	if err := s.Save(ctx, doc, [][]byte{[]byte("recto"), []byte("verso")}); err == nil {
		t.Fatal("Save with the second page failing: no error")
	}
	if doc.Pages[0].Blob != "" || doc.WrappedKey != nil {
		t.Errorf("after a failed Save: page 1 key %q, wrapped key %d bytes; want none", doc.Pages[0].Blob, len(doc.WrappedKey))
	}
	if len(fb.keys) != 1 {
		t.Fatalf("%d pages stored, want 1", len(fb.keys))
	}
	if _, err := fb.Store.Get(ctx, fb.keys[0]); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("page 1 after a failed Save: %v, want blob.ErrNotFound", err)
	}
}
