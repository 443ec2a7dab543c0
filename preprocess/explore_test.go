//go:build explore

package preprocess

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func savePNG(t testing.TB, name string, img image.Image) {
	f, err := os.Create("/tmp/pp/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := toGray(img)
	if f := max(g.Rect.Dx(), g.Rect.Dy()) / 800; f > 1 {
		g = boxDown(g, f)
	}
	png.Encode(f, g)
}

func TestDebugSmall(t *testing.T) {
	os.MkdirAll("/tmp/pp", 0o755)
	page, _ := pageText(t, 850, 1100, 22)
	ph := photograph(page, table(1600, 1200, 1), rotatedQuad(800, 600, 680, 880, 95, 0.06))
	img := viaJPEG(t, ph, 85)
	savePNG(t, "in.png", img)
	res, err := Prepare(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cropped=%v turned=%d skew=%.2f scale=%.2f q=%+v size=%v", res.Cropped, res.Turned, res.Skew, res.Scale, res.Quality, res.Image.Rect)
	savePNG(t, "out.png", res.Image)
}

// ocr runs the tesseract CLI on g and returns the text and the wall time.
func ocr(t testing.TB, g *image.Gray) (string, time.Duration) {
	start := time.Now()
	out, err := tesseractCLI(t, g, "-l", "fra", "--psm", "6")
	if err != nil {
		t.Fatal(err)
	}
	return string(out), time.Since(start)
}

// tesseractCLI writes g to a temporary PNG and runs the tesseract CLI on it
// with one OpenMP thread, as the pipeline's engines run.
func tesseractCLI(t testing.TB, g *image.Gray, args ...string) ([]byte, error) {
	f, err := os.CreateTemp("", "pp-*.png")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	enc.Encode(f, g)
	f.Close()
	cmd := exec.Command("tesseract", append([]string{f.Name(), "-"}, args...)...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	return cmd.Output()
}

// cer is the character error rate of got against want (whitespace-normalised).
func cer(want, got string) float64 {
	a := []rune(strings.Join(strings.Fields(want), " "))
	b := []rune(strings.Join(strings.Fields(got), " "))
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(b)]) / float64(len(a))
}

type variant struct {
	name string
	do   steps
}

var variants = []variant{
	{"raw gray", 0},
	{"crop", stepCrop},
	{"crop+turn+skew", stepCrop | stepTurn | stepSkew},
	{"all", allSteps},
}

func timePrepare(t testing.TB, img image.Image, do steps) (Result, time.Duration) {
	var best time.Duration
	var res Result
	for i := 0; i < 3; i++ {
		start := time.Now()
		r, err := prepare(context.Background(), img, do)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
		res = r
	}
	return res, best
}

func report(t *testing.T, name string, img image.Image, truth []string) {
	want := strings.Join(truth, "\n")
	for _, v := range variants {
		res, dt := timePrepare(t, img, v.do)
		if osd180(t, res.Image) {
			res.Image = Turn(res.Image, 180)
		}
		text, ot := ocr(t, res.Image)
		t.Logf("%-22s %-16s prepare %4dms  ocr %5dms  CER %5.1f%%  out %v crop=%v turn=%d skew=%.2f scale=%.2f q=%.0f/%.0f/%.0f",
			name, v.name, dt.Milliseconds(), ot.Milliseconds(), 100*cer(want, text), res.Image.Rect.Size(),
			res.Cropped, res.Turned, res.Skew, res.Scale, res.Quality.Sharpness, res.Quality.Brightness, res.Quality.Contrast)
		savePNG(t, strings.ReplaceAll(name+"-"+v.name, " ", "_")+".png", res.Image)
	}
}

// TestExplore12MP measures each step on 12 MP synthetic photos and a clean
// 300 dpi A4 scan: go test -tags explore -run Explore -v ./preprocess/
func TestExplore12MP(t *testing.T) {
	os.MkdirAll("/tmp/pp", 0o755)
	page, truth := pageText(t, 2480, 3508, 42) // 10 pt at 300 dpi
	report(t, "A4 scan", page, truth)
	report(t, "A4 scan skewed 3deg", rotatePage(page, 3), truth)
	cases := []struct {
		name       string
		deg, persp float64
	}{
		{"photo 4deg", 4, 0.06},
		{"photo 93deg", 93, 0.04},
	}
	for _, c := range cases {
		bg := table(4000, 3000, 7)
		w, h := 2000.0, 2830.0
		if c.deg > 45 {
			w, h = 2050, 2900
		}
		q := rotatedQuad(2000, 1500, w*0.9, h*0.9, c.deg, c.persp)
		if c.deg < 45 {
			q = rotatedQuad(2000, 1500, 2830*0.95*0.707, 2830*0.95, c.deg, c.persp)
		}
		img := viaJPEG(t, photograph(page, bg, q), 88)
		report(t, c.name, img, truth)
	}
}

func TestDebugTurn(t *testing.T) {
	page, _ := pageText(t, 2480, 3508, 42)
	for _, deg := range []float64{0, 3, 90, 93} {
		q := rotatedQuad(2000, 1500, 2050*0.9, 2900*0.9, deg, 0.04)
		if deg < 45 {
			q = rotatedQuad(2000, 1500, 2830*0.95*0.707, 2830*0.95, deg, 0.04)
		}
		img := viaJPEG(t, photograph(page, table(4000, 3000, 7), q), 88)
		full := toGray(img)
		small := boxDown(full, 3)
		quad, ok := findDocument(small, chromaDown(img, 3))
		doc := frameFromQuad(quad, 3)
		sA := workLong / max(doc.w, doc.h)
		a0 := warp(small, scaling(1.0/3).mul(doc.toSrc).mul(scaling(1/sA)), int(doc.w*sA), int(doc.h*sA))
		savePNG(t, "a0.png", a0)
		b := binarize(a0)
		o := findOrientation(b)
		ra, rs := bestAngleS(inkPoints(b))
		ca, cs := bestAngleS(inkPoints(b.rotate90()))
		t.Logf("gaps %.2f %.2f", gapFrac(profileAt(inkPoints(b), ra, 1)), gapFrac(profileAt(inkPoints(b.rotate90()), ca, 1)))
		t.Logf("deg %v ok=%v o=%+v rows %.2f %.3g cols %.2f %.3g", deg, ok, o, ra, rs, ca, cs)
	}
}

func profileAt(pts []point, deg float64, bin float64) []float64 {
	s, c := math.Sincos(deg * math.Pi / 180)
	minB, maxB := math.MaxInt, math.MinInt
	for _, p := range pts {
		b := int(math.Floor((p.y*c - p.x*s) / bin))
		minB, maxB = min(minB, b), max(maxB, b)
	}
	hist := make([]float64, maxB-minB+1)
	for _, p := range pts {
		hist[int(math.Floor((p.y*c-p.x*s)/bin))-minB]++
	}
	return hist
}

func gapFrac(h []float64) float64 {
	var m float64
	for _, v := range h {
		m += v
	}
	m /= float64(len(h))
	n := 0
	for _, v := range h {
		if v < 0.1*m {
			n++
		}
	}
	return float64(n) / float64(len(h))
}

func ssq(h []float64) float64 {
	var s, t float64
	for _, v := range h {
		s += v * v
		t += v
	}
	return s / t / t * float64(len(h))
}

func TestDebugScores(t *testing.T) {
	for _, em := range []float64{14, 24, 42, 80} {
		page, _ := pageText(t, 2480, 3508, em)
		a := boxDown(page, 3)
		b := binarize(a)
		r, c := inkPoints(b), inkPoints(b.rotate90())
		for _, bin := range []float64{1, 2, 4} {
			hr, hc := profileAt(r, 0, bin), profileAt(c, 0, bin)
			t.Logf("em %v bin %v ssq r/c %.2f  gaps %.2f %.2f", em, bin, ssq(hr)/ssq(hc), gapFrac(hr), gapFrac(hc))
		}
	}
}

func bestAngleS(pts []point) (float64, float64) {
	a := bestAngle(pts)
	return a, sumSquares(profile(pts, a))
}

func BenchmarkA4(b *testing.B) {
	page, _ := pageText(b, 2480, 3508, 42)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Prepare(context.Background(), page)
	}
}

