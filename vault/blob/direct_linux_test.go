package blob

import (
	"bytes"
	"context"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRefusedDirect plays a filesystem that refuses O_DIRECT, as some
// network and FUSE filesystems do, by answering EINVAL at open (the flags
// below are invalid together): the Dir must then write through the page
// cache, and remember it rather than fail every Put.
func TestRefusedDirect(t *testing.T) {
	defer func(flag int) { oDirect = flag }(oDirect)
	oDirect = unix.O_DIRECT | unix.O_TMPFILE
	d, _ := newDir(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("sealed"), 50_000)
	for i := range 2 {
		if err := d.Put(ctx, "doc/page-1", data[i:]); err != nil {
			t.Fatal(err)
		}
		if got, err := d.Get(ctx, "doc/page-1"); err != nil || !bytes.Equal(got, data[i:]) {
			t.Fatalf("put %d: read back %d bytes (%v)", i, len(got), err)
		}
		if !d.buffered.Load() {
			t.Fatalf("put %d: not marked buffered", i)
		}
	}
}
