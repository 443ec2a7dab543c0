package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newDir(t *testing.T) (*Dir, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "blobs")
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

const docKey = "0123456789abcdef0123456789abcdef/page-1"

func TestRoundTripAndOverwrite(t *testing.T) {
	d, _ := newDir(t)
	ctx := context.Background()
	for _, data := range [][]byte{[]byte("first"), {}, bytes.Repeat([]byte{0, 1, 2}, 1<<20), []byte("last")} {
		if err := d.Put(ctx, docKey, data); err != nil {
			t.Fatal(err)
		}
		got, err := d.Get(ctx, docKey)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("got %d bytes, want %d", len(got), len(data))
		}
	}
	// A key of a single segment lives at the root.
	if err := d.Put(ctx, "top.bin", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Get(ctx, "top.bin"); err != nil || string(got) != "x" {
		t.Fatalf("top-level key: %q, %v", got, err)
	}
}

func TestMissingKey(t *testing.T) {
	d, _ := newDir(t)
	ctx := context.Background()
	d.Put(ctx, "doc/page-1", []byte("p"))
	for _, key := range []string{"nope", "doc/page-2", "doc", "doc/page-1/x"} {
		_, err := d.Get(ctx, key)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): err %v, want ErrNotFound", key, err)
		} else if !strings.Contains(err.Error(), key) {
			t.Errorf("Get(%q): error lacks the key: %v", key, err)
		}
	}
}

func TestInvalidKeys(t *testing.T) {
	d, root := newDir(t)
	ctx := context.Background()
	for _, key := range []string{
		"", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./a", "a/./b",
		"a//b", "a/", "/", "A/b", "a b", "a\\b", "a/b\x00", "é", ".hidden", "a/.tmp-1",
		"C:/x", strings.Repeat("a", 513),
	} {
		if err := d.Put(ctx, key, []byte("x")); err == nil {
			t.Errorf("Put(%q) accepted", key)
		}
		if _, err := d.Get(ctx, key); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): err %v, want an invalid-key error", key, err)
		}
		if err := d.Delete(ctx, key); err == nil {
			t.Errorf("Delete(%q) accepted", key)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("invalid keys left %d entries in the root", len(entries))
	}
	for _, key := range []string{"a", "a/b/c", "ab12_x/page-1.enc", "0-9/z.z"} {
		if err := d.Put(ctx, key+"0", []byte("x")); err != nil {
			t.Errorf("Put(%q): %v", key+"0", err)
		}
	}
}

func TestModesAndNoTempFiles(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "new", "blobs")
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if err := d.Put(ctx, "doc/sub/page-"+fmt.Sprint(i), []byte("sealed")); err != nil {
			t.Fatal(err)
		}
	}
	d.Put(ctx, "doc/sub/page-0", []byte("again"))
	err = filepath.WalkDir(filepath.Join(parent, "new"), func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if e.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", path, fi.Mode().Perm(), want)
		}
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "doc", "sub"))
	if len(entries) != 3 {
		t.Errorf("%d files, want 3", len(entries))
	}
}

func TestDeleteIdempotentAndPrunes(t *testing.T) {
	d, root := newDir(t)
	ctx := context.Background()
	d.Put(ctx, "doc/a/page-1", []byte("1"))
	d.Put(ctx, "doc/a/page-2", []byte("2"))
	d.Put(ctx, "other/page-1", []byte("o"))
	if err := d.Delete(ctx, "doc/a/page-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, "doc/a/page-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := d.Get(ctx, "doc/a/page-2"); err != nil {
		t.Fatalf("sibling lost: %v", err)
	}
	if err := d.Delete(ctx, "doc/a/page-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "doc")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty parents not pruned: %v", err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Errorf("root pruned: %v", err)
	}
	for _, key := range []string{"doc/a/page-2", "never", "other", "other/page-1/x"} {
		if err := d.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) again/missing: %v", key, err)
		}
	}
	if got, err := d.Get(ctx, "other/page-1"); err != nil || string(got) != "o" {
		t.Fatalf("unrelated blob: %q, %v", got, err)
	}
	d.Delete(ctx, "other/page-1")
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("root not empty after deleting everything: %d entries", len(entries))
	}
	// Put works again after its directories were pruned.
	if err := d.Put(ctx, "doc/a/page-1", []byte("1")); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContext(t *testing.T) {
	d, _ := newDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Put(ctx, "k", []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put: %v", err)
	}
	if _, err := d.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: %v", err)
	}
	if err := d.Delete(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete: %v", err)
	}
}

func TestNewDirOnFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o600)
	if _, err := NewDir(f); err == nil {
		t.Error("NewDir on a file: no error")
	}
	if _, err := NewDir(""); err == nil {
		t.Error("NewDir(\"\"): no error")
	}
}

func TestConcurrentPutsAndDeletes(t *testing.T) {
	d, root := newDir(t)
	ctx := context.Background()
	const n = 32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			// Pairs share a directory, so Puts race each other's mkdir
			// and the Deletes' pruning.
			key := fmt.Sprintf("doc%d/page-%d", i/2, i)
			scratch := fmt.Sprintf("doc%d/scratch-%d", i/2, i)
			for range 20 {
				if err := d.Put(ctx, scratch, []byte("s")); err != nil {
					errs[i] = err
					return
				}
				if err := d.Delete(ctx, scratch); err != nil {
					errs[i] = err
					return
				}
			}
			errs[i] = d.Put(ctx, key, []byte(key))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", i, err)
		}
	}
	for i := range n {
		key := fmt.Sprintf("doc%d/page-%d", i/2, i)
		got, err := d.Get(ctx, key)
		if err != nil || string(got) != key {
			t.Fatalf("Get(%q): %q, %v", key, got, err)
		}
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != n/2 {
		t.Errorf("%d directories, want %d", len(entries), n/2)
	}
}

// TestWriteSizes writes sizes around the O_DIRECT block on the test's
// disk and on tmpfs (which refuses O_DIRECT before Linux 6.6): each must
// read back exactly, and the Dir must have fallen back to buffered writes
// only where the filesystem refused direct ones.
func TestWriteSizes(t *testing.T) {
	roots := map[string]string{"disk": t.TempDir()}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "blob-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shm) })
		roots["tmpfs"] = shm
	}
	ctx := context.Background()
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			d, err := NewDir(root)
			if err != nil {
				t.Fatal(err)
			}
			// Larger first, so that a reused buffer's old bytes would show.
			for _, size := range []int{3<<20 + 5, 266340, align + 1, align, align - 1, 1, 0} {
				data := bytes.Repeat([]byte{byte(size), 0xff}, (size+1)/2)[:size]
				if err := d.Put(ctx, "doc/page-1", data); err != nil {
					t.Fatalf("%d bytes: %v", size, err)
				}
				got, err := d.Get(ctx, "doc/page-1")
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%d bytes: read back %d bytes (%v)", size, len(got), err)
				}
			}
			if want := !directWorks(root); d.buffered.Load() != want {
				t.Errorf("fell back to buffered writes: %v, want %v", d.buffered.Load(), want)
			}
		})
	}
}

// directWorks reports whether files under dir can be opened with O_DIRECT.
func directWorks(dir string) bool {
	if oDirect == 0 {
		return false
	}
	f, err := os.OpenFile(filepath.Join(dir, "probe"), os.O_CREATE|os.O_WRONLY|oDirect, 0o600)
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}
