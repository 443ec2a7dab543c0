package blob

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func newDir(t *testing.T) (*Dir, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "blobs")
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, root
}

// put stores data and fails the test if it cannot.
func put(t *testing.T, d *Dir, data []byte) string {
	t.Helper()
	key, err := d.Put(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// wantBlob fails the test unless key reads back as data.
func wantBlob(t *testing.T, d *Dir, key string, data []byte) {
	t.Helper()
	got, err := d.Get(t.Context(), key)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get(%q): %d bytes (%v), want %d", key, len(got), err, len(data))
	}
}

// pattern is n bytes that differ from any other call's.
func pattern(n, seed int) []byte {
	return bytes.Repeat([]byte{byte(seed), byte(seed >> 8), 0xff}, n/3+1)[:n]
}

// TestSizes writes sizes around the O_DIRECT block on the test's disk and
// on tmpfs (which refuses O_DIRECT before Linux 6.6): each must read back
// exactly, after all were written, and the Dir must have fallen back to
// buffered writes only where the filesystem refused direct ones.
func TestSizes(t *testing.T) {
	roots := map[string]string{"disk": t.TempDir()}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "blob-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shm) })
		roots["tmpfs"] = shm
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			d, err := NewDir(root)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			// Larger first, so that a reused buffer's old bytes would show.
			sizes := []int{3<<20 + 5, 266340, align + 1, align, align - 1, 1, 0, 7}
			keys := map[string]int{}
			for i, size := range sizes {
				keys[put(t, d, pattern(size, i))] = i
			}
			if len(keys) != len(sizes) {
				t.Fatalf("%d keys for %d blobs", len(keys), len(sizes))
			}
			for key, i := range keys {
				wantBlob(t, d, key, pattern(sizes[i], i))
			}
			if want := !directWorks(root); d.buffered != want {
				t.Errorf("fell back to buffered writes: %v, want %v", d.buffered, want)
			}
		})
	}
}

func TestMissingKey(t *testing.T) {
	d, _ := newDir(t)
	key := put(t, d, []byte("p"))
	loc, _ := parseKey(key)
	for _, key := range []string{
		"nope", "doc/page-2", "segments",
		location{"seg-abc", 0, 1}.key(),           // no such segment
		location{loc.segment, 1 << 20, 1}.key(),   // past its end
		location{loc.segment, 0, align + 1}.key(), // longer than what is there
		location{loc.segment, 0, 1 << 40}.key(),   // a length no blob has
	} {
		_, err := d.Get(t.Context(), key)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): err %v, want ErrNotFound", key, err)
		} else if !strings.Contains(err.Error(), key) {
			t.Errorf("Get(%q): error lacks the key: %v", key, err)
		}
	}
}

func TestInvalidKeys(t *testing.T) {
	d, root := newDir(t)
	for _, key := range []string{
		"", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./a", "a/./b",
		"a//b", "a/", "/", "A/b", "a b", "a\\b", "a/b\x00", "é", ".hidden", "a/.tmp-1",
		"C:/x", strings.Repeat("a", 513), "segments/../../x/0/1", "segments/seg-ABC/0/1",
	} {
		if _, err := d.Get(t.Context(), key); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): err %v, want an invalid-key error", key, err)
		}
		if err := d.Delete(t.Context(), key); err == nil {
			t.Errorf("Delete(%q) accepted", key)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 || entries[0].Name() != segmentsDir {
		t.Errorf("the root holds %v, want only %s", entries, segmentsDir)
	}
}

