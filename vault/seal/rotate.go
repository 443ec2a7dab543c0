package seal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Rewrap returns the data key wrapped (by Wrap, for docID) under from,
// wrapped under to instead: a master-key rotation changes no data key,
// so no sealed page is rewritten. A key already wrapped under to is
// returned as it is, so that a rotation interrupted can be run again
// over every document.
func Rewrap(from, to MasterKey, wrapped []byte, docID string) ([]byte, error) {
	dk, err := from.Unwrap(wrapped, docID)
	if errors.Is(err, ErrDecrypt) {
		if _, errTo := to.Unwrap(wrapped, docID); errTo == nil {
			return wrapped, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("seal: rewrap: %w", err)
	}
	defer clear(dk.k[:])
	out, err := to.Wrap(dk, docID)
	if err != nil {
		return nil, fmt.Errorf("seal: rewrap: %w", err)
	}
	return out, nil
}

// ReplaceKeyFile installs the key file at newPath as the one at path,
// once a rotation has rewrapped every document under it. path's key is
// kept at oldPath first, by a hard link that fails if oldPath exists (an
// older key is never overwritten) and keeps the file's mode; the link is
// made durable before newPath is renamed over path, atomically, so that
// path always holds one key or the other, and both survive a power cut.
// newPath must be a valid key file (0600).
func ReplaceKeyFile(path, newPath, oldPath string) error {
	if _, err := readKeyFile(newPath); err != nil {
		return err
	}
	if err := os.Link(path, oldPath); err != nil {
		return fmt.Errorf("seal: keep the old key file: %w", err)
	}
	if err := syncDir(filepath.Dir(oldPath)); err != nil {
		return fmt.Errorf("seal: keep the old key file: %w", err)
	}
	if err := os.Rename(newPath, path); err != nil {
		return fmt.Errorf("seal: install the new key file: %w", err)
	}
	for _, dir := range []string{filepath.Dir(path), filepath.Dir(newPath)} {
		if err := syncDir(dir); err != nil {
			return fmt.Errorf("seal: install the new key file: %w", err)
		}
	}
	return nil
}
