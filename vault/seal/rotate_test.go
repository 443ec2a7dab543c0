package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRewrap(t *testing.T) {
	from, to, other := testMaster(t), testMaster(t), testMaster(t)
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	underFrom, _ := from.Wrap(dk, "doc1")
	underTo, _ := to.Wrap(dk, "doc1")
	underOther, _ := other.Wrap(dk, "doc1")
	for _, tt := range []struct {
		name      string
		wrapped   []byte
		docID     string
		unchanged bool // returned as it is
		err       bool
	}{
		{"wrapped under from", underFrom, "doc1", false, false},
		{"already under to", underTo, "doc1", true, false},
		{"under another key", underOther, "doc1", false, true},
		{"of another document", underFrom, "doc2", false, true},
		{"empty", nil, "doc1", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rewrap(from, to, tt.wrapped, tt.docID)
			if tt.err {
				if !errors.Is(err, ErrDecrypt) {
					t.Fatalf("Rewrap: %v, want ErrDecrypt", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if unchanged := bytes.Equal(got, tt.wrapped); unchanged != tt.unchanged {
				t.Errorf("returned unchanged: %v, want %v", unchanged, tt.unchanged)
			}
			// The same data key, under to only: pages sealed by it still open.
			if back, err := to.Unwrap(got, tt.docID); err != nil || !sameKey(back.k, dk.k) {
				t.Errorf("Unwrap under to: %v; want the same data key", err)
			}
			if _, err := from.Unwrap(got, tt.docID); !errors.Is(err, ErrDecrypt) {
				t.Errorf("Unwrap under from: %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestReplaceKeyFile(t *testing.T) {
	dir := t.TempDir()
	path, newPath, oldPath := filepath.Join(dir, "master.key"), filepath.Join(dir, "new.key"), filepath.Join(dir, "master.key.old")
	oldKey, _, err := LoadOrCreateMasterKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	newKey, _, err := LoadOrCreateMasterKeyFile(newPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := ReplaceKeyFile(path, newPath, oldPath); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want MasterKey
	}{{path, newKey}, {oldPath, oldKey}} {
		got, err := readKeyFile(tt.path) // checks the mode too
		if err != nil || !sameKey(got.k, tt.want.k) {
			t.Errorf("%s: %v; want the %s key", tt.path, err, filepath.Base(tt.path))
		}
	}
	if _, err := os.Stat(newPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("new key file still there: %v", err)
	}

	// A second replacement would lose the old key: refused, nothing moves.
	if _, _, err := LoadOrCreateMasterKeyFile(newPath); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceKeyFile(path, newPath, oldPath); err == nil {
		t.Error("replacing over an existing old key file succeeded")
	}
	if got, err := readKeyFile(path); err != nil || !sameKey(got.k, newKey.k) {
		t.Errorf("after the refusal, %s: %v; want the key installed first", path, err)
	}
	if got, err := readKeyFile(oldPath); err != nil || !sameKey(got.k, oldKey.k) {
		t.Errorf("after the refusal, %s: %v; want the old key", oldPath, err)
	}
}