// TestExploreQuality calibrates Blurry/Dark: 12 MP photo, blurred and
// darkened, with OCR error after full preprocessing.
func TestExploreQuality(t *testing.T) {
	os.MkdirAll("/tmp/pp", 0o755)
	page, truth := pageText(t, 2480, 3508, 42)
	want := strings.Join(truth, "\n")
	photo := photograph(page, table(4000, 3000, 9), rotatedQuad(2000, 1500, 1900, 2690, 2.5, 0.05))
	gray := toGray(photo)
	run := func(name string, img image.Image) {
		res, dt := timePrepare(t, img, allSteps)
		text, _ := ocr(t, res.Image)
		q := res.Quality
		t.Logf("%-12s sharp %7.1f bright %5.1f contrast %3.0f  CER %5.1f%%  (prepare %dms, scale %.2f)", name, q.Sharpness, q.Brightness, q.Contrast, 100*cer(want, text), dt.Milliseconds(), res.Scale)
	}
	run("sharp", viaJPEG(t, photo, 88))
	for _, s := range []float64{1.5, 2.5, 4, 6, 8} {
		run(fmt.Sprintf("blur σ%.1f", s), viaJPEG(t, blurGray(gray, s), 88))
	}
	for _, f := range []float64{0.6, 0.4, 0.3, 0.2, 0.12} {
		run(fmt.Sprintf("dark ×%.2f", f), viaJPEG(t, darken(photo, f), 88))
	}
}

