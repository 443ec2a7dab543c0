// Package redistest starts Redis servers of a test's own, so that tests
// and benchmarks touch no Redis anyone else uses, and can restart theirs
// empty.
package redistest

import (
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Server is a redis-server process, persisting nothing.
type Server struct {
	port int
	cmd  *exec.Cmd
}

// Start starts a Server on port, or on a free one if port is 0, and stops
// it at the end of t.
func Start(t testing.TB, port int) *Server {
	t.Helper()
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server (make test installs it): %v", err)
	}
	s := &Server{port: port, cmd: cmd}
	t.Cleanup(s.Stop)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", s.Addr())
		if err == nil {
			c.Close()
			return s
		}
		if i == 100 {
			t.Fatalf("redis-server on %d does not answer", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Port is the server's port, to start it again on after Stop.
func (s *Server) Port() int { return s.port }

// Stop kills the server, losing what it held.
func (s *Server) Stop() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}
