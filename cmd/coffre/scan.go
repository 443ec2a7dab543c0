package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"

	"coffre"
	"coffre/pipeline"
)

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fl, complete := newFlags("scan", "[--as-of AAAA-MM-JJ] [--json] [--workers N] FICHIER...", &cfg, stderr)
	asJSON := fl.Bool("json", false, "un objet JSON par fichier et par ligne")
	if !parseArgs(fl, args, stderr, complete, func(n int) bool { return n > 0 }) {
		return exitUsage
	}
	p, done, ok := openPipeline(&cfg, stderr)
	if !ok {
		return exitFail
	}
	defer done()
	print := printTable(stdout)
	if *asJSON {
		print = printJSON(stdout)
	}
	missing := false
	for rec := range scanFiles(ctx, p, fl.Args(), cfg) {
		if errors.Is(rec.err, fs.ErrNotExist) {
			missing = true
		}
		print(rec.Record)
	}
	if missing {
		return exitUsage // a path that does not exist is a typing mistake, not a bad document
	}
	return exitOK
}

// scanned is a record and the error that prevented reading its file.
type scanned struct {
	coffre.Record
	err error
}

// scanFiles scans files with cfg.Workers in parallel and yields the records
// in the order of files, each as soon as it and those before it are done.
func scanFiles(ctx context.Context, p *pipeline.Pipeline, files []string, cfg Config) <-chan scanned {
	slots := make([]chan scanned, len(files))
	for i := range slots {
		slots[i] = make(chan scanned, 1)
	}
	sem := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			slots[i] <- scanFile(ctx, p, name, cfg)
		})
	}
	out := make(chan scanned)
	go func() {
		defer close(out)
		for _, s := range slots {
			out <- <-s
		}
		wg.Wait()
	}()
	return out
}

func scanFile(ctx context.Context, p *pipeline.Pipeline, name string, cfg Config) scanned {
	data, err := readLimited(name, cfg.Limits.MaxBytes)
	if err != nil {
		return scanned{Record: errorRecord(name, err), err: err}
	}
	return scanned{Record: p.Scan(ctx, name, data, cfg.AsOf)}
}

// readLimited reads at most limit+1 bytes of a file: enough for intake to
// refuse an oversized file without holding all of it in memory.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, coffre.Errorf(coffre.EUNSUPPORTED, "Fichier introuvable : vérifiez le chemin.", "open: %w", err)
		}
		return nil, coffre.Errorf(coffre.ECORRUPT, "Fichier impossible à lire : vérifiez ses droits d'accès.", "open: %w", err)
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// errorRecord is the record of a file that could not be read at all.
func errorRecord(name string, err error) coffre.Record {
	rec := coffre.NewRecord(name)
	rec.Error = coffre.ErrorMessage(err)
	return rec
}

func printJSON(w io.Writer) func(coffre.Record) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return func(r coffre.Record) { _ = enc.Encode(r) }
}
