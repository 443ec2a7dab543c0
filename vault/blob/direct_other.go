//go:build !linux

package blob

import "os"

// oDirect is 0 where O_DIRECT is unknown: files are written through the
// page cache.
var oDirect = 0

// endDirect has nothing to turn off: writeDirect is never called here.
func endDirect(*os.File) error { return nil }
