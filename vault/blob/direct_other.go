//go:build !linux

package blob

// oDirect is 0 where O_DIRECT is unknown: files are written through the
// page cache.
var oDirect = 0
