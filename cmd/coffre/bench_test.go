package main

import (
	"context"
	"image"
	_ "image/jpeg"
	"image/png"
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

	"coffre"
	"coffre/corpus"
	"coffre/intake"

	"golang.org/x/image/draw"
)

// BenchmarkPage measures the whole pipeline on pages next to the raw
// Tesseract CLI on the same files, both with one OpenMP thread (the
// Makefile exports OMP_THREAD_LIMIT=1) and the same page segmentation
// mode. Each iteration runs the pipeline then the CLI on every file, so
// the two share the machine's moments: this shared virtual machine's speed
// drifts by 20 % within minutes, which made ratios of separate runs noise.
// ratio is the pipeline's wall time over the CLI's, the time an agent
// waits; cpu-ratio the same for processor time. The pipeline's engines
// are loaded by one pass before the timing, as in a running service; the
// CLI loads its model at every call, as it must.
func BenchmarkPage(b *testing.B) {
	clean := benchFiles(b, func(t corpus.Truth, px int) bool {
		return t.Rendering == "clean" && t.Type == coffre.TypeAvisImposition
	})[0]
	// Photos differ widely (how much background, which turn, how much
	// blur), so one op reads every readable 12 MP photo of the corpus.
	pages := map[string][]string{
		"clean200dpi": {clean},
		"clean300dpi": {resampled(b, clean, 1.5)},
		"photos12MP": benchFiles(b, func(t corpus.Truth, px int) bool {
			return t.Rendering == "photo" && t.IsReadable() && px >= 11_000_000
		}),
	}
	cfg := Config{Workers: 1, AsOf: coffre.NewDate(2026, 11, 23), Limits: intake.DefaultLimits(), PageSegMode: 3}
	p, tess, err := newPipeline(&cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tess.Close()
	for name, files := range pages {
		data := make([][]byte, len(files))
		for i, file := range files {
			if data[i], err = os.ReadFile(file); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name, func(b *testing.B) {
			for i, file := range files {
				p.Scan(context.Background(), file, data[i], cfg.AsOf)
			}
			var pipeline, cli spent
			for b.Loop() {
				pipeline.add(syscall.RUSAGE_SELF, func() {
					for i, file := range files {
						if rec := p.Scan(context.Background(), file, data[i], cfg.AsOf); rec.Error != "" {
							b.Fatal(rec.Error)
						}
					}
				})
				cli.add(syscall.RUSAGE_CHILDREN, func() {
					for _, file := range files {
						cmd := exec.Command("tesseract", file, "stdout", "-l", "fra", "--psm", strconv.Itoa(cfg.PageSegMode))
						cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
						if out, err := cmd.CombinedOutput(); err != nil {
							b.Fatalf("%v: %s", err, out)
						}
					}
				})
			}
			n := float64(b.N)
			b.ReportMetric(pipeline.wall.Seconds()/n, "pipeline-s/op")
			b.ReportMetric(cli.wall.Seconds()/n, "cli-s/op")
			b.ReportMetric(pipeline.wall.Seconds()/cli.wall.Seconds(), "ratio")
			b.ReportMetric(pipeline.cpu.Seconds()/cli.cpu.Seconds(), "cpu-ratio")
		})
	}
}

// spent adds up the wall and processor time of runs.
type spent struct{ wall, cpu time.Duration }

// add runs f, counting the processor time of who (RUSAGE_SELF or, for
// commands, RUSAGE_CHILDREN).
func (s *spent) add(who int, f func()) {
	start, cpu := time.Now(), cpuTime(who)
	f()
	s.wall += time.Since(start)
	s.cpu += cpuTime(who) - cpu
}

// cpuTime is the user and system time used by the process (who
// RUSAGE_SELF) or its finished children (RUSAGE_CHILDREN).
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resampled writes file scaled by k to a temporary PNG: the corpus renders
// A4 at 200 dpi, the scanners' usual 300 dpi is also worth timing.
func resampled(b *testing.B, file string, k float64) string {
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		b.Fatal(err)
	}
	r := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, int(float64(r.Dx())*k), int(float64(r.Dy())*k)))
	draw.CatmullRom.Scale(dst, dst.Rect, src, r, draw.Src, nil)
	out := filepath.Join(b.TempDir(), "page.png")
	o, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	if err := png.Encode(o, dst); err != nil {
		b.Fatal(err)
	}
	return out
}

