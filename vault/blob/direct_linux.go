package blob

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// oDirect is a variable only so that a test can play a filesystem refusing it.
var oDirect = syscall.O_DIRECT

// fdatasync flushes f's data, and the size that reads it: not its times.
func fdatasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fdatasync(int(fd)) }); err != nil {
		return err
	}
	return serr
}

// punchHole frees n bytes of f at off, which then read as zeros. It
// returns errors.ErrUnsupported where the filesystem cannot.
func punchHole(f *os.File, off, n int64) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		ferr = unix.Fallocate(int(fd), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, n)
	})
	if err != nil {
		return err
	}
	if errors.Is(ferr, unix.EOPNOTSUPP) || errors.Is(ferr, unix.ENOSYS) {
		return errors.ErrUnsupported
	}
	return ferr
}
