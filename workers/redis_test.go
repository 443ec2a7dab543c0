package workers

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestEmbeddedRedisExpires: keys with a time to live expire in the
// embedded Redis as the clock goes, without anyone moving it (Asynq's
// unique locks and heartbeats rely on it), and keys without one stay.
func TestEmbeddedRedisExpires(t *testing.T) {
	defer func(d time.Duration) { ttlTick = d }(ttlTick)
	ttlTick = 20 * time.Millisecond
	addr, stop, err := EmbeddedRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	ctx := t.Context()
	if err := rc.Set(ctx, "lock", "1", 100*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Set(ctx, "kept", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := rc.Exists(ctx, "lock").Result(); err != nil || n != 1 {
		t.Fatalf("lock just set: exists %d, %v", n, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for rc.Exists(ctx, "lock").Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("a key of 100 ms still there after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := rc.Exists(ctx, "kept").Val(); n != 1 {
		t.Error("a key without a time to live expired")
	}
}