// benchFiles returns the corpus images that keep accepts, given their
// truth and their pixel count.
func benchFiles(b *testing.B, keep func(corpus.Truth, int) bool) []string {
	b.Helper()
	truths, err := corpus.Load(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	for _, t := range truths {
		if strings.HasSuffix(t.File, ".pdf") {
			continue
		}
		f, err := os.Open(t.File)
		if err != nil {
			b.Fatal(err)
		}
		c, _, err := image.DecodeConfig(f)
		f.Close()
		if err == nil && keep(t, c.Width*c.Height) {
			files = append(files, t.File)
		}
	}
	if len(files) == 0 {
		b.Fatal("no such page in the corpus")
	}
	return files
}

// BenchmarkThroughput measures pages per minute end to end (upload to
// record) through `coffre serve` with 2 workers on embedded defaults,
// next to the ceiling of the raw Tesseract CLI on the same files, two at
// a time, each iteration running both in turn (see BenchmarkPage on why).
// ratio is the service's throughput over the CLI's; cpu-ratio the CLIs'
// processor time over the service process's, from its start (engines
// loaded) to its end, which drifts less with the machine's speed.
func BenchmarkThroughput(b *testing.B) {
	files := benchFiles(b, func(t corpus.Truth, px int) bool { return t.Rendering == "clean" || t.Rendering == "photo" })
	var service, cli spent
	for b.Loop() {
		wall, cpu := serveAll(b, files)
		service.wall += wall
		service.cpu += cpu
		cli.add(syscall.RUSAGE_CHILDREN, func() { tesseractAll(b, files) })
	}
	pages := float64(len(files) * b.N)
	b.ReportMetric(pages/service.wall.Minutes(), "service-pages/min")
	b.ReportMetric(pages/cli.wall.Minutes(), "cli-pages/min")
	b.ReportMetric(cli.wall.Seconds()/service.wall.Seconds(), "ratio")
	b.ReportMetric(cli.cpu.Seconds()/service.cpu.Seconds(), "cpu-ratio")
}

// serveAll uploads files to a new service and returns how long it took
// from the first upload until every record was done, and the processor
// time of the service's process.
func serveAll(b *testing.B, files []string) (wall, cpu time.Duration) {
	env := []string{"COFFRE_DATA_DIR=" + b.TempDir(), "COFFRE_UPLOAD_LIMIT=0"}
	srv := startCoffre(b, env, "serve", "--addr", "127.0.0.1:0", "--workers", "2")
	defer srv.kill(syscall.SIGTERM)
	srv.token = authorize(b, env, "bench")
	start := time.Now()
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = srv.upload(b, "bench", f)
	}
	srv.waitDone(b, ids, 20*time.Minute)
	wall = time.Since(start)
	srv.kill(syscall.SIGTERM)
	return wall, srv.cmd.ProcessState.UserTime() + srv.cmd.ProcessState.SystemTime()
}

// tesseractAll reads files with the Tesseract CLI, two at a time.
func tesseractAll(b *testing.B, files []string) {
	next := make(chan string, len(files))
	for _, f := range files {
		next <- f
	}
	close(next)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for f := range next {
				cmd := exec.Command("tesseract", f, "stdout", "-l", "fra", "--psm", "3")
				cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Errorf("%v: %s", err, out)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkAgentWait measures what an agent at the counter waits for: from
// sending a card photo to idle workers (`coffre serve` on embedded
// defaults) until its record is done, polled every 10 ms; each op is the
// mean of five photos. scan-s is the pipeline's own time for the photo,
// from the record's stage timings: the difference is what the service
// adds (upload, queue, storage).
func BenchmarkAgentWait(b *testing.B) {
	const photos = 5
	photo, err := os.ReadFile(corpusFile("cni-new-028-photo.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	env := []string{"COFFRE_DATA_DIR=" + b.TempDir(), "COFFRE_UPLOAD_LIMIT=0"}
	srv := startCoffre(b, env, "serve", "--addr", "127.0.0.1:0", "--workers", "2")
	defer srv.kill(syscall.SIGTERM)
	srv.token = authorize(b, env, "bench")
	var wait, scan time.Duration
	sent := 0
	for b.Loop() {
		for range photos {
			time.Sleep(time.Second) // the workers are idle when the photo comes
			start := time.Now()
			// A byte more each time: the same bytes would be a duplicate.
			sent++
			id := srv.uploadPages(b, "bench", append(slices.Clip(photo), byte(sent), byte(sent>>8)))
			var rec struct {
				State   string
				Timings map[string]int `json:"timings_ms"`
			}
			for rec.State == "" || rec.State == "received" || rec.State == "processing" {
				time.Sleep(10 * time.Millisecond)
				srv.getJSON(b, "/api/v1/documents/"+id, &rec)
			}
			wait += time.Since(start)
			for _, ms := range rec.Timings {
				scan += time.Duration(ms) * time.Millisecond
			}
		}
	}
	b.ReportMetric(wait.Seconds()/float64(sent), "wait-s")
	b.ReportMetric(scan.Seconds()/float64(sent), "scan-s")
}
