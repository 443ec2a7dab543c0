//go:build !linux

package blob

import (
	"errors"
	"os"
)

// oDirect is 0 where O_DIRECT is unknown: segments are written through
// the page cache.
var oDirect = 0

func fdatasync(f *os.File) error { return f.Sync() }

// punchHole is Linux's: elsewhere a deleted blob is overwritten instead.
func punchHole(*os.File, int64, int64) error { return errors.ErrUnsupported }
