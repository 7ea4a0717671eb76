// Package redistest runs a real redis-server (Debian's redis-server package) for tests and
// benchmarks: on a free loopback port, with its own temporary directory, stopped at cleanup.
//
//	r := redistest.Start(t, redistest.Options{AppendOnly: true})
//	srv := fake.NewServer(t, fake.WithStore(r.URL(0), "test"))
//	r.Kill(t)    // SIGKILL, as a crash
//	r.Restart(t) // same port, same directory: what its persistence kept comes back
package redistest

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Options configure the redis-server.
type Options struct {
	// AppendOnly turns on append-only persistence with an fsync on every write
	// (appendfsync always): a write Redis acknowledged survives a kill -9 of Redis.
	AppendOnly bool
}

// Server is a running redis-server.
type Server struct {
	opts Options
	dir  string
	port int

	mu  sync.Mutex // guards cmd
	cmd *exec.Cmd
}

// Start starts a redis-server on a free loopback port and stops it in t.Cleanup. It fails the test
// if redis-server is not installed (apt-get install redis-server) or does not start.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := StartServer(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StartServer is Start outside a test: dir is its working directory; the caller calls Stop.
func StartServer(dir string, opts Options) (*Server, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis-server is not installed: apt-get install -y redis-server")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{opts: opts, dir: dir, port: port}
	if err := s.start(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) start() error {
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--daemonize", "no", "--logfile", "", "--loglevel", "warning"}
	if s.opts.AppendOnly {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command("redis-server", args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond); err == nil {
			ok := ping(c)
			c.Close()
			if ok {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond) // polling a child process's port: no event to wait on
	}
	s.Stop()
	return fmt.Errorf("redis-server on %s did not answer within 10s", s.Addr())
}

// ping sends PING inline and reports whether +PONG came back (not -LOADING).
func ping(c net.Conn) bool {
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	return n >= 5 && string(buf[:5]) == "+PONG"
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL returns the redis:// URL of database db.
func (s *Server) URL(db int) string { return "redis://" + s.Addr() + "/" + strconv.Itoa(db) }

// Kill kills redis-server with SIGKILL, as a crash would, and waits for it to exit.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// Restart starts redis-server again on the same port and directory after [Server.Kill].
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.start(); err != nil {
		t.Fatalf("redistest: restart: %v", err)
	}
}

// Stop stops redis-server (SIGKILL: the tests own its data) and waits for it; idempotent.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// Pid is redis-server's process ID (0: not running), for a test that pauses it with SIGSTOP and
// resumes it with SIGCONT.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Relaunch is Restart for a goroutine other than the test's, after [Server.Stop] (a kill -9):
// redis-server again on the same port and directory, or what went wrong.
func (s *Server) Relaunch() error { return s.start() }
