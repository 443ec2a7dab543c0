package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"coffre"
	"coffre/corpus"
	"coffre/pipeline"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	complete := cfg.flags(fl)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage : coffre eval [--as-of AAAA-MM-JJ] [--workers N] DOSSIER")
		fl.PrintDefaults()
	}
	if !parse(fl, args, stderr, complete) {
		return exitUsage
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, tess, err := newPipeline(&cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer tess.Close()
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
