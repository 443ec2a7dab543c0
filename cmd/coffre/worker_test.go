package main

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"coffre/vault/vaulttest"
	"coffre/workers/redistest"
)

// TestWorkerMetricsAddrTaken: a worker whose /metrics address is taken
// says so and stops, rather than running unobserved.
func TestWorkerMetricsAddrTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	t.Setenv("COFFRE_REDIS_URL", "redis://"+redistest.Start(t, 0).Addr()+"/0")
	t.Setenv("COFFRE_DATABASE_URL", vaulttest.PostgresSchema(t))
	t.Setenv("COFFRE_DATA_DIR", t.TempDir())
	t.Setenv("COFFRE_MASTER_KEY", strings.Repeat("ab", 32))
	t.Setenv("COFFRE_METRICS_ADDR", taken.Addr().String())
	var stdout, stderr bytes.Buffer
	if code := runWorker(t.Context(), []string{"--workers", "1"}, &stdout, &stderr); code != exitFail || !strings.Contains(stderr.String(), "adresse des métriques") {
		t.Errorf("exit %d, stderr %q; want %d and the address refused", code, stderr.String(), exitFail)
	}
}
