package blob

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestRefusedDirect plays a filesystem that refuses O_DIRECT, as some
// network and FUSE filesystems do, by answering EINVAL at open (the flags
// below are invalid together): the Dir must then write through the page
// cache, and remember it rather than fail every segment.
func TestRefusedDirect(t *testing.T) {
	defer func(flag int) { oDirect = flag }(oDirect)
	oDirect = unix.O_DIRECT | unix.O_TMPFILE
	d, _ := newDir(t)
	for i := range 2 {
		data := pattern(300_000+i, i)
		wantBlob(t, d, put(t, d, data), data)
		if !d.buffered {
			t.Fatalf("put %d: not marked buffered", i)
		}
		d.Close() // the next Put opens a segment again
	}
}
