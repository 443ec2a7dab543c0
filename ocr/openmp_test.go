//go:build linux

package ocr

import (
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/otiai10/gosseract/v2"
)

// TestSerialRegions checks that Tesseract's parallel regions run through
// openmp.go's entry points, and that a page read through them gives the
// words and confidences that the Tesseract CLI, on libgomp's, gives for
// the same pixels with the same settings.
func TestSerialRegions(t *testing.T) {
	img := renderLines(t, sample)
	c, err := newClient("fra", map[gosseract.SettableVariable]string{
		"tessedit_pageseg_mode":      "6",
		"textord_disable_pitch_test": "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := setImage(c, img); err != nil {
		t.Fatal(err)
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		t.Fatal(err)
	}
	if !serialRegions() {
		maps, err := os.ReadFile("/proc/self/maps")
		if err == nil && !strings.Contains(string(maps), "libgomp") {
			t.Skip("this libtesseract is built without OpenMP: it has no parallel regions")
		}
		t.Fatal("Tesseract's parallel regions went to libgomp, not to openmp.go")
	}

	file := filepath.Join(t.TempDir(), "page.png")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command("tesseract", file, "stdout", "-l", "fra", "--psm", "6",
		"-c", "textord_disable_pitch_test=1", "-c", "user_defined_dpi=300", "tsv")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	var words []string
	var confs []float64
	for line := range strings.Lines(string(out)) {
		// level page block par line word left top width height conf text
		cols := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(cols) != 12 || cols[0] != "5" {
			continue
		}
		conf, err := strconv.ParseFloat(cols[10], 64)
		if err != nil {
			t.Fatalf("tsv line %q: %v", line, err)
		}
		words, confs = append(words, cols[11]), append(confs, conf)
	}
	if len(words) != len(boxes) || len(words) < 40 {
		t.Fatalf("%d words read in process, %d by the CLI", len(boxes), len(words))
	}
	for i, b := range boxes {
		if b.Word != words[i] || math.Abs(b.Confidence-confs[i]) > 0.01 {
			t.Errorf("word %d: %q (%.2f) in process, %q (%.2f) by the CLI", i, b.Word, b.Confidence, words[i], confs[i])
		}
	}
}
