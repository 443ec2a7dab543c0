package vaulttest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/originals"
	"coffre/vault/seal"
)

// rotation is a vault whose documents' keys are wrapped under old: a few
// with their files sealed in a blob store, enough others (their keys
// only) that Rewrap needs two batches, a duplicate with a key of its
// own, and a document without a key (as a deleted one's is).
type rotation struct {
	old, new seal.MasterKey
	blobs    blob.Store
	files    map[string][]byte // the documents with files: their one page
	keyed    []string          // every document with a key, in id order
	keyless  string
}

// masterKey returns a new random master key.
func masterKey(t *testing.T) seal.MasterKey {
	t.Helper()
	k, _, err := seal.LoadOrCreateMasterKeyFile(filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyedDoc returns a document of person with content and its own data
// key wrapped under m.
func keyedDoc(t *testing.T, m seal.MasterKey, person, content string) *vault.Document {
	t.Helper()
	d := docOf(person, content)
	d.ID = vault.NewID()
	dk, err := seal.NewDataKey()
	if err == nil {
		d.WrappedKey, err = m.Wrap(dk, d.ID)
	}
	if err != nil {
		t.Error(err)
	}
	return d
}

func newRotation(t *testing.T, s vault.Store) *rotation {
	t.Helper()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &rotation{old: masterKey(t), new: masterKey(t), blobs: blobs, files: map[string][]byte{}}
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	// Created at once, so that the stores batch them.
	for i := range vault.RewrapBatch + 3 {
		wg.Go(func() {
			d := keyedDoc(t, r.old, "p1", vault.NewID())
			var page []byte
			if i < 3 {
				page = fmt.Appendf(nil, "page %d", i)
				d.Pages = d.Pages[:1]
				if err := (originals.Store{Blobs: blobs, Master: r.old}).Save(t.Context(), d, [][]byte{page}); err != nil {
					t.Error(err)
				}
			}
			if _, _, err := s.Create(t.Context(), d, at(0)); err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			r.keyed = append(r.keyed, d.ID)
			if page != nil {
				r.files[d.ID] = page
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	original := create(t, s, keyedDoc(t, r.old, "p2", "same pages"), at(1))
	dup := keyedDoc(t, r.old, "p2", "same pages")
	if _, created, err := s.Create(t.Context(), dup, at(1)); err != nil || created {
		t.Fatalf("Create(duplicate) = created %v, %v", created, err)
	}
	keyless := keyedDoc(t, r.old, "p2", "no key")
	keyless.WrappedKey = nil
	r.keyless = create(t, s, keyless, at(1)).ID
	r.keyed = append(r.keyed, original.ID, dup.ID)
	slices.Sort(r.keyed)
	return r
}

// rewrap is the rotation from old to new.
func (r *rotation) rewrap(docID string, wrapped []byte) ([]byte, error) {
	return seal.Rewrap(r.old, r.new, wrapped, docID)
}

// check verifies that the keys of ids are under the new key only, and
// that the files of those that have some open with it, and not with the
// old one.
func (r *rotation) check(t *testing.T, s vault.Store, ids []string) {
	t.Helper()
	for _, id := range ids {
		d := get(t, s, id)
		if _, err := r.new.Unwrap(d.WrappedKey, id); err != nil {
			t.Errorf("key of %s under the new master key: %v", id, err)
		}
		if _, err := r.old.Unwrap(d.WrappedKey, id); !errors.Is(err, seal.ErrDecrypt) {
			t.Errorf("key of %s under the old master key: %v, want ErrDecrypt", id, err)
		}
		page, ok := r.files[id]
		if !ok {
			continue
		}
		got, err := originals.Store{Blobs: r.blobs, Master: r.new}.Load(t.Context(), d)
		if err != nil || len(got) != 1 || string(got[0]) != string(page) {
			t.Errorf("files of %s with the new master key: %q, %v; want %q", id, got, err, page)
		}
		if _, err := (originals.Store{Blobs: r.blobs, Master: r.old}).Load(t.Context(), d); !errors.Is(err, seal.ErrDecrypt) {
			t.Errorf("files of %s with the old master key: %v, want ErrDecrypt", id, err)
		}
	}
}

// testRewrap: after a rotation every document's files open with the new
// master key and not with the old; a document without a key keeps none.
func testRewrap(t *testing.T, s vault.Store) {
	r := newRotation(t, s)
	var seen []string
	n, err := s.Rewrap(t.Context(), func(docID string, wrapped []byte) ([]byte, error) {
		seen = append(seen, docID)
		return r.rewrap(docID, wrapped)
	})
	if err != nil || n != len(r.keyed) {
		t.Fatalf("Rewrap = %d, %v; want %d", n, err, len(r.keyed))
	}
	if !slices.Equal(seen, r.keyed) {
		t.Errorf("Rewrap called rewrap for %d documents, want the %d with a key, once each, in id order", len(seen), len(r.keyed))
	}
	r.check(t, s, r.keyed)
	if d := get(t, s, r.keyless); len(d.WrappedKey) != 0 {
		t.Errorf("document without a key got one: %x", d.WrappedKey)
	}
}

// testRewrapFailure: a failure keeps the batches committed before it,
// and Rewrap again finishes the work.
func testRewrapFailure(t *testing.T, s vault.Store) {
	r := newRotation(t, s)
	last := r.keyed[len(r.keyed)-1] // in the second batch
	for _, tt := range []struct {
		name string
		fail error
		want int
	}{
		{"rewrap failing", errors.New("out of luck"), vault.RewrapBatch},
		{"rewrap returning no key", nil, vault.RewrapBatch},
	} {
		n, err := s.Rewrap(t.Context(), func(docID string, wrapped []byte) ([]byte, error) {
			if docID == last {
				return nil, tt.fail
			}
			return r.rewrap(docID, wrapped)
		})
		if err == nil || n != tt.want || (tt.fail != nil && !errors.Is(err, tt.fail)) {
			t.Errorf("Rewrap, %s = %d, %v; want %d and its error", tt.name, n, err, tt.want)
		}
		r.check(t, s, r.keyed[:vault.RewrapBatch])
		if d := get(t, s, last); len(d.WrappedKey) == 0 {
			t.Fatalf("Rewrap, %s, emptied a key", tt.name)
		}
	}
	if n, err := s.Rewrap(t.Context(), r.rewrap); err != nil || n != len(r.keyed) {
		t.Fatalf("Rewrap again = %d, %v; want %d", n, err, len(r.keyed))
	}
	r.check(t, s, r.keyed)
}

// testAnyKey: AnyKey finds no key in a vault without one, and then one of
// the keys, with its document.
func testAnyKey(t *testing.T, s vault.Store) {
	if _, _, err := s.AnyKey(t.Context()); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("AnyKey of an empty vault: %v, want ErrNotFound", err)
	}
	r := newRotation(t, s)
	id, wrapped, err := s.AnyKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.keyed, id) {
		t.Fatalf("AnyKey gave %q, not a document with a key", id)
	}
	if _, err := r.old.Unwrap(wrapped, id); err != nil {
		t.Errorf("AnyKey's key of %s does not open: %v", id, err)
	}
}
