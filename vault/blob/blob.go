// Package blob stores the bytes of coffre's originals (each page, already
// sealed by vault/seal: nothing here encrypts) behind a small interface, so
// that object storage can replace the local directory later.
//
// Dir, the directory store, acknowledges a Put only once the bytes are on
// disk: an upload the user saw succeed must survive a power cut.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// ErrNotFound means no blob has the key; it is returned wrapped, test with
// errors.Is.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs under keys it chooses.
type Store interface {
	// Put stores data durably and returns the key that reads it back. It
	// keeps no reference to data.
	Put(ctx context.Context, data []byte) (key string, err error)
	// Get returns the blob, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes the blob; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Dir is a Store in a directory that every process of a vault mounts. Each
// process appends its blobs to a segment file of its own (segments/seg-…,
// see segment.go), and a blob's key says where it lies: which segment, at
// which offset, how long. Deleting a blob punches its bytes out of the
// segment, which frees their space.
//
// A file per blob cost an upload the creation of a file, a rename and two
// fsyncs (the file's and its directory's). On an ext4 without a journal,
// as on the development VM, creating a file also searches past every inode
// freed in the last minutes: 0.1-0.6 ms of processor time per upload,
// varying with what the machine deleted before. Appending to a segment
// creates nothing, and uploads arriving together share one fdatasync.
//
// Blobs stored one file per key by earlier versions (keys such as
// "ab/ab12…-1") are still read and deleted; none is written any more.
type Dir struct {
	root string
	// segmentSize is the size past which a new segment is started.
	segmentSize int64

	mu  sync.Mutex
	cur *segment // the segment Put appends to; nil until the first Put
	// buffered is set once the filesystem refused O_DIRECT (see write.go).
	buffered bool
}

var _ Store = (*Dir)(nil)

// defaultSegmentSize bounds a segment: some 4,000 phone photos, few enough
// files for any directory, small enough to copy.
const defaultSegmentSize = 1 << 30

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
	if err := os.MkdirAll(filepath.Join(root, segmentsDir), 0o700); err != nil {
		return nil, fmt.Errorf("blob: create root: %w", err)
	}
	return &Dir{root: root, segmentSize: defaultSegmentSize}, nil
}

// Close closes the segment being appended to, once its Puts are done.
// Get and Delete still work after; Put opens a new segment.
func (d *Dir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur == nil {
		return nil
	}
	err := d.cur.close()
	d.cur = nil
	return err
}

// Put appends data to this process's segment and returns its key once
// the bytes are on disk.
func (d *Dir) Put(ctx context.Context, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("blob: put: %w", err)
	}
	seg, off, err := d.reserve(int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("blob: put: %w", err)
	}
	defer seg.inflight.Done()
	if err := seg.write(off, data); err != nil {
		return "", fmt.Errorf("blob: put in %s: %w", seg.name, err)
	}
	if err := seg.sync(); err != nil {
		return "", fmt.Errorf("blob: put in %s: %w", seg.name, err)
	}
	return location{seg.name, off, int64(len(data))}.key(), nil
}

// reserve sets aside room for n bytes in the current segment, starting a
// new one when there is none, it is full, or its disk failed it. The
// caller must call the segment's inflight.Done once its Put is over.
func (d *Dir) reserve(n int64) (*segment, int64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur != nil && (d.cur.failed() || d.cur.end > 0 && d.cur.end+padded(n) > d.segmentSize) {
		go d.cur.close() // once the Puts in flight in it are done
		d.cur = nil
	}
	if d.cur == nil {
		seg, err := d.openSegment()
		if err != nil {
			return nil, 0, err
		}
		d.cur = seg
	}
	off := d.cur.end
	d.cur.end += padded(n)
	d.cur.inflight.Add(1)
	return d.cur, off, nil
}

// Get returns the blob stored under key.
func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: get %q: %w", key, err)
	}
	if loc, ok := parseKey(key); ok {
		b, err := d.read(loc)
		if err != nil {
			return nil, fmt.Errorf("blob: get %q: %w", key, err)
		}
		return b, nil
	}
	if err := validFileKey(key); err != nil {
		return nil, err
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

// Delete removes the blob under key. Deleting a missing key succeeds: a
// retried delete must not fail.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	if loc, ok := parseKey(key); ok {
		if err := d.erase(loc); err != nil {
			return fmt.Errorf("blob: delete %q: %w", key, err)
		}
		return nil
	}
	if err := validFileKey(key); err != nil {
		return err
	}
	if err := d.deleteFile(key); err != nil {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	return nil
}

// validFileKey accepts the keys of blobs stored one file per key, which
// can only name a file under the root: no absolute path, no empty, "." or
// ".." segment, no segment starting with ".".
func validFileKey(key string) error {
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

// deleteFile removes a blob stored as a file, then the parent directories
// it leaves empty, so that deleted documents leave no trace of their ids.
func (d *Dir) deleteFile(key string) error {
	name := d.path(key)
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		err = os.Remove(name)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// Prune upwards; os.Remove refuses a non-empty directory.
	dir := filepath.Dir(name)
	for dir != d.root && os.Remove(dir) == nil {
		dir = filepath.Dir(dir)
	}
	// A concurrent Delete of a sibling may have pruned dir already.
	if err := syncDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
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