// TestOneSegmentPrivate: a process's blobs go to one segment, and what the
// Dir creates is for the user alone.
func TestOneSegmentPrivate(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "new", "blobs")
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range 3 {
		put(t, d, pattern(5000, i))
	}
	entries, _ := os.ReadDir(filepath.Join(root, segmentsDir))
	if len(entries) != 1 {
		t.Errorf("%d segments, want 1", len(entries))
	}
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
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDelete: a deleted blob is gone, its bytes zeroed and its blocks
// freed, its neighbours untouched; deleting it again succeeds.
func TestDelete(t *testing.T) {
	d, root := newDir(t)
	a, b, c := pattern(100_000, 1), pattern(100_000, 2), pattern(100_000, 3)
	ka, kb, kc := put(t, d, a), put(t, d, b), put(t, d, c)
	seg := filepath.Join(root, segmentsDir, d.cur.name)
	before := allocated(t, seg)
	for range 2 {
		if err := d.Delete(t.Context(), kb); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Get(t.Context(), kb); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	wantBlob(t, d, ka, a)
	wantBlob(t, d, kc, c)
	raw, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, b[:1000]) {
		t.Error("the deleted blob's bytes are still in the segment")
	}
	if freed := before - allocated(t, seg); freed < padded(int64(len(b))) {
		t.Errorf("Delete freed %d bytes of the segment, want %d", freed, padded(int64(len(b))))
	}
	// A blob put after the Delete is not in the hole.
	kd := put(t, d, a)
	wantBlob(t, d, kd, a)
	if _, err := d.Get(t.Context(), kb); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of the deleted blob after another Put: %v", err)
	}
}

// allocated is the disk space a file takes.
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Blocks * 512
}

// TestFileLayout: blobs stored one file per key, as before segments, are
// read, and deleted with the directories they leave empty.
func TestFileLayout(t *testing.T) {
	d, root := newDir(t)
	for key, data := range map[string]string{"ab/ab12-1": "1", "ab/ab12-2": "2", "cd/cd34-1": "o"} {
		path := filepath.Join(root, key)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	wantBlob(t, d, "ab/ab12-2", []byte("2"))
	for _, key := range []string{"ab/ab12-1", "ab/ab12-2", "ab/ab12-2", "never", "cd", "cd/cd34-1/x"} {
		if err := d.Delete(t.Context(), key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
	if _, err := d.Get(t.Context(), "ab/ab12-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Delete: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "ab")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty directory not pruned: %v", err)
	}
	wantBlob(t, d, "cd/cd34-1", []byte("o"))
}

func TestCanceledContext(t *testing.T) {
	d, _ := newDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Put(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
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

// TestConcurrent: Puts and Deletes at once, in segments small enough that
// they turn over meanwhile, lose and mix nothing.
func TestConcurrent(t *testing.T) {
	d, root := newDir(t)
	d.segmentSize = 40 * align
	const n = 32
	var wg sync.WaitGroup
	keys := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			for j := range 10 {
				scratch, err := d.Put(t.Context(), pattern(3*align, 1000+i*10+j))
				if err == nil {
					err = d.Delete(t.Context(), scratch)
				}
				if err != nil {
					errs[i] = err
					return
				}
			}
			keys[i], errs[i] = d.Put(t.Context(), pattern(align+i, i))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for i, key := range keys {
		wantBlob(t, d, key, pattern(align+i, i))
	}
	if entries, _ := os.ReadDir(filepath.Join(root, segmentsDir)); len(entries) < 2 {
		t.Errorf("%d segments: the test did not turn them over", len(entries))
	}
}

// TestFailedSegment: once a write to its segment fails, a Dir starts a
// new one rather than trust that disk again, and what it stored before
// is still read; a segment that never held a blob is removed, so that a
// full disk failing every upload does not leave a segment for each.
func TestFailedSegment(t *testing.T) {
	d, root := newDir(t)
	before := put(t, d, []byte("before"))
	d.cur.f.Close() // the next write fails
	if _, err := d.Put(t.Context(), []byte("lost")); err == nil {
		t.Fatal("Put to a closed segment: no error")
	}
	after := put(t, d, []byte("after"))
	wantBlob(t, d, before, []byte("before"))
	wantBlob(t, d, after, []byte("after"))
	if entries, _ := os.ReadDir(filepath.Join(root, segmentsDir)); len(entries) != 2 {
		t.Errorf("%d segments, want 2", len(entries))
	}
	d.mu.Lock()
	empty, err := d.openSegment()
	d.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	empty.f.Close()
	if err := empty.write(0, []byte("lost")); err == nil {
		t.Fatal("write to a closed segment: no error")
	}
	empty.close()
	if _, err := os.Stat(empty.f.Name()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a segment whose only write failed is left: %v", err)
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

// BenchmarkPut measures a 260 kB Put (a phone photo, sealed) by 12
// writers at once, as an upload burst stores them.
func BenchmarkPut(b *testing.B) {
	d, err := NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	data := pattern(266340, 1)
	b.SetParallelism(6) // 12 on 2 processors
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := d.Put(context.Background(), data); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
