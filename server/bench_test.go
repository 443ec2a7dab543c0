package server

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkUpload measures the acknowledgement of uploads, by 1, 10 and 50
// clients at once, each sending a 12 MP phone photo (260 kB): the answer
// comes once the file is sealed, fsynced and recorded (SQLite) and the
// task queued. Reports p50 and p99 latency. One client is an agent at a
// counter; fifty at once is a bulk import, where on 2 cores the clients
// and the server share the CPU.
//
// The vault is one for all client counts, in a directory of its own
// (COFFRE_BENCH_DIR, by default under the user's cache directory) rather
// than the temporary directory: on an ext4 without a journal, as on the
// development VM, creating a file skips every inode freed nearby in the
// last minutes, and the go tool's temporary directory has just freed
// thousands. Creating a file there cost 0.9 ms instead of 20 µs, a quarter
// of the benchmark's processor time: that measured the benchmark's
// surroundings, and a vault sees few deletions. The same goes for the
// previous run's vault, removed at its end: an inode stays skipped for up
// to 5 minutes, so runs closer together measure each other.
func BenchmarkUpload(b *testing.B) {
	photo, err := os.ReadFile("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		b.Fatal(err)
	}
	f := newFixtureIn(b, benchDir(b))
	for _, clients := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			// Each client keeps its connection, as a phone's browser does.
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			defer client.CloseIdleConnections()
			var mu sync.Mutex
			var lat []time.Duration
			b.ResetTimer()
			var wg sync.WaitGroup
			for c := range clients {
				wg.Go(func() {
					for i := c; i < b.N; i += clients {
						body, ctype := uploadBody(b, photo, i)
						req, err := http.NewRequest("POST", f.srv.URL+"/api/v1/documents", body)
						if err != nil {
							b.Error(err)
							return
						}
						req.Header.Set("Authorization", "Bearer "+f.agent)
						req.Header.Set("Content-Type", ctype)
						start := time.Now()
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusAccepted {
							b.Errorf("upload: %v", resp.Status)
							return
						}
						mu.Lock()
						lat = append(lat, time.Since(start))
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

// benchDir makes a directory for the benchmark's vault, removed at its end.
func benchDir(b *testing.B) string {
	base := os.Getenv("COFFRE_BENCH_DIR")
	if base == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			b.Fatal(err)
		}
		base = filepath.Join(cache, "coffre-bench")
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		b.Fatal(err)
	}
	dir, err := os.MkdirTemp(base, "upload-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// uploadBody is a multipart upload of photo for person i (distinct bytes
// per upload, so that none is a duplicate).
func uploadBody(b *testing.B, photo []byte, i int) (*bytes.Buffer, string) {
	var body bytes.Buffer
	body.Grow(len(photo) + 1<<10) // the photo and the form's few headers
	mw := multipart.NewWriter(&body)
	mw.WriteField("person_id", "p1")
	w, _ := mw.CreateFormFile("file", "photo.jpg")
	w.Write(photo)
	w.Write([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
	mw.Close()
	return &body, mw.FormDataContentType()
}
