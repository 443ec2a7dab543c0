package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre"
	"coffre/corpus"
	"coffre/intake"
)

// corpusDir is the committed sample corpus, with its ground truth, or the
// corpus COFFRE_TEST_CORPUS names (make test-long generates a larger one).
var corpusDir = cmp.Or(os.Getenv("COFFRE_TEST_CORPUS"), "../../testdata/corpus")

// asOf is fixed so that statuses do not change with the day the tests run.
const asOf = "2026-11-23"

func TestScanCommand(t *testing.T) {
	truths, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "vide.jpg")
	corrupt := filepath.Join(dir, "abime.jpg")
	mustWrite(t, empty, nil)
	mustWrite(t, corrupt, []byte("\xff\xd8\xff\xe0 not really a jpeg"))
	files := []string{truths[0].File, empty, corrupt, truths[1].File}

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"scan", "--json", "--as-of", asOf, "--workers", "2"}, files...), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d JSON lines for %d files:\n%s", len(lines), len(files), stdout.String())
	}
	for i, line := range lines {
		var rec coffre.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if rec.File != files[i] {
			t.Errorf("line %d is for %s, want %s (input order)", i, rec.File, files[i])
		}
		wantErr := files[i] == empty || files[i] == corrupt
		if (rec.Error != "") != wantErr {
			t.Errorf("%s: error %q, want error: %v", files[i], rec.Error, wantErr)
		}
		if wantErr && rec.Status != coffre.StatusUndetermined {
			t.Errorf("%s: status %s, want undetermined", files[i], rec.Status)
		}
	}
}

func TestScanMisuse(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", "--as-of", "23/11/2026", "x.jpg"},
		{"scan", "--workers", "0", "x.jpg"},
		{"scan", "does-not-exist.jpg"},
		{"nope"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit code %d, want %d", args, code, exitUsage)
		}
	}
}

// TestCorpusAccuracy runs the real pipeline (real Tesseract) on the
// committed corpus and holds it to the accuracy floors of the project.
func TestCorpusAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("real OCR of the whole corpus")
	}
	var out bytes.Buffer
	rep := evalCorpus(t, &Config{})
	rep.Print(&out)
	t.Logf("\n%s", out.String())

	type floor struct {
		what string
		got  corpus.Tally
		min  float64
	}
	floors := []floor{
		{"type", rep.Type, 0.98},
		{"type on photos", rep.TypeBy["rendering:photo"], 0.95},
		{"identity subtype", rep.TypeBy["type:piece_identite"], 0.97},
		{"status", rep.Status, 0.95},
		{"unreadable photos flagged", rep.Unreadable, 1},
	}
	for field, tally := range rep.Fields {
		floors = append(floors, floor{field, tally, 0.90})
	}
	for _, f := range floors {
		if f.got.All == 0 {
			t.Errorf("%s: nothing measured", f.what)
		} else if f.got.Rate() < f.min {
			t.Errorf("%s: %s, floor %.0f %%", f.what, f.got, 100*f.min)
		}
	}
	if len(rep.LookalikesTaken) > 0 {
		t.Errorf("look-alikes taken as a target type: %q", rep.LookalikesTaken)
	}
	if len(rep.VerifiedWrong) > 0 {
		t.Errorf("MRZs reported verified with a wrong field: %q", rep.VerifiedWrong)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("scan errors: %q", rep.Errors)
	}
}

func evalCorpus(t *testing.T, cfg *Config) corpus.Report {
	t.Helper()
	d, _ := coffre.ParseDate(asOf)
	cfg.AsOf, cfg.Workers, cfg.PageSegMode = d, 2, 3
	cfg.Limits = intake.DefaultLimits()
	p, tess, err := newPipeline(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tess.Close()
	rep, err := evaluate(context.Background(), p, corpusDir, *cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func mustWrite(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
