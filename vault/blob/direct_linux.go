package blob

import "syscall"

// oDirect is a variable only so that a test can play a filesystem refusing it.
var oDirect = syscall.O_DIRECT
