package blob

import (
	"sync"
	"unsafe"
)

// Segments are written with O_DIRECT where the system and filesystem allow
// it (Linux; tmpfs before Linux 6.6 refuses it): the bytes go from memory
// to the disk, not through the page cache. On the development VM, copying
// an uploaded photo into newly allocated page-cache pages was a quarter
// of all the processor time of an upload, as the hypervisor backs each
// new page on first touch; written directly, a 260 kB file cost 0.23-0.29
// ms of processor time instead of 0.68-0.98 ms. An original is read once
// by a worker and then rarely: caching it would only evict the database's
// pages.

// align is what O_DIRECT asks of buffers, offsets and lengths: a multiple
// of the disk's logical block, 512 or 4096 bytes.
const align = 4096

// maxPooled is the largest aligned buffer kept for the next write: a
// phone photo fits, a 50 MB scan need not keep its memory.
const maxPooled = 8 << 20

var directBuffers = sync.Pool{New: func() any { return new([]byte) }}

// alignedBuffer returns n bytes starting on an align boundary; Go gives
// no way to ask an allocation for one, so it takes a slice of a larger one.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+align)
	skip := -int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) & (align - 1)
	return b[skip : skip+n : skip+n]
}
