package intake

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileCase is an entry of testdata/hostile/expected.json (written by
// testdata/gen/hostile).
type hostileCase struct {
	File, What, Code, Mime, Message string
}

const hostileDir = "../testdata/hostile"

func hostileCases(t testing.TB) []hostileCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(hostileDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 25 {
		t.Fatalf("%d hostile files, want at least 25", len(cases))
	}
	return cases
}

// Memory bounds of one Open of a hostile file, in bytes allocated in all
// (TotalAlloc) and in peak live heap above the baseline. Files refused
// from their header must cost next to nothing whatever they claim.
const (
	hostileMaxAlloc   = 64 << 20 // any hostile file
	hostileMaxPeak    = 48 << 20
	headerRefusalCost = 1 << 20 // a pixel bomb refused from its header
)

// TestHostileFiles opens every file of testdata/hostile and checks the
// code and French message of its error (or that it is read, and as what),
// its time and its memory.
func TestHostileFiles(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.File, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(hostileDir, tc.File))
			if err != nil {
				t.Fatal(err)
			}
			var doc *Document
			start := time.Now()
			alloc, peak := measureMemory(func() { doc, err = Open(context.Background(), data, DefaultLimits()) })
			elapsed := time.Since(start)
			t.Logf("%s: %v, %.1f MB allocated, peak heap +%.1f MB", tc.File, elapsed.Round(time.Millisecond), float64(alloc)/1e6, float64(peak)/1e6)
			if tc.Code == "" {
				if err != nil {
					t.Fatalf("refused (%v); want read as %s", err, tc.Mime)
				}
				if doc.Mime != tc.Mime || len(doc.Pages) == 0 {
					t.Fatalf("read as %s with %d pages, want %s", doc.Mime, len(doc.Pages), tc.Mime)
				}
			} else {
				ce := wantCode(t, err, tc.Code)
				if !strings.HasPrefix(ce.Message, tc.Message) {
					t.Errorf("message %q, want it to start with %q", ce.Message, tc.Message)
				}
				if !looksFrench(ce.Message) {
					t.Errorf("message %q does not look French", ce.Message)
				}
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc > hostileMaxAlloc || peak > hostileMaxPeak {
				t.Errorf("%d bytes allocated, peak heap +%d; bounds %d and %d", alloc, peak, hostileMaxAlloc, hostileMaxPeak)
			}
			if strings.Contains(tc.File, "bomb-") && !strings.HasPrefix(tc.File, "pdf-") && alloc > headerRefusalCost {
				t.Errorf("pixel bomb refused after %d bytes allocated; want under %d (refused from its header)", alloc, headerRefusalCost)
			}
		})
	}
}

// looksFrench is a crude check that a message is the French one meant
// for the agent, not a Go error: a capital first, French words, no Go
// error vocabulary.
func looksFrench(s string) bool {
	lower := strings.ToLower(s)
	if s == "" || strings.ToUpper(s[:1]) != s[:1] {
		return false
	}
	for _, en := range []string{"error", "invalid", "failed", "unexpected", "eof", "panic"} {
		if strings.Contains(lower, en) {
			return false
		}
	}
	for _, fr := range []string{" le ", " la ", " les ", " un ", " une ", " de ", " ou ", " est ", " : "} {
		if strings.Contains(lower, fr) {
			return true
		}
	}
	return false
}

// measureMemory runs f and returns the bytes it allocated in all and the
// peak of the live heap above what it was before, sampled every
// millisecond (so a short spike may be missed: alloc bounds it anyway).
func measureMemory(f func()) (alloc, peak uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				mu.Lock()
				max = maxU(max, m.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	f()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	close(done)
	wg.Wait()
	max = maxU(max, after.HeapInuse)
	if max > before.HeapInuse {
		peak = max - before.HeapInuse
	}
	return after.TotalAlloc - before.TotalAlloc, peak
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// TestHostileCorpusIsComplete keeps the manifest and the directory in
// step: every file is listed, every listed file exists.
func TestHostileCorpusIsComplete(t *testing.T) {
	listed := map[string]bool{"expected.json": true, "README.md": true}
	for _, tc := range hostileCases(t) {
		if tc.What == "" || (tc.Code == "") == (tc.Mime == "") && tc.Code != "" {
			t.Errorf("%s: incomplete entry %+v", tc.File, tc)
		}
		listed[tc.File] = true
		if _, err := os.Stat(filepath.Join(hostileDir, tc.File)); err != nil {
			t.Error(err)
		}
	}
	entries, err := os.ReadDir(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("%s is not in expected.json", e.Name())
		}
	}
}
