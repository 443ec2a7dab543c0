package workers

import (
	"testing"

	"github.com/hibiken/asynq"

	"coffre/vault"
	"coffre/workers/redistest"
)

// TestEnqueue: a document's task is queued once while it waits, and
// replaced once it gave up (archived), also for a document whose queue
// the workers do not serve, whose task waits in the agents' queue.
func TestEnqueue(t *testing.T) {
	opt := asynq.RedisClientOpt{Addr: redistest.Start(t, 0).Addr()}
	client, insp := asynq.NewClient(opt), asynq.NewInspector(opt)
	t.Cleanup(func() { client.Close(); insp.Close() })
	q := Queue{Client: client, Inspector: insp}
	for _, tc := range []struct{ queue, want string }{
		{vault.QueueBulk, vault.QueueBulk},
		{"imports-2019", vault.QueueInteractive},
	} {
		doc := &vault.Document{ID: "doc-" + tc.queue, Queue: tc.queue}
		id := processTaskID(doc.ID)
		state := func() asynq.TaskState {
			t.Helper()
			info, err := insp.GetTaskInfo(tc.want, id)
			if err != nil {
				t.Fatalf("%s: %v", tc.queue, err)
			}
			return info.State
		}
		for range 2 {
			if err := q.Enqueue(t.Context(), doc); err != nil {
				t.Fatalf("%s: %v", tc.queue, err)
			}
		}
		if got := state(); got != asynq.TaskStatePending {
			t.Errorf("%s: task %v, want pending", tc.queue, got)
		}
		if err := insp.ArchiveTask(tc.want, id); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(t.Context(), doc); err != nil {
			t.Fatalf("%s: enqueue after archive: %v", tc.queue, err)
		}
		if got := state(); got != asynq.TaskStatePending {
			t.Errorf("%s: archived task %v after Enqueue, want pending again", tc.queue, got)
		}
	}
}
