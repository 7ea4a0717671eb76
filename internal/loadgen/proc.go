package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a server process started by [StartProc].
type Proc struct {
	// Cmd is the running command.
	Cmd *exec.Cmd
	// Startup is the time from starting the process to the first accepted TCP connection.
	Startup time.Duration
	// Log holds the process's output (stdout and stderr).
	Log *SyncBuffer

	waitCh chan struct{} // closed when the process has exited
}

// StartProc starts cmd (its own process group) and polls addr every 200µs until a TCP connection
// is accepted or timeout passes.
func StartProc(cmd *exec.Cmd, addr string, timeout time.Duration) (*Proc, error) {
	log := &SyncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{Cmd: cmd, Log: log}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			p.Startup = time.Since(start)
			c.Close()
			p.waitCh = exited
			return p, nil
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("%s exited before listening on %s:\n%s", cmd.Path, addr, tail(log.String(), 2000))
		default:
		}
		if time.Since(start) > timeout {
			p.waitCh = exited
			p.Stop()
			return nil, fmt.Errorf("%s did not listen on %s within %v:\n%s", cmd.Path, addr, timeout, tail(log.String(), 2000))
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// Stop ends the process group: SIGTERM, then SIGKILL after 3 seconds.
func (p *Proc) Stop() {
	pid := p.Cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-p.waitCh:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-p.waitCh
	}
	// Children that outlived the leader (a JVM under a wrapper) go with the group.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// PeakMemory returns the sum of VmHWM (peak resident set) over the process and its descendants.
func (p *Proc) PeakMemory() (int64, error) { return treeStatus(p.Cmd.Process.Pid, "VmHWM:") }

// Memory returns the sum of VmRSS (current resident set) over the process and its descendants.
func (p *Proc) Memory() (int64, error) { return treeStatus(p.Cmd.Process.Pid, "VmRSS:") }

func treeStatus(root int, field string) (int64, error) {
	pids := append([]int{root}, descendants(root)...)
	var total int64
	for _, pid := range pids {
		n, err := statusField(pid, field)
		if err != nil {
			if pid == root {
				return 0, err
			}
			continue // a child that just exited
		}
		total += n
	}
	return total, nil
}

// statusField reads a "kB" field of /proc/PID/status, in bytes.
func statusField(pid int, field string) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no " + field + " in /proc/" + strconv.Itoa(pid) + "/status")
}

// descendants lists the processes whose ancestry leads to root.
func descendants(root int) []int {
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:strings.IndexByte(s, ' ')]))
		ppid, _ := strconv.Atoi(f[1])
		parent[pid] = ppid
	}
	var out []int
	for pid := range parent {
		for p, hops := parent[pid], 0; p != 0 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// FreeAddr returns a free loopback address ("127.0.0.1:PORT").
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// WaitHTTP sends req to addr until a response with a 2xx status arrives or ctx ends: some servers
// accept connections before they can answer.
func WaitHTTP(ctx context.Context, addr string, req []byte) error {
	var last error
	for ctx.Err() == nil {
		res, err := Run(ctx, Config{Addr: addr, Conns: 1, Duration: time.Second, Requests: 1, Request: FixedRequest(req)})
		if err == nil && res.OK > 0 {
			return nil
		}
		last = err
		if err == nil {
			last = res.FirstError
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no successful answer from %s: %v", addr, last)
}

// SyncBuffer keeps the last 64 KiB written to it (a chatty server logs every request); it is
// safe for one writer and concurrent readers.
type SyncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

const keepLog = 64 << 10

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len()+len(p) > 2*keepLog {
		rest := s.b.Bytes()[max(0, s.b.Len()-keepLog):]
		s.b = *bytes.NewBuffer(append([]byte(nil), rest...))
	}
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
