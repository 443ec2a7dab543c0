package seal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LoadMasterKey parses COFFRE_MASTER_KEY's value: 64 hex characters, or
// base64 (standard or URL alphabet, padded or not) of 32 bytes. Errors
// never repeat the value, which is a secret even when malformed.
func LoadMasterKey(value string) (MasterKey, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return MasterKey{}, errors.New("seal: master key is empty")
	}
	b, err := decodeKey(v)
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: master key (%d characters): %w", len(v), err)
	}
	return b, nil
}

func decodeKey(v string) (MasterKey, error) {
	var b []byte
	// On a bad character hex.DecodeString returns what it decoded before
	// it: a typo would leave the rest of the key zero.
	if d, err := hex.DecodeString(v); err == nil && len(d) == keySize {
		b = d
	}
	if b == nil {
		for _, enc := range []*base64.Encoding{
			base64.StdEncoding, base64.RawStdEncoding,
			base64.URLEncoding, base64.RawURLEncoding,
		} {
			if d, err := enc.DecodeString(v); err == nil && len(d) == keySize {
				b = d
				break
			}
		}
	}
	if b == nil {
		return MasterKey{}, fmt.Errorf("want 64 hex characters or base64 of %d bytes (generate one with: openssl rand -hex 32)", keySize)
	}
	m := MasterKey{k: new([keySize]byte)}
	copy(m.k[:], b)
	clear(b)
	if isZero(m.k) {
		return MasterKey{}, errors.New("all zero bytes, not a random key")
	}
	return m, nil
}

// LoadOrCreateMasterKeyFile reads the master key from path (64 hex
// characters and an optional newline). If the file does not exist, it
// creates it with a random key and created is true. Two processes starting
// at once end up with the same key: only one publish can succeed, and the
// loser reads the winner's file.
func LoadOrCreateMasterKeyFile(path string) (key MasterKey, created bool, err error) {
	// Two rounds are enough: a create can only fail with "exists" if
	// someone else's complete file is now there to read.
	for range 2 {
		key, err = readKeyFile(path)
		if !errors.Is(err, fs.ErrNotExist) {
			return key, false, err
		}
		key, err = createKeyFile(path)
		if !errors.Is(err, fs.ErrExist) {
			return key, err == nil, err
		}
	}
	return MasterKey{}, false, fmt.Errorf("seal: key file %s: created concurrently but unreadable", path)
}

func readKeyFile(path string) (MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode checked is the mode
	// of the bytes read.
	fi, err := f.Stat()
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return MasterKey{}, fmt.Errorf("seal: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return MasterKey{}, fmt.Errorf("seal: key file %s is accessible by group or others (mode %04o); run: chmod 600 %s", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4*keySize))
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: key file %s: %w", path, err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if len(s) != 2*keySize {
		return MasterKey{}, fmt.Errorf("seal: key file %s: want 64 hex characters and an optional newline, got %d bytes", path, len(b))
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: key file %s: not hexadecimal", path)
	}
	m := MasterKey{k: new([keySize]byte)}
	copy(m.k[:], raw)
	clear(raw)
	if isZero(m.k) {
		return MasterKey{}, fmt.Errorf("seal: key file %s: all zero bytes, not a random key", path)
	}
	return m, nil
}

// createKeyFile writes a new key to a 0600 temporary file (O_EXCL) in the
// same directory, fsyncs it, then publishes it with link(2), which like
// O_EXCL fails if path exists but, unlike creating path directly, never
// lets a concurrent reader see a half-written key. The directory is
// fsynced so the key survives a power cut: losing it loses every document.
func createKeyFile(path string) (MasterKey, error) {
	m := MasterKey{k: new([keySize]byte)}
	if _, err := rand.Read(m.k[:]); err != nil {
		return MasterKey{}, fmt.Errorf("seal: new master key: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // mode 0600, O_EXCL
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: create key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after link, only the name goes; the key stays at path
	_, err = tmp.WriteString(hex.EncodeToString(m.k[:]) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return MasterKey{}, fmt.Errorf("seal: write key file %s: %w", tmp.Name(), err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return MasterKey{}, fmt.Errorf("seal: create key file: %w", err) // fs.ErrExist: lost the race
	}
	if err := os.Remove(tmp.Name()); err != nil {
		return MasterKey{}, fmt.Errorf("seal: create key file: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return MasterKey{}, fmt.Errorf("seal: create key file %s: %w", path, err)
	}
	return m, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
