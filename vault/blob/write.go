package blob

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"unsafe"
)

// Files are written with O_DIRECT where the system and filesystem allow it
// (Linux; tmpfs before Linux 6.6 refuses it): the bytes go from memory to the
// disk, not through the page cache. On the development VM, copying an
// uploaded photo into newly allocated page-cache pages was a quarter of
// all the processor time of an upload, as the hypervisor backs each new
// page on first touch; written directly, a 260 kB file cost 0.23-0.29 ms
// of processor time instead of 0.68-0.98 ms. An original is read once by
// a worker and then rarely: caching it would only evict the database's
// pages.

// align is what O_DIRECT asks of buffers, offsets and lengths: a multiple
// of the disk's logical block, 512 or 4096 bytes.
const align = 4096

// maxPooled is the largest aligned buffer kept for the next write: a
// phone photo fits, a 50 MB scan need not keep its memory.
const maxPooled = 8 << 20

var directBuffers = sync.Pool{New: func() any { return new([]byte) }}

// write writes data to a new temporary file next to name, fsynced, and
// returns its path.
func (d *Dir) write(dir, name string, data []byte) (string, error) {
	if oDirect != 0 && !d.buffered.Load() {
		tmp, err := d.writeTemp(dir, name, data, true)
		if !errors.Is(err, syscall.EINVAL) {
			return tmp, err
		}
		d.buffered.Store(true)
	}
	return d.writeTemp(dir, name, data, false)
}

func (d *Dir) writeTemp(dir, name string, data []byte, direct bool) (string, error) {
	flag := 0
	if direct {
		flag = oDirect
	}
	f, err := d.createTemp(dir, name, flag)
	if err != nil {
		return "", err
	}
	if direct {
		err = writeDirect(f, data)
	} else {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// createTemp creates a temporary file (0600) for name in dir. The
// directory is made only when missing: most puts go to one that exists,
// and a Mkdir that fails costs a syscall under the directory's lock for
// every upload. A concurrent Delete may prune a directory we just made
// before the file lands in it; making it again is all it takes.
func (d *Dir) createTemp(dir, name string, flag int) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		tmp := filepath.Join(dir, "."+filepath.Base(name)+".tmp-"+rand.Text())
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|flag, 0o600)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return nil, err
		}
		if err := d.mkdirs(dir); err != nil {
			return nil, err
		}
	}
}

// writeDirect writes data to f, opened with O_DIRECT: its whole blocks
// straight from an aligned buffer, then the last, partial block through
// the page cache, O_DIRECT turned off. Writing that block padded and
// cutting the file back made ext4 read it from the disk again, to zero
// what the cut left in it: a read for every upload, and a wait.
func writeDirect(f *os.File, data []byte) error {
	n := len(data) &^ (align - 1)
	if n > 0 {
		bp := directBuffers.Get().(*[]byte)
		if cap(*bp) < n {
			*bp = alignedBuffer(n)
		}
		buf := (*bp)[:n]
		copy(buf, data)
		_, err := f.Write(buf)
		if cap(*bp) <= maxPooled {
			directBuffers.Put(bp)
		}
		if err != nil {
			return err
		}
	}
	if n == len(data) {
		return nil
	}
	if err := endDirect(f); err != nil {
		return err
	}
	_, err := f.Write(data[n:])
	return err
}

// alignedBuffer returns n bytes starting on an align boundary; Go gives
// no way to ask an allocation for one, so it takes a slice of a larger one.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+align)
	skip := -int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) & (align - 1)
	return b[skip : skip+n : skip+n]
}
