// Package originals keeps the files of documents, sealed at rest: it joins
// the blob store (vault/blob) and the envelope keys (vault/seal), so that
// no other code handles a key. Each document has its own data key,
// stored in the database wrapped by the master key.
package originals

import (
	"context"
	"fmt"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/seal"
)

// Store saves and loads documents' files.
type Store struct {
	Blobs  blob.Store
	Master seal.MasterKey
}

// Save seals the files of document docID under a new data key and stores
// them durably; it returns the data key wrapped by the master key, to be
// kept with the document.
func (s Store) Save(ctx context.Context, docID string, files [][]byte) (wrappedKey []byte, err error) {
	dk, err := seal.NewDataKey()
	if err != nil {
		return nil, fmt.Errorf("originals: %w", err)
	}
	for i, f := range files {
		sealed, err := dk.Seal(f, aad(docID, i+1))
		if err != nil {
			return nil, fmt.Errorf("originals: seal file %d: %w", i+1, err)
		}
		if err := s.Blobs.Put(ctx, key(docID, i+1), sealed); err != nil {
			return nil, fmt.Errorf("originals: store file %d: %w", i+1, err)
		}
	}
	return s.Master.Wrap(dk, docID)
}

// Load returns every file of doc, opened.
func (s Store) Load(ctx context.Context, doc *vault.Document) ([][]byte, error) {
	files := make([][]byte, len(doc.Pages))
	for i := range doc.Pages {
		f, err := s.File(ctx, doc, i+1)
		if err != nil {
			return nil, err
		}
		files[i] = f
	}
	return files, nil
}

// File returns file n (from 1) of doc, opened.
func (s Store) File(ctx context.Context, doc *vault.Document, n int) ([]byte, error) {
	if n < 1 || n > len(doc.Pages) {
		return nil, fmt.Errorf("originals: %s has no file %d: %w", doc.ID, n, vault.ErrNotFound)
	}
	dk, err := s.Master.Unwrap(doc.WrappedKey, doc.ID)
	if err != nil {
		return nil, fmt.Errorf("originals: key of %s: %w", doc.ID, err)
	}
	sealed, err := s.Blobs.Get(ctx, key(doc.ID, n))
	if err != nil {
		return nil, fmt.Errorf("originals: file %d of %s: %w", n, doc.ID, err)
	}
	f, err := dk.Open(sealed, aad(doc.ID, n))
	if err != nil {
		return nil, fmt.Errorf("originals: open file %d of %s: %w", n, doc.ID, err)
	}
	return f, nil
}

// Delete removes the files of doc, a document the vault deleted (its key
// is already shredded: this frees the space). Files already gone are no
// error, so that a delete interrupted can be done again.
func (s Store) Delete(ctx context.Context, doc *vault.Document) error {
	for i := range doc.Pages {
		if err := s.Blobs.Delete(ctx, key(doc.ID, i+1)); err != nil {
			return fmt.Errorf("originals: delete file %d of %s: %w", i+1, doc.ID, err)
		}
	}
	return nil
}

// key shards files by the first two characters of their document id, so
// that most uploads add a file to an existing directory: a new directory
// costs one more fsync, of its parent.
func key(docID string, n int) string { return fmt.Sprintf("%.2s/%s-%d", docID, docID, n) }

// aad binds a sealed file to its place: a file moved to another document
// or position does not open.
func aad(docID string, n int) string { return fmt.Sprintf("%s/file/%d", docID, n) }
