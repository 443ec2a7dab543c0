package blob

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// segmentsDir holds the segments, under the root.
const segmentsDir = "segments"

// maxBlob bounds the length a key may claim, and so what Get allocates:
// far above any upload's budget.
const maxBlob = 1 << 31

// A segment is a file that one process appends blobs to, each at an offset
// that is a multiple of align, so that its blocks are the blob's alone:
// written directly, and punched out whole when it is deleted. A blob's key
// holds its place; the segment holds nothing else, not even the blob's
// length, so that reading one needs no index.
type segment struct {
	name string
	f    *os.File
	end  int64 // where the next blob goes; guarded by the Dir's mu
	// inflight counts the Puts writing to the segment, which must be done
	// before it is closed.
	inflight sync.WaitGroup

	mu      sync.Mutex
	cond    sync.Cond
	syncing bool
	started uint64 // syncs started
	synced  uint64 // syncs finished
	err     error  // the first write or sync that failed, after which nothing is durable
	kept    bool   // a sync succeeded: some Put may have returned a key into the segment
}

// openSegment creates a new segment, and makes its name durable in the
// segments directory before any blob is acknowledged in it. d.mu is held.
func (d *Dir) openSegment() (*segment, error) {
	dir := filepath.Join(d.root, segmentsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	name := "seg-" + strings.ToLower(rand.Text())
	path := filepath.Join(dir, name)
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	f, err := os.OpenFile(path, flag|d.directFlag(), 0o600)
	if errors.Is(err, syscall.EINVAL) && d.directFlag() != 0 {
		// Some network and FUSE filesystems, and tmpfs before Linux 6.6,
		// refuse O_DIRECT.
		d.buffered = true
		f, err = os.OpenFile(path, flag, 0o600)
	}
	if err != nil {
		return nil, err
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	s := &segment{name: name, f: f}
	s.cond.L = &s.mu
	return s, nil
}

func (d *Dir) directFlag() int {
	if d.buffered {
		return 0
	}
	return oDirect
}

// write writes data at off, padded with zeros to whole blocks. A failed
// write fails the segment, as a failed sync does: a disk that fails one
// write is not trusted with the next.
func (s *segment) write(off int64, data []byte) error {
	n := int(padded(int64(len(data))))
	bp := directBuffers.Get().(*[]byte)
	if cap(*bp) < n {
		*bp = alignedBuffer(n)
	}
	buf := (*bp)[:n]
	copy(buf, data)
	clear(buf[len(data):])
	_, err := s.f.WriteAt(buf, off)
	if cap(*bp) <= maxPooled {
		directBuffers.Put(bp)
	}
	if err != nil {
		s.mu.Lock()
		s.err = cmp.Or(s.err, err)
		s.mu.Unlock()
	}
	return err
}

// sync makes every write finished before the call durable. A caller that
// arrives while a sync runs waits for the next one, which covers all the
// writes done meanwhile: uploads arriving together share one fdatasync.
func (s *segment) sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.started + 1 // a sync running now may have begun before our write
	for s.synced < want && s.err == nil {
		if s.syncing {
			s.cond.Wait()
			continue
		}
		s.syncing = true
		s.started++
		s.mu.Unlock()
		err := fdatasync(s.f)
		s.mu.Lock()
		s.syncing = false
		s.synced++
		if err != nil {
			// After a failed fdatasync the kernel may have dropped the
			// writes it could not make: no later sync vouches for them.
			s.err = fmt.Errorf("fdatasync: %w", err)
		} else if s.err == nil {
			s.kept = true
		}
		s.cond.Broadcast()
	}
	return s.err
}

// failed reports whether a write or a sync failed, after which the
// segment takes no more blobs.
func (s *segment) failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

// close closes the segment's file once the Puts in it are done, and
// removes it if it holds no blob: on a full disk, each upload that fails
// would otherwise leave a new empty segment behind.
func (s *segment) close() error {
	s.inflight.Wait()
	err := s.f.Close()
	if !s.kept {
		err = errors.Join(err, os.Remove(s.f.Name()))
	}
	return err
}

// location is where a blob lies: its key says it as
// "segments/<segment>/<offset>/<length>".
type location struct {
	segment     string
	off, length int64
}

func (l location) key() string {
	return segmentsDir + "/" + l.segment + "/" + strconv.FormatInt(l.off, 10) + "/" + strconv.FormatInt(l.length, 10)
}

// parseKey reads a segment key; ok is false for any other key.
func parseKey(key string) (l location, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != segmentsDir || !validSegmentName(parts[1]) {
		return l, false
	}
	off, err1 := strconv.ParseInt(parts[2], 10, 64)
	length, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || off < 0 || off%align != 0 || length < 0 || length > maxBlob {
		return l, false
	}
	return location{parts[1], off, length}, true
}

// validSegmentName accepts the names openSegment makes: "seg-" and
// lower-case base32, which cannot lead out of the segments directory.
func validSegmentName(name string) bool {
	rest, ok := strings.CutPrefix(name, "seg-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range []byte(rest) {
		if !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

func (d *Dir) segmentPath(l location) string {
	return filepath.Join(d.root, segmentsDir, l.segment)
}

// read reads the blob at l. A blob whose bytes all read zero was deleted
// (erase leaves zeros): the sealed blobs kept here never are.
func (d *Dir) read(l location) ([]byte, error) {
	f, err := os.Open(d.segmentPath(l))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, l.length)
	if _, err := f.ReadAt(b, l.off); errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("segment %s ends before the blob: %w", l.segment, ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	if l.length > 0 && allZero(b) {
		return nil, ErrNotFound
	}
	return b, nil
}

var zeroBlock [align]byte

func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), align)
		if !bytes.Equal(b[:n], zeroBlock[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// erase frees the blocks of the blob at l, so that its bytes are gone from
// the segment; where the filesystem cannot punch holes, they are
// overwritten with zeros, which frees no space.
func (d *Dir) erase(l location) error {
	f, err := os.OpenFile(d.segmentPath(l), os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	n := padded(l.length)
	err = punchHole(f, l.off, n)
	if errors.Is(err, errors.ErrUnsupported) {
		_, err = f.WriteAt(make([]byte, n), l.off)
	}
	if err == nil {
		err = fdatasync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// padded is n rounded up to whole blocks: the room a blob of n bytes takes.
func padded(n int64) int64 { return (n + align - 1) &^ (align - 1) }
