package workers

import (
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// ttlTick is how often the embedded Redis ages its keys: Asynq's keys
// that expire (unique locks, servers' heartbeats) live for seconds.
var ttlTick = time.Second

// EmbeddedRedis starts a Redis in the process, on 127.0.0.1, for the
// embedded default, and returns its address and how to stop it. It
// persists nothing: the database is the source of truth and the requeue
// loop refills the queue at start-up.
//
// Its keys expire as the clock goes, which Asynq needs, by a tick every
// ttlTick rather than by miniredis's ClockTTL: with ClockTTL, every
// command of miniredis 2.40 first lists and sorts every key to age them,
// so that queuing a task cost more the more tasks waited: while 3,000
// uploads filled the queue, their enqueues took 1.1 ms of processor time
// each on average, more than the rest of the upload. A tick does that
// work once a second.
func EmbeddedRedis() (addr string, stop func(), err error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("workers: embedded Redis: %w", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(ttlTick)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	})
	return m.Addr(), func() { close(done); wg.Wait(); m.Close() }, nil
}
