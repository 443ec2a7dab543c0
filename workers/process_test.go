package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"coffre"
	"coffre/intake"
	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/seal"
)

// memStore is a fake of the vault for unit tests: one document.
type memStore struct {
	doc       vault.Document
	leased    bool
	finished  vault.State
	cause     string
	released  bool
	finishErr error
	takenOver bool         // Renew answers ErrConflict
	renewals  atomic.Int32 // Renew calls
}

func (m *memStore) Get(_ context.Context, id string) (*vault.Document, error) {
	if id != m.doc.ID {
		return nil, vault.ErrNotFound
	}
	d := m.doc
	return &d, nil
}

func (m *memStore) Claim(_ context.Context, id string, _ time.Duration, _ time.Time) (*vault.Document, error) {
	switch {
	case id != m.doc.ID:
		return nil, vault.ErrNotFound
	case m.leased || m.doc.State != vault.StateReceived:
		return nil, vault.ErrNotClaimable
	}
	m.doc.State = vault.StateProcessing
	m.doc.Attempts++
	d := m.doc
	return &d, nil
}

func (m *memStore) Renew(context.Context, string, int, time.Duration, time.Time) error {
	m.renewals.Add(1)
	if m.takenOver {
		return vault.ErrConflict
	}
	return nil
}

func (m *memStore) Finish(_ context.Context, _ string, _ coffre.Record, _ string, state vault.State, cause string, _ time.Time) error {
	if m.finishErr != nil {
		return m.finishErr
	}
	if m.doc.State != vault.StateProcessing {
		return vault.ErrConflict
	}
	m.doc.State, m.finished, m.cause = state, state, cause
	return nil
}

func (m *memStore) Release(context.Context, string, string, time.Time) error {
	m.doc.State, m.released = vault.StateReceived, true
	return nil
}

type originals struct{ err error }

func (o originals) Load(context.Context, *vault.Document) ([][]byte, error) {
	return [][]byte{[]byte("page")}, o.err
}

type scanner struct{ rec coffre.Record }

func (s scanner) ScanFiles(context.Context, string, [][]byte, coffre.Date) coffre.Record {
	return s.rec
}

func task(t *testing.T, id string) *asynq.Task {
	t.Helper()
	b, err := json.Marshal(processPayload{DocumentID: id})
	if err != nil {
		t.Fatal(err)
	}
	return asynq.NewTask(TypeProcess, b)
}

func TestProcessTask(t *testing.T) {
	avis := coffre.NewRecord("x")
	avis.Type = coffre.TypeAvisImposition
	failedMRZ := coffre.NewRecord("x")
	failedMRZ.Checks = []coffre.Check{{Name: "mrz_check_digits", OK: false}}
	corrupt := coffre.NewRecord("x")
	corrupt.Error = "Le fichier est illisible ou abîmé : reprenez la photo ou renvoyez le fichier."
	for _, tc := range []struct {
		name      string
		state     vault.State
		attempts  int // claims before this one
		leased    bool
		loadErr   error
		finishErr error
		rec       coffre.Record
		id        string
		wantState vault.State // state after the task
		wantCause string      // "": not checked
		wantErr   error       // nil, asynq.SkipRetry, ErrLeased or errDisk
	}{
		{name: "read", state: vault.StateReceived, rec: avis, wantState: vault.StateDone},
		{name: "MRZ unproven: review", state: vault.StateReceived, rec: failedMRZ, wantState: vault.StateNeedsReview},
		{name: "corrupt file: failed", state: vault.StateReceived, rec: corrupt, wantState: vault.StateFailed},
		{name: "already done: nothing", state: vault.StateDone, rec: avis, wantState: vault.StateDone},
		{name: "leased to another worker: retry", state: vault.StateProcessing, leased: true, rec: avis, wantState: vault.StateProcessing, wantErr: ErrLeased},
		{name: "original lost: failed, no retry", state: vault.StateReceived, loadErr: fmt.Errorf("originals: %w", blob.ErrNotFound), wantState: vault.StateFailed, wantCause: causeLost, wantErr: asynq.SkipRetry},
		{name: "original altered: failed, no retry", state: vault.StateReceived, loadErr: fmt.Errorf("originals: %w", seal.ErrDecrypt), wantState: vault.StateFailed, wantCause: causeLost, wantErr: asynq.SkipRetry},
		{name: "disk error: given back, retried", state: vault.StateReceived, loadErr: errDisk, wantState: vault.StateReceived, wantErr: errDisk},
		{name: "database away at the end: given back, retried", state: vault.StateReceived, rec: avis, finishErr: errDisk, wantState: vault.StateReceived, wantErr: errDisk},
		{name: "last attempt: read", state: vault.StateReceived, attempts: maxAttempts - 1, rec: avis, wantState: vault.StateDone},
		{name: "attempts spent: failed, no retry", state: vault.StateReceived, attempts: maxAttempts, rec: avis, wantState: vault.StateFailed, wantCause: causeGaveUp, wantErr: asynq.SkipRetry},
		{name: "unknown document: no retry", state: vault.StateReceived, id: "nope", wantState: vault.StateReceived, wantErr: asynq.SkipRetry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &memStore{doc: vault.Document{ID: "d1", State: tc.state, Attempts: tc.attempts}, leased: tc.leased, finishErr: tc.finishErr}
			p := &Processor{Store: st, Originals: originals{tc.loadErr}, Scanner: scanner{tc.rec}, Now: time.Now}
			id := tc.id
			if id == "" {
				id = "d1"
			}
			err := p.ProcessTask(context.Background(), task(t, id))
			if (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if st.doc.State != tc.wantState {
				t.Errorf("state %s, want %s", st.doc.State, tc.wantState)
			}
			if tc.wantCause != "" && st.cause != tc.wantCause {
				t.Errorf("cause %q, want %q", st.cause, tc.wantCause)
			}
			if errors.Is(err, asynq.SkipRetry) != errors.Is(tc.wantErr, asynq.SkipRetry) {
				t.Errorf("err = %v: SkipRetry %v, want %v", err, errors.Is(err, asynq.SkipRetry), errors.Is(tc.wantErr, asynq.SkipRetry))
			}
		})
	}
}

