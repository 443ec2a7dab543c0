package blob

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// oDirect is a variable only so that a test can play a filesystem refusing it.
var oDirect = syscall.O_DIRECT

// endDirect turns O_DIRECT off on f, for the writes that follow.
func endDirect(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		var flags int
		if flags, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0); ferr == nil {
			_, ferr = unix.FcntlInt(fd, unix.F_SETFL, flags&^unix.O_DIRECT)
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
