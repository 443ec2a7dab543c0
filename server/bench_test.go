package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"coffre/vault/postgres"
	"coffre/vault/vaulttest"
	"coffre/workers"
	"coffre/workers/redistest"
)

// BenchmarkUpload measures the acknowledgement of uploads, by 1, 10 and 50
// clients at once, each sending a 12 MP phone photo (260 kB): the answer
// comes once the file is sealed, written and fdatasynced, recorded in the
// database and queued. "embedded" is serve on embedded defaults (SQLite,
// Asynq on a Redis in the process); "scaled" records in PostgreSQL
// (COFFRE_TEST_DATABASE_URL) and queues in a redis-server of its own,
// both on this machine.
// Reports p50 and p99 latency, and the processor time per upload of the
// server and of the clients. One client is an agent at a counter; fifty
// at once is a bulk import, where on 2 cores the clients and the server
// share the CPU, and with the scaled setup PostgreSQL and Redis too.
//
// Each client's first upload is left out of p50 and p99: it opens the
// client's connection, in a process just started, and the fifty first
// uploads arrive in the same millisecond, as steady use never has them.
// first-max-ms reports the slowest of those first uploads.
//
// The clients run in a process of their own (this test binary again, in
// TestUploadClients), as phones do: in the server's process their 150
// goroutines queued in its scheduler with its own, and a request waited
// 20 ms (p50) to be read and 13 ms for its answer to be taken, which the
// server's own time did not show.
func BenchmarkUpload(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		f := newFixture(b)
		addr, stop, err := workers.EmbeddedRedis()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(stop)
		f.server.Queue = queueOn(b, &redis.Options{Addr: addr})
		benchUploads(b, f)
	})
	b.Run("scaled", func(b *testing.B) {
		st, err := postgres.Open(b.Context(), vaulttest.PostgresSchema(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		f := newFixtureOn(b, st, b.TempDir())
		f.server.Queue = queueOn(b, &redis.Options{Addr: redistest.Start(b, 0).Addr()})
		benchUploads(b, f)
	})
}

// benchUploads runs BenchmarkUpload's clients against f.
func benchUploads(b *testing.B, f *fixture) {
	for _, clients := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "latencies")
			cmd := exec.Command(os.Args[0], "-test.run=^TestUploadClients$")
			cmd.Env = append(os.Environ(), "COFFRE_UPLOAD_CLIENTS="+strings.Join([]string{
				f.srv.URL, f.agent, strconv.Itoa(clients), strconv.Itoa(b.N), out}, " "))
			b.ResetTimer()
			server := cpuTime()
			if msg, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("clients: %v\n%s", err, msg)
			}
			b.StopTimer()
			// Where the 2 cores went: the server's share is what a real
			// deployment pays; the clients' is the phones'.
			n := float64(b.N)
			b.ReportMetric(float64((cpuTime()-server).Microseconds())/n, "server-cpu-us/op")
			b.ReportMetric(float64((cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()).Microseconds())/n, "clients-cpu-us/op")
			data, err := os.ReadFile(out)
			if err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			for field := range strings.FieldsSeq(string(data)) {
				d, err := time.ParseDuration(field)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, d)
			}
			if len(lat) != clients+b.N {
				b.Fatalf("%d latencies for %d uploads", len(lat), clients+b.N)
			}
			b.ReportMetric(float64(slices.Max(lat[:clients]).Microseconds())/1000, "first-max-ms")
			lat = lat[clients:]
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// TestUploadClients is BenchmarkUpload's clients, run in a process of
// their own: with COFFRE_UPLOAD_CLIENTS set to "URL TOKEN CLIENTS UPLOADS
// FILE", it makes UPLOADS uploads of a photo to URL by CLIENTS clients at
// once, each waiting for its answer before the next, after a first upload
// each, and writes all their latencies to FILE, the first uploads first.
func TestUploadClients(t *testing.T) {
	args := strings.Fields(os.Getenv("COFFRE_UPLOAD_CLIENTS"))
	if len(args) != 5 {
		t.Skip("BenchmarkUpload's clients")
	}
	url, token, out := args[0], args[1], args[4]
	clients, err1 := strconv.Atoi(args[2])
	n, err2 := strconv.Atoi(args[3])
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	photo, err := os.ReadFile("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	// Each client keeps its connection, as a phone's browser does.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	// lat holds each client's first upload, then the measured ones.
	lat := make([]time.Duration, clients+n)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			// One body per client, as a phone holds its photo once; a new
			// one for each upload was a fifth of the clients' processor
			// time, which the server's 2 cores paid.
			body, ctype, mark := uploadBody(photo)
			for i := c; i < clients+n; i += clients {
				body[mark], body[mark+1], body[mark+2] = byte(i), byte(i>>8), byte(i>>16)
				req, err := http.NewRequest("POST", url+"/api/v1/documents", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", ctype)
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(start)
				if resp.StatusCode != http.StatusAccepted {
					t.Errorf("upload: %v", resp.Status)
					return
				}
			}
		})
	}
	wg.Wait()
	var text strings.Builder
	for _, d := range lat {
		fmt.Fprintln(&text, d)
	}
	if err := os.WriteFile(out, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// queueOn is serve's queue, Asynq, on the Redis opt names.
func queueOn(b *testing.B, opt *redis.Options) workers.Queue {
	rc := redis.NewClient(opt)
	b.Cleanup(func() { rc.Close() })
	return workers.Queue{Client: asynq.NewClientFromRedisClient(rc), Inspector: asynq.NewInspectorFromRedisClient(rc)}
}

// cpuTime is the processor time (user and system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// uploadBody is a multipart upload of photo for person p1, and where in
// it three bytes after the photo make each upload distinct, so that none
// is a duplicate.
func uploadBody(photo []byte) (body []byte, ctype string, mark int) {
	ctype, body = multipartBody("photo.jpg", part{"person_id", "p1"}, part{"file", string(photo) + "\x00\x00\x00"})
	return body, ctype, bytes.Index(body, photo) + len(photo)
}