// fieldRecall is the share of ground-truth field values found in text
// (spaces ignored, decimal point also tried as a comma).
func fieldRecall(fields map[string]any, text string) (int, int) {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	t := norm(text)
	found, n := 0, 0
	for _, v := range fields {
		s := fmt.Sprint(v)
		if s == "" || s == "<nil>" {
			continue
		}
		n++
		if strings.Contains(t, norm(s)) || strings.Contains(t, norm(strings.ReplaceAll(s, ".", ","))) {
			found++
		}
	}
	return found, n
}

// TestExploreCorpus runs every photo of testdata/corpus through OCR with
// and without preprocessing steps.
func TestExploreCorpus(t *testing.T) {
	os.MkdirAll("/tmp/pp", 0o755)
	dir := "../testdata/corpus/"
	if d := os.Getenv("PP_DIR"); d != "" {
		dir = d
	}
	files, _ := filepath.Glob(dir + "*-photo.jpg")
	if pat := os.Getenv("PP_FILES"); pat != "" {
		files, _ = filepath.Glob(dir + pat)
	}
	type job struct {
		file string
		v    variant
	}
	jobs := make(chan job)
	var mu sync.Mutex
	totals := map[string][4]float64{}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var meta struct{ Fields map[string]any }
				raw, _ := os.ReadFile(strings.TrimSuffix(j.file, ".jpg") + ".json")
				json.Unmarshal(raw, &meta)
				f, _ := os.Open(j.file)
				img, err := jpeg.Decode(f)
				f.Close()
				if err != nil {
					t.Error(err)
					continue
				}
				res, dt := timePrepare(t, img, j.v.do)
				if osd180(t, res.Image) {
					res.Image = Turn(res.Image, 180)
				}
				text, ot := ocr(t, res.Image)
				found, n := fieldRecall(meta.Fields, text)
				base := filepath.Base(j.file)
				t.Logf("%-36s %-15s fields %d/%d prep %4dms ocr %5dms crop=%v turn=%d skew=%.2f scale=%.2f q=%.0f/%.0f/%.0f out=%v",
					base, j.v.name, found, n, dt.Milliseconds(), ot.Milliseconds(), res.Cropped, res.Turned, res.Skew, res.Scale,
					res.Quality.Sharpness, res.Quality.Brightness, res.Quality.Contrast, res.Image.Rect.Size())
				savePNG(t, strings.ReplaceAll(base+"-"+j.v.name, " ", "_")+".png", res.Image)
				mu.Lock()
				tt := totals[j.v.name]
				totals[j.v.name] = [4]float64{tt[0] + float64(found), tt[1] + float64(n), tt[2] + float64(dt.Milliseconds()), tt[3] + float64(ot.Milliseconds())}
				mu.Unlock()
			}
		}()
	}
	vs := variants
	if os.Getenv("PP_ALL_ONLY") != "" {
		vs = variants[3:]
	}
	for _, f := range files {
		for _, v := range vs {
			jobs <- job{f, v}
		}
	}
	close(jobs)
	wg.Wait()
	for _, v := range variants {
		tt := totals[v.name]
		t.Logf("TOTAL %-15s fields %.0f/%.0f  prepare %.0fms  ocr %.0fms", v.name, tt[0], tt[1], tt[2], tt[3])
	}
}

