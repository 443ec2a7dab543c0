package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// runWorker runs workers only, to add processing on more machines: it
// needs the shared Redis and PostgreSQL of the scaled setup.
func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, sc, ok := parseServiceArgs("worker", "[--workers N]", args, stderr, nil)
	if !ok {
		return exitUsage
	}
	if sc.RedisURL == "" || sc.DatabaseURL == "" {
		fmt.Fprintln(stderr, "coffre : « worker » partage le travail d'autres processus : définissez COFFRE_REDIS_URL et COFFRE_DATABASE_URL (sinon, « coffre serve » fait tout).")
		return exitUsage
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	svc, err := openServices(ctx, sc, logger)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer svc.Close()
	stop, err := svc.startWorkers(ctx, &cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer stop()
	if sc.MetricsAddr != "" {
		ln, err := net.Listen("tcp", sc.MetricsAddr)
		if err != nil {
			fmt.Fprintln(stderr, "coffre : adresse des métriques :", err)
			return exitFail
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { svc.stats.WriteMetrics(w) })
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
	}
	fmt.Fprintf(stdout, "coffre : %d lecteur(s) au travail\n", cfg.Workers)
	<-ctx.Done()
	return exitOK
}
