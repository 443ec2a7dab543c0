package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/vault/vaulttest"
	"coffre/workers/redistest"
)

// TestServeScaled runs the scaled setup, one API process and two worker
// processes sharing Redis and PostgreSQL, through three faults: a worker
// killed mid-OCR, Redis restarted empty, the database unreachable for a
// few seconds. Every document must end done,
// each processed to the end once.
func TestServeScaled(t *testing.T) {
	if testing.Short() {
		t.Skip("real OCR, Redis and PostgreSQL")
	}
	redis := redistest.Start(t, 0)
	dbURL, err := url.Parse(vaulttest.PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	db := startProxy(t, dbURL.Host)
	dbURL.Host = db.addr()
	shared := t.TempDir()
	env := []string{
		"COFFRE_REDIS_URL=redis://" + redis.Addr() + "/0",
		"COFFRE_DATABASE_URL=" + dbURL.String(),
		"COFFRE_DATA_DIR=" + filepath.Join(shared, "data"),
		"COFFRE_BLOB_DIR=" + filepath.Join(shared, "blobs"),
		"COFFRE_MASTER_KEY=" + strings.Repeat("ab", 32),
		"COFFRE_PAGE_TIMEOUT=6s",
		"COFFRE_REQUEUE_INTERVAL=2s",
	}
	api := startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "0")
	api.token = authorize(t, env, "p1")
	w1 := startCoffre(t, env, "worker", "--workers", "1")
	startCoffre(t, env, "worker", "--workers", "1")

	files := []string{"avis-002-clean.png", "caf-014-clean.png", "titre-sejour-041-clean.png", "cni-old-031-clean.png",
		"avis-007-clean.png", "passeport-037-clean.png", "caf-018-clean.png", "cni-new-025-clean.png"}
	var ids []string
	for _, f := range files {
		ids = append(ids, api.upload(t, "p1", corpusFile(f)))
	}
	time.Sleep(1500 * time.Millisecond)
	w1.kill(syscall.SIGKILL) // mid-OCR: its document is taken over after its lease
	redis.Stop()
	redis = redistest.Start(t, redis.Port()) // empty: the queued tasks are gone
	time.Sleep(time.Second)
	db.cut() // the database away for 3 s: claims and results wait and retry
	time.Sleep(3 * time.Second)
	db.restore()
	docs := api.waitDone(t, ids, 3*time.Minute)

	takenOver := 0
	for i, id := range ids {
		d := docs[id]
		finished, claims := 0, 0
		for _, h := range d.History {
			switch h.To {
			case "done", "failed", "needs_review":
				finished++
			case "processing":
				claims++
			}
		}
		if claims > 1 {
			takenOver++
		}
		if d.State == "failed" || d.Type == "unknown" || finished != 1 {
			t.Errorf("%s (%s): state %s, type %s, finished %d times; want read once", id, files[i], d.State, d.Type, finished)
		}
	}
	// The killed worker was reading a document: another finished it.
	if takenOver == 0 {
		t.Error("no document was claimed twice: the worker was not killed mid-OCR")
	}
}
