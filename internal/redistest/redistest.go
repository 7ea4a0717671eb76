// Package redistest runs a Redis for tests and benchmarks: a real redis-server (Debian's
// redis-server package) on a free loopback port, with its own temporary directory, stopped at
// cleanup; or, on a machine without redis-server on PATH, an in-process Redis
// (github.com/alicebob/miniredis/v2, which runs Lua scripts) on a free loopback port, so that the
// suite passes on a fresh clone. CI installs redis-server, so the same tests run there against it.
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

	"github.com/alicebob/miniredis/v2"
)

// Options configure the redis-server.
type Options struct {
	// AppendOnly turns on append-only persistence with an fsync on every write
	// (appendfsync always): a write Redis acknowledged survives a kill -9 of Redis. The in-process
	// Redis keeps its data across Kill and Restart either way.
	AppendOnly bool
	// Real refuses the in-process fallback: StartServer fails without redis-server (benchmarks
	// that measure Redis itself).
	Real bool
}

// KindReal and KindInProcess are what [Server.Kind] returns.
const (
	KindReal      = "redis-server"
	KindInProcess = "miniredis"
)

// Server is a running redis-server.
type Server struct {
	opts Options
	dir  string
	port int

	mu   sync.Mutex // guards cmd and mini
	cmd  *exec.Cmd
	mini *miniredis.Miniredis // the in-process Redis when redis-server is not on PATH
}

// Start starts a redis-server on a free loopback port (the in-process Redis without one on PATH)
// and stops it in t.Cleanup. It fails the test if it does not start.
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
		if opts.Real {
			return nil, errors.New("redis-server is not installed: apt-get install -y redis-server")
		}
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start the in-process Redis: %w", err)
		}
		return &Server{opts: opts, dir: dir, port: m.Server().Addr().Port, mini: m}, nil
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

// Kind says which Redis runs: [KindReal] or [KindInProcess].
func (s *Server) Kind() string {
	if s.mini != nil {
		return KindInProcess
	}
	return KindReal
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL returns the redis:// URL of database db. The in-process Redis runs Lua in Go, slowly under
// the race detector on a loaded machine: its URL sets a longer bound on every call (read_timeout).
func (s *Server) URL(db int) string {
	u := "redis://" + s.Addr() + "/" + strconv.Itoa(db)
	if s.mini != nil {
		u += "?read_timeout=10s"
	}
	return u
}

// Kill kills redis-server with SIGKILL, as a crash would, and waits for it to exit. The in-process
// Redis closes its listener and every connection, and keeps its data for Restart.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	if s.mini != nil {
		s.mini.Close()
		return
	}
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
	if s.mini != nil {
		if err := s.mini.Restart(); err != nil {
			t.Fatalf("redistest: restart the in-process Redis: %v", err)
		}
		return
	}
	if err := s.start(); err != nil {
		t.Fatalf("redistest: restart: %v", err)
	}
}

// Stop stops redis-server (SIGKILL: the tests own its data) and waits for it; idempotent.
func (s *Server) Stop() {
	if s.mini != nil {
		s.mini.Close()
		return
	}
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