// Benchmark12MP: a JPEG-decoded 4000×3000 photo of an A4 page.
func Benchmark12MP(b *testing.B) {
	page, _ := pageText(b, 2480, 3508, 42)
	img := viaJPEG(b, photograph(page, table(4000, 3000, 7), rotatedQuad(2000, 1500, 1900, 2690, 4, 0.06)), 88)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Prepare(context.Background(), img)
	}
}

func TestDebugFile(t *testing.T) {
	f, err := os.Open(os.Getenv("PP_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	savePNG(t, "in.png", img)
	full := toGray(img)
	k := max(1, max(full.Rect.Dx(), full.Rect.Dy())/(workLong*5/4))
	small := boxDown(full, k)
	chroma := chromaDown(img, k)
	paper := paperness(small, chroma)
	savePNG(t, "paper.png", paper)
	q, ok := findDocument(small, chroma)
	t.Logf("quad %v ok %v", q, ok)
	res, _ := Prepare(context.Background(), img)
	t.Logf("crop=%v turn=%d skew=%.2f scale=%.2f q=%+v", res.Cropped, res.Turned, res.Skew, res.Scale, res.Quality)
	savePNG(t, "out.png", res.Image)
}

// osd180 asks Tesseract OSD whether g is upside down (the measurement that
// showed OSD unreliable on card photocopies).
func osd180(t testing.TB, g *image.Gray) bool {
	out, _ := tesseractCLI(t, g, "--psm", "0", "-l", "osd")
	return strings.Contains(string(out), "Rotate: 180")
}

// TestDebugMargins prints the turn margin found on each corpus photo.
func TestDebugMargins(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("PP_DIR") + "*.jpg")
	for _, file := range files {
		f, _ := os.Open(file)
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			continue
		}
		full := toGray(img)
		k := max(1, max(full.Rect.Dx(), full.Rect.Dy())/(workLong*5/4))
		small := boxDown(full, k)
		quad, ok := findDocument(small, chromaDown(img, k))
		doc := docFrame{w: float64(full.Rect.Dx()), h: float64(full.Rect.Dy()), toSrc: identity()}
		if ok {
			doc = frameFromQuad(quad, float64(k))
		}
		an := analyse(small, k, doc, allSteps)
		t.Logf("%-36s crop=%v turn=%d margin=%+.2f skew=%.2f", filepath.Base(file), ok, an.o.turned, an.o.margin, an.o.skew)
	}
}

func TestDebugGlyphs(t *testing.T) {
	f, _ := os.Open(os.Getenv("PP_FILE"))
	img, _ := jpeg.Decode(f)
	full := toGray(img)
	k := max(1, max(full.Rect.Dx(), full.Rect.Dy())/(workLong*5/4))
	small := boxDown(full, k)
	quad, _ := findDocument(small, chromaDown(img, k))
	doc := frameFromQuad(quad, float64(k))
	sA := workLong / max(doc.w, doc.h)
	a0 := warp(small, scaling(1/float64(k)).mul(doc.toSrc).mul(scaling(1/sA)), int(doc.w*sA), int(doc.h*sA))
	ink, _ := glyphs(binarize(a0))
	g := image.NewGray(image.Rect(0, 0, ink.w, ink.h))
	for i, v := range ink.pix {
		g.Pix[i] = 255 - 255*v
	}
	savePNG(t, "glyphs.png", g)
	cols := inkPoints(ink.rotate90())
	for _, a := range []float64{-6.7, -3, 0, 3} {
		t.Logf("angle %.1f ssq %.4g", a, sumSquares(profile(cols, a)))
	}
}
