// Package blob stores the bytes of coffre's originals (each page, already
// sealed by vault/seal: nothing here encrypts) behind a small interface, so
// that object storage can replace the local directory later.
//
// Dir, the directory store, acknowledges a Put only once the bytes and
// their directory entries are on disk: an upload the user saw succeed must
// survive a power cut.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
)

// ErrNotFound means no blob has the key; it is returned wrapped, test with
// errors.Is.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs by key. Keys are slash-separated paths of [a-z0-9_.-]
// segments, such as "ab12…/page-1".
type Store interface {
	// Put stores data under key, replacing any previous blob.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the blob, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes the blob; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Dir is a Store of files under a root directory, one file per key.
type Dir struct {
	root string
	// buffered is set once the filesystem refused O_DIRECT (see write.go).
	buffered atomic.Bool
}

var _ Store = (*Dir)(nil)

// NewDir returns a Dir rooted at root, creating it with mode 0700 if
// needed: the files are sealed, but their names and sizes are nobody
// else's business either.
func NewDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("blob: empty root directory")
	}
	// Absolute and clean, so that Delete's pruning recognises the root
	// and stops there, whatever the working directory becomes.
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob: root: %w", err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create root: %w", err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("blob: root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("blob: root %s is not a directory", root)
	}
	return &Dir{root: root}, nil
}

// validKey accepts keys that can only name a file under the root: no
// absolute path, no empty, "." or ".." segment. Segments may not start
// with "." at all, which also keeps keys clear of Put's temporary files.
func validKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("blob: invalid key of %d bytes", len(key))
	}
	for _, c := range []byte(key) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("/_.-", c) >= 0) {
			return fmt.Errorf("blob: invalid key %q: only a-z 0-9 / _ . - are allowed", key)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("blob: invalid key %q: empty segment or segment starting with '.'", key)
		}
	}
	return nil
}

func (d *Dir) path(key string) string { return filepath.Join(d.root, filepath.FromSlash(key)) }

// Put writes data durably: a temporary file in the final directory is
// written and fsynced, renamed over the final name (so readers see the old
// blob or the new one, never a part), and the directory is fsynced so the
// rename itself survives a crash.
func (d *Dir) Put(ctx context.Context, key string, data []byte) error {
	if err := validKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: put %q: %w", key, err)
	}
	name := d.path(key)
	dir := filepath.Dir(name)
	tmp, err := d.write(dir, name, data)
	if err != nil {
		return fmt.Errorf("blob: put %q: %w", key, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("blob: put %q: %w", key, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("blob: put %q: %w", key, err)
	}
	return nil
}

// mkdirs makes the key's parent directories (0700) below the root, and
// fsyncs the parent of each one it makes, so that the new file's path is
// as durable as the file.
func (d *Dir) mkdirs(dir string) error {
	rel, err := filepath.Rel(d.root, dir)
	if err != nil || rel == "." {
		return err
	}
	cur := d.root
	for seg := range strings.SplitSeq(rel, string(filepath.Separator)) {
		parent := cur
		cur = filepath.Join(cur, seg)
		if err := os.Mkdir(cur, 0o700); errors.Is(err, fs.ErrExist) {
			continue
		} else if err != nil {
			return err
		}
		if err := syncDir(parent); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the blob stored under key.
func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	if err := validKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: get %q: %w", key, err)
	}
	b, err := os.ReadFile(d.path(key))
	if err != nil {
		// A key naming a directory ("ab12" when "ab12/page-1" exists) or
		// going through a file ("ab12/page-1/x") is no blob either.
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("blob: get %q: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("blob: get %q: %w", key, err)
	}
	return b, nil
}

// Delete removes the blob under key, then the parent directories it leaves
// empty, so that deleted documents leave no trace of their ids behind.
// Deleting a missing key succeeds: a retried delete must not fail.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	name := d.path(key)
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		err = os.Remove(name)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	// Prune upwards; os.Remove refuses a non-empty directory, so a blob
	// being Put alongside is never lost, and failing here is harmless.
	dir := filepath.Dir(name)
	for dir != d.root && os.Remove(dir) == nil {
		dir = filepath.Dir(dir)
	}
	// A concurrent Delete of a sibling may have pruned dir already.
	if err := syncDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
