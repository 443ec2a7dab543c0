package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"coffre/vault"
)

// ready answers 200 when the database and the queue answer.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{"database": s.Store.Ping}
	if s.Ready != nil {
		checks["queue"] = s.Ready
	}
	status := map[string]string{}
	code := http.StatusOK
	for name, check := range checks {
		status[name] = "ok"
		if err := check(ctx); err != nil {
			status[name], code = "unreachable", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, code, status)
}

// metrics exposes, in Prometheus text format, the documents by state, the
// tasks waiting by queue and what MoreMetrics adds (stage durations of the
// workers in this process; worker processes serve their own).
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	counts, err := s.Store.Counts(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, msgInternal, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP coffre_documents Documents in the vault by state.")
	fmt.Fprintln(w, "# TYPE coffre_documents gauge")
	for _, st := range vault.States {
		fmt.Fprintf(w, "coffre_documents{state=%q} %d\n", st, counts[st])
	}
	// Uploads waiting for a turn mean this process stores as fast as it
	// can: another serve process would share them.
	fmt.Fprintln(w, "# HELP coffre_uploads Uploads of this process being stored, and waiting for their turn.")
	fmt.Fprintln(w, "# TYPE coffre_uploads gauge")
	fmt.Fprintf(w, "coffre_uploads{state=\"storing\"} %d\n", len(s.storing))
	fmt.Fprintf(w, "coffre_uploads{state=\"waiting\"} %d\n", s.waiting.Load())
	if s.MoreMetrics != nil {
		defer s.MoreMetrics(w)
	}
	if s.QueueSizes == nil {
		return
	}
	sizes, err := s.QueueSizes()
	if err != nil {
		return
	}
	fmt.Fprintln(w, "# HELP coffre_queue_tasks Tasks waiting or running by queue.")
	fmt.Fprintln(w, "# TYPE coffre_queue_tasks gauge")
	names := make([]string, 0, len(sizes))
	for q := range sizes {
		names = append(names, q)
	}
	slices.Sort(names)
	for _, q := range names {
		fmt.Fprintf(w, "coffre_queue_tasks{queue=%q} %d\n", q, sizes[q])
	}
}
