package main

import (
	"context"
	"fmt"
	"io"

	"coffre"
	"coffre/corpus"
	"coffre/pipeline"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fl, complete := newFlags("eval", "[--as-of AAAA-MM-JJ] [--workers N] DOSSIER", &cfg, stderr)
	if !parseArgs(fl, args, stderr, complete, func(n int) bool { return n == 1 }) {
		return exitUsage
	}
	p, done, ok := openPipeline(&cfg, stderr)
	if !ok {
		return exitFail
	}
	defer done()
	rep, err := evaluate(ctx, p, fl.Arg(0), cfg)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "corpus %s, as of %s, %d OCR slots\n\n", fl.Arg(0), cfg.AsOf, cfg.Workers)
	rep.Print(stdout)
	return exitOK
}

// evaluate scans every document of the corpus in dir and scores it.
func evaluate(ctx context.Context, p *pipeline.Pipeline, dir string, cfg Config) (corpus.Report, error) {
	truths, err := corpus.Load(dir)
	if err != nil {
		return corpus.Report{}, err
	}
	files := make([]string, len(truths))
	for i, t := range truths {
		files[i] = t.File
	}
	records := map[string]coffre.Record{}
	for rec := range scanFiles(ctx, p, files, cfg) {
		records[rec.File] = rec.Record
	}
	status := func(expires coffre.Date) coffre.Status { return p.Policy.Status(expires, cfg.AsOf) }
	return corpus.Score(truths, records, status), nil
}
