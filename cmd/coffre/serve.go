package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"coffre/server"
	"coffre/vault"
	"coffre/web"
	"coffre/workers"
)

// runServe runs the HTTP API and, unless --workers 0, the workers in the
// same process, until interrupted.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, sc, ok := parseServiceArgs("serve", "[--addr HÔTE:PORT] [--workers N]", args, stderr, completeServe)
	if !ok {
		return exitUsage
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	svc, err := openServices(ctx, sc, logger)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer svc.Close()
	if cfg.Workers > 0 {
		stop, err := svc.startWorkers(ctx, &cfg, logger)
		if err != nil {
			fmt.Fprintln(stderr, "coffre :", err)
			return exitFail
		}
		defer stop()
	}
	sched := asynq.NewSchedulerFromRedisClient(svc.redis, workers.SchedulerOpts(logger))
	if _, err := sched.Register(workers.FlagSchedule, workers.NewFlagTask()); err != nil {
		fmt.Fprintln(stderr, "coffre : tâche quotidienne des alertes :", err)
		return exitFail
	}
	if err := sched.Start(); err != nil {
		fmt.Fprintln(stderr, "coffre : tâche quotidienne des alertes :", err)
		return exitFail
	}
	defer sched.Shutdown()
	welcome := func(string) {}
	if svc.embedded {
		welcome = func(addr string) { firstAdmin(ctx, svc.store.(vault.Access), addr, stdout, logger) }
	}
	site := web.New(web.Config{
		API:      newServer(&cfg, sc, svc, logger).Handler(),
		Sessions: svc.store.(vault.Access),
		Now:      time.Now,
		// Browsers keep Secure cookies on http://localhost and 127.0.0.1,
		// and behind a TLS proxy; a phone on the local network reaching
		// plain http needs COFFRE_PLAIN_HTTP=1 (for trials only).
		SecureCookies: os.Getenv("COFFRE_PLAIN_HTTP") != "1",
		Logger:        logger,
	})
	return serveHTTP(ctx, sc.Addr, server.Protect(site), stdout, stderr, welcome)
}

// firstOrg is the organisation the embedded setup creates on first start,
// with its administrator firstAdminEmail.
const (
	firstOrg        = "CCAS"
	firstAdminEmail = "admin@ccas.local"
)

// firstAdmin creates, on the first start of the embedded setup, an
// organisation and its administrator, and prints the administrator's API
// token: without it nobody could use the vault.
func firstAdmin(ctx context.Context, st vault.Access, addr string, stdout io.Writer, logger *slog.Logger) {
	if _, err := st.OrgByName(ctx, firstOrg); !errors.Is(err, vault.ErrNotFound) {
		return
	}
	now := time.Now()
	org, err := st.CreateOrg(ctx, firstOrg, now)
	if err != nil {
		logger.Error("first start: organisation", "err", err)
		return
	}
	password := rand.Text()
	u, err := st.CreateUser(ctx, vault.User{OrgID: org.ID, Email: firstAdminEmail, Name: "Administrateur", Role: vault.RoleAdmin}, password, now)
	if err != nil {
		logger.Error("first start: administrator", "err", err)
		return
	}
	token, err := st.CreateToken(ctx, u.ID, now)
	if err != nil {
		logger.Error("first start: token", "err", err)
		return
	}
	fmt.Fprintf(stdout, "Premier démarrage : organisation « %s » et son administrateur créés.\n"+
		"Connectez-vous sur http://%s/connexion avec l'adresse %s et le mot de passe %s (affiché une seule fois : notez-le).\n"+
		"Jeton d'administration pour l'API (affiché une seule fois, conservez-le) : %s\n"+
		"Autres comptes : coffre user add, coffre token create, coffre mandate grant.\n", firstOrg, addr, firstAdminEmail, password, token)
}

// completeServe lets serve run without workers (--workers 0).
func completeServe(complete func() error, cfg *Config) error {
	if cfg.Workers == 0 {
		cfg.Workers = 1 // pass the shared check, then run none
		defer func() { cfg.Workers = 0 }()
	}
	return complete()
}

func newServer(cfg *Config, sc serviceConfig, svc *services, logger *slog.Logger) *server.Server {
	pol, _ := cfg.policy()
	var perUser, perAddr *server.Limiter
	if n := sc.UploadsPerMinute; n > 0 {
		perUser = server.NewLimiter(time.Minute/time.Duration(n), n)
		perAddr = server.NewLimiter(time.Minute/time.Duration(10*n), 10*n)
	}
	return &server.Server{
		UploadsPerUser: perUser, UploadsPerAddr: perAddr,
		Store: svc.store, Originals: svc.originals, Queue: svc.queue(), Journal: svc.store.(vault.Journal), Auth: svc.store.(vault.Access), Mandates: svc.store.(vault.Access), Persons: svc.store.(vault.Access), Accounts: svc.store.(vault.Access), Policy: pol,
		MaxBytes: cfg.Limits.MaxBytes, MaxFiles: cfg.Limits.MaxPages, Now: time.Now, Logger: logger,
		Ready:       func(ctx context.Context) error { return svc.redis.Ping(ctx).Err() },
		QueueSizes:  svc.queueSizes,
		MoreMetrics: svc.stats.WriteMetrics,
	}
}

// serveHTTP listens on addr and serves h until ctx is done, then lets
// requests in flight finish; welcome runs once the address is printed.
func serveHTTP(ctx context.Context, addr string, h http.Handler, stdout, stderr io.Writer, welcome func(addr string)) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "coffre : écoute sur %s impossible : %v\n", addr, err)
		return exitFail
	}
	// A slow phone on 3G may take minutes to send 50 MB; what it may not
	// do is hold a connection open while sending nothing.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "coffre : service prêt sur http://%s\n", ln.Addr())
	welcome(ln.Addr().String())
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "coffre :", err)
	}
	return exitOK
}