var errDisk = errors.New("input/output error")

func TestProcessTaskBadPayload(t *testing.T) {
	p := &Processor{Store: &memStore{}, Now: time.Now}
	if err := p.ProcessTask(context.Background(), asynq.NewTask(TypeProcess, []byte("{"))); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("err = %v, want SkipRetry", err)
	}
}

func TestProcessTaskInterrupted(t *testing.T) {
	st := &memStore{doc: vault.Document{ID: "d1", State: vault.StateReceived}}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Processor{Store: st, Originals: originals{}, Scanner: cancelScanner{cancel}, Now: time.Now}
	if err := p.ProcessTask(ctx, task(t, "d1")); err == nil {
		t.Error("an interrupted task reported success")
	}
	if !st.released || st.doc.State != vault.StateReceived {
		t.Errorf("interrupted document: released %v, state %s; want released, received", st.released, st.doc.State)
	}
}

// TestProcessTaskHolds: a worker renews its lease while it reads a
// document for longer than the lease, and stops, leaving the document
// as it is, when another worker took it over.
func TestProcessTaskHolds(t *testing.T) {
	const lease = 60 * time.Millisecond
	for _, takenOver := range []bool{false, true} {
		st := &memStore{doc: vault.Document{ID: "d1", State: vault.StateReceived}, takenOver: takenOver}
		avis := coffre.NewRecord("d1")
		avis.Type = coffre.TypeAvisImposition
		p := &Processor{Store: st, Originals: originals{}, Scanner: slowScanner{avis, 3 * lease}, Lease: lease, Now: time.Now}
		err := p.ProcessTask(context.Background(), task(t, "d1"))
		switch {
		case !takenOver && (err != nil || st.doc.State != vault.StateDone || st.renewals.Load() < 2):
			t.Errorf("read over 3 leases: %v, state %s, %d renewals; want done, renewed", err, st.doc.State, st.renewals.Load())
		case takenOver && (!errors.Is(err, errTakenOver) || !errors.Is(err, asynq.SkipRetry) || st.released || st.doc.State != vault.StateProcessing):
			t.Errorf("taken over: %v, released %v, state %s; want errTakenOver, no retry, left processing", err, st.released, st.doc.State)
		}
	}
}

// slowScanner reads for d, or until its context ends.
type slowScanner struct {
	rec coffre.Record
	d   time.Duration
}

func (s slowScanner) ScanFiles(ctx context.Context, _ string, _ [][]byte, _ coffre.Date) coffre.Record {
	select {
	case <-time.After(s.d):
	case <-ctx.Done():
	}
	return s.rec
}

type cancelScanner struct{ cancel func() }

func (c cancelScanner) ScanFiles(context.Context, string, [][]byte, coffre.Date) coffre.Record {
	c.cancel()
	return coffre.NewRecord("x")
}

func TestTaskOptions(t *testing.T) {
	task, err := NewProcessTask(&vault.Document{ID: "abc", Queue: vault.QueueBulk, Pages: make([]vault.Page, 3)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if task.Type() != TypeProcess {
		t.Errorf("type %s", task.Type())
	}
	if got := taskTimeout(3, 0); got != 4*time.Minute {
		t.Errorf("timeout for 3 pages %v, want 4m", got)
	}
	photoAndPDF := &vault.Document{Pages: []vault.Page{{Mime: "image/jpeg"}, {Mime: "application/pdf"}}}
	if got, want := pagesBound(photoAndPDF), intake.DefaultLimits().MaxPages; got != want {
		t.Errorf("a photo and a PDF may have %d pages, want %d (the PDF's are unknown until decoded)", got, want)
	}
	if got := taskTimeout(1, 2500*time.Millisecond); got != 5*time.Second {
		t.Errorf("timeout for 1 page at 2.5 s %v, want 5s", got)
	}
	if RetryDelay(1, nil, nil) >= RetryDelay(3, nil, nil) || RetryDelay(20, nil, nil) != 2*time.Minute {
		t.Errorf("retry delays do not grow to 2 min: %v %v %v", RetryDelay(1, nil, nil), RetryDelay(3, nil, nil), RetryDelay(20, nil, nil))
	}
}

func TestStats(t *testing.T) {
	rec := coffre.NewRecord("x")
	rec.TimingsMS = map[string]int64{"ocr": 1500, "decode": 40}
	var stats Stats
	for _, id := range []string{"d1", "d2"} {
		st := &memStore{doc: vault.Document{ID: id, State: vault.StateReceived}}
		p := &Processor{Store: st, Originals: originals{}, Scanner: scanner{rec}, Now: time.Now, Stats: &stats}
		if err := p.ProcessTask(context.Background(), task(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	stats.WriteMetrics(&b)
	for _, want := range []string{
		`coffre_documents_finished_total{state="done"} 2`,
		`coffre_stage_seconds_sum{stage="ocr"} 3.000`,
		`coffre_stage_seconds_count{stage="decode"} 2`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, b.String())
		}
	}
}
