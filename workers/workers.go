// Package workers runs the scan pipeline on Asynq: the task that turns an
// uploaded document into its record, the daily task that flags expiring
// proofs, and the loop that queues again what Redis lost. The pipeline and
// the vault know nothing of Asynq; this package only adapts them.
//
// The database is the source of truth, the queue only carries work: a task
// holds nothing but a document id, a worker claims the document in the
// database (with a lease) before working on it, and finishing it is one
// state change there. So a lost task, a killed worker or a second copy of
// a task loses nothing and does nothing twice.
package workers

import (
	"cmp"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"coffre/intake"
	"coffre/vault"
)

// Task types. Never rename them: queued tasks outlive the code.
const (
	TypeProcess      = "document:process"
	TypeFlagExpiries = "vault:flag_expiries"
)

// Queues by priority, processed strictly in this order: an agent waiting
// at a counter goes before an import.
var Queues = map[string]int{vault.QueueInteractive: 6, vault.QueueBulk: 1}

type processPayload struct {
	DocumentID string `json:"document_id"`
}

// DefaultPageTimeout is the time budget of one page: OCR takes ~1 s a
// page here, a slow page 15 s. A document gets one more page's worth. It
// is also how long a worker holds a document between renewals (see
// Processor.Lease).
const DefaultPageTimeout = 60 * time.Second

const maxRetry = 10

// taskTimeout is a document's budget; Asynq keeps whole seconds.
func taskTimeout(pages int, perPage time.Duration) time.Duration {
	perPage = cmp.Or(perPage, DefaultPageTimeout)
	return (time.Duration(max(pages, 1)+1) * perPage).Round(time.Second)
}

// NewProcessTask returns the task that processes doc, with perPage
// seconds a page (0: DefaultPageTimeout). Its id derives from the
// document's, so queuing it twice while it waits does nothing.
func NewProcessTask(doc *vault.Document, perPage time.Duration) (*asynq.Task, error) {
	payload, err := json.Marshal(processPayload{DocumentID: doc.ID})
	if err != nil {
		return nil, fmt.Errorf("workers: payload: %w", err)
	}
	return asynq.NewTask(TypeProcess, payload,
		asynq.TaskID(processTaskID(doc.ID)),
		asynq.Queue(queueOf(doc)),
		asynq.Timeout(taskTimeout(pagesBound(doc), perPage)),
		asynq.MaxRetry(maxRetry),
	), nil
}

func processTaskID(docID string) string { return "process:" + docID }

// pagesBound is the most pages doc may have, for its time budget: a
// photo is one, a PDF or a TIFF may hold as many as the document may
// (its pages are counted only when it is decoded).
func pagesBound(doc *vault.Document) int {
	maxPages := intake.DefaultLimits().MaxPages
	n := 0
	for _, p := range doc.Pages {
		if p.Mime == "application/pdf" || p.Mime == "image/tiff" {
			n += maxPages
		} else {
			n++
		}
	}
	return min(n, maxPages)
}

// queueOf is the queue of doc's task: its own if the workers serve it,
// else the agents'.
func queueOf(doc *vault.Document) string {
	if _, ok := Queues[doc.Queue]; ok {
		return doc.Queue
	}
	return vault.QueueInteractive
}

// RetryDelay backs off exponentially from 2 s to 2 min: a document leased
// to a dead worker, or a database that was away, is worth trying again
// soon; an agent is waiting.
func RetryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := 2 * time.Second << min(n, 6)
	return min(d, 2*time.Minute)
}
