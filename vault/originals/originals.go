// Package originals keeps the files of documents, sealed at rest: it joins
// the blob store (vault/blob) and the envelope keys (vault/seal), so that
// no other code handles a key. Each document has its own data key,
// stored in the database wrapped by the master key.
package originals

import (
	"context"
	"fmt"
	"sync"

	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/seal"
)

// Store saves and loads documents' files.
type Store struct {
	Blobs  blob.Store
	Master seal.MasterKey
}

// sealBuffers hold pages being sealed, for the uploads to come once they
// are stored: a new buffer per photo was 44 % of the memory an upload
// allocated, all of it for the garbage collector.
var sealBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooled is the largest seal buffer kept: a phone photo fits, a 50 MB
// scan need not keep its memory.
const maxPooled = 8 << 20

// Save seals files, the pages of doc, under a new data key and stores
// them durably. It sets the key of each page's blob in doc.Pages and the
// data key, wrapped by the master key, in doc.WrappedKey: the document's
// record keeps both. If a page fails, the pages stored before it are
// deleted again.
func (s Store) Save(ctx context.Context, doc *vault.Document, files [][]byte) (err error) {
	if len(files) != len(doc.Pages) {
		return fmt.Errorf("originals: %d files for %d pages", len(files), len(doc.Pages))
	}
	dk, err := seal.NewDataKey()
	if err != nil {
		return fmt.Errorf("originals: %w", err)
	}
	defer func() {
		if err != nil {
			s.deleteStored(ctx, doc)
		}
	}()
	buf := sealBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxPooled {
			sealBuffers.Put(buf)
		}
	}()
	for i, f := range files {
		if *buf, err = dk.Seal((*buf)[:0], f, aad(doc.ID, i+1)); err != nil {
			return fmt.Errorf("originals: seal file %d: %w", i+1, err)
		}
		if doc.Pages[i].Blob, err = s.Blobs.Put(ctx, *buf); err != nil {
			return fmt.Errorf("originals: store file %d: %w", i+1, err)
		}
	}
	doc.WrappedKey, err = s.Master.Wrap(dk, doc.ID)
	return err
}

// deleteStored deletes what Save stored of doc before it failed: nothing
// refers to those blobs, and one left would keep a page, sealed, for ever.
func (s Store) deleteStored(ctx context.Context, doc *vault.Document) {
	for i := range doc.Pages {
		if doc.Pages[i].Blob != "" {
			s.Blobs.Delete(context.WithoutCancel(ctx), doc.Pages[i].Blob)
			doc.Pages[i].Blob = ""
		}
	}
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
	sealed, err := s.Blobs.Get(ctx, blobKey(doc, n))
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
		if err := s.Blobs.Delete(ctx, blobKey(doc, i+1)); err != nil {
			return fmt.Errorf("originals: delete file %d of %s: %w", i+1, doc.ID, err)
		}
	}
	return nil
}

// blobKey is the key of page n's blob: the one the blob store chose, or
// for a document stored before it chose them, the key it was given then.
func blobKey(doc *vault.Document, n int) string {
	if k := doc.Pages[n-1].Blob; k != "" {
		return k
	}
	return fmt.Sprintf("%.2s/%s-%d", doc.ID, doc.ID, n)
}

// aad binds a sealed file to its place: a file moved to another document
// or position does not open.
func aad(docID string, n int) string { return fmt.Sprintf("%s/file/%d", docID, n) }
