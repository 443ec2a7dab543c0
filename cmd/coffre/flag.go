package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// runFlag raises the expiry alerts due on --as-of (default today) at once,
// as the daily task does; for an operator, or a test moving the date.
func runFlag(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, sc, ok := parseServiceArgs("flag-expiries", "[--as-of AAAA-MM-JJ]", args, stderr, nil)
	if !ok {
		return exitUsage
	}
	pol, err := cfg.policy()
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	st, err := openStore(ctx, sc)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer st.Close()
	alerts, err := st.FlagExpiries(ctx, cfg.AsOf, pol.ExpiringSoonDays, time.Now())
	if err != nil {
		slog.New(slog.NewTextHandler(stderr, nil)).Error("flag expiries", "err", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%d alerte(s) levée(s) au %s\n", len(alerts), cfg.AsOf)
	return exitOK
}
