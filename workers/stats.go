package workers

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"coffre"
	"coffre/vault"
)

// Stats counts what this process's workers did, for /metrics: documents
// finished by state and the time of each pipeline stage. Safe for
// concurrent use.
type Stats struct {
	mu       sync.Mutex
	finished map[vault.State]int
	stages   map[string]StageTime
}

// StageTime is the total time spent in a stage and over how many
// documents.
type StageTime struct {
	Total time.Duration
	Count int
}

func (s *Stats) add(state vault.State, rec coffre.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished == nil {
		s.finished, s.stages = map[vault.State]int{}, map[string]StageTime{}
	}
	s.finished[state]++
	for stage, ms := range rec.TimingsMS {
		t := s.stages[stage]
		t.Total += time.Duration(ms) * time.Millisecond
		t.Count++
		s.stages[stage] = t
	}
}

// Snapshot returns copies of the counts.
func (s *Stats) Snapshot() (finished map[vault.State]int, stages map[string]StageTime) {
	s.mu.Lock()
	defer s.mu.Unlock()
	finished, stages = map[vault.State]int{}, map[string]StageTime{}
	for k, v := range s.finished {
		finished[k] = v
	}
	for k, v := range s.stages {
		stages[k] = v
	}
	return finished, stages
}

// WriteMetrics writes the counts in Prometheus text format.
func (s *Stats) WriteMetrics(w io.Writer) {
	finished, stages := s.Snapshot()
	fmt.Fprintln(w, "# HELP coffre_documents_finished_total Documents this process's workers finished, by state.")
	fmt.Fprintln(w, "# TYPE coffre_documents_finished_total counter")
	for _, st := range vault.States {
		if st.Final() {
			fmt.Fprintf(w, "coffre_documents_finished_total{state=%q} %d\n", st, finished[st])
		}
	}
	fmt.Fprintln(w, "# HELP coffre_stage_seconds Time this process's workers spent in each pipeline stage.")
	fmt.Fprintln(w, "# TYPE coffre_stage_seconds summary")
	for _, stage := range slices.Sorted(maps.Keys(stages)) {
		t := stages[stage]
		fmt.Fprintf(w, "coffre_stage_seconds_sum{stage=%q} %.3f\n", stage, t.Total.Seconds())
		fmt.Fprintf(w, "coffre_stage_seconds_count{stage=%q} %d\n", stage, t.Count)
	}
}
