package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// scenario is the soak's faults: errors, lost answers, transport faults and latency, seeded.
const scenario = `name: soak
description: steady faults for the soak
seed: 7
rules:
  - id: flaky
    probability: 0.05
    outcome: {error: ServiceUnavailable}
  - id: lost-answer
    probability: 0.02
    outcome: {error: ServiceUnavailable, afterCommit: true}
  - id: conn-reset
    probability: 0.005
    outcome: {fault: reset}
  - id: conn-empty
    probability: 0.005
    outcome: {fault: empty}
  - id: malformed
    probability: 0.005
    outcome: {fault: malformed}
  - id: slow
    probability: 0.02
    outcome:
      latency: {min: 1ms, max: 5ms}
`

const adminToken = "soak-admin-token"

// sample is one measurement of the server.
type sample struct {
	at         time.Duration
	requests   int64
	rssKiB     int64
	heapBytes  uint64
	goroutines int
	fds        int
	orders     int
}

// server is the bsskit serve process under soak.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

func startServer(bin, dir string) (*server, error) {
	sc := filepath.Join(dir, "soak-scenario.yaml")
	if err := os.WriteFile(sc, []byte(scenario), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--scenario", sc, "--state", filepath.Join(dir, "state.jsonl"),
		"--admin-token", adminToken, "--log-level", "warn", "--journal-limit", "4096")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	select {
	case line := <-lines:
		s.url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
		if s.url == "" {
			cmd.Process.Kill()
			return nil, fmt.Errorf("no URL in the start-up line %q", line)
		}
		return s, nil
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("the server did not start within 30s")
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return errors.New("the server did not stop within 20s of SIGTERM")
	}
}

// measure samples the process: RSS and fds from /proc, goroutines and heap from the admin API.
func (s *server) measure(client *http.Client) (sample, error) {
	pid := s.cmd.Process.Pid
	var m sample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			m.rssKiB, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return m, err
	}
	m.fds = len(fds)
	var health struct {
		Goroutines int    `json:"goroutines"`
		HeapBytes  uint64 `json:"heapBytes"`
		Orders     int    `json:"orders"`
	}
	if err := s.admin(client, http.MethodGet, "health", &health); err != nil {
		return m, err
	}
	m.goroutines, m.heapBytes, m.orders = health.Goroutines, health.HeapBytes, health.Orders
	return m, nil
}

func (s *server) admin(client *http.Client, method, name string, v any) error {
	req, err := http.NewRequest(method, s.url+"/__admin/"+name, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s /__admin/%s: HTTP %d", method, name, resp.StatusCode)
	}
	if v == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// counters are what the load saw.
type counters struct {
	requests, ok, rejected, injected, transport, unexpected atomic.Int64
}

// load drives one client until ctx ends or the request budget is spent.
func load(ctx context.Context, s *server, client *http.Client, worker int, budget *atomic.Int64, c *counters) {
	base := url.Values{"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"}, "ProductCode": {"rtc"},
		"SubscriptionType": {"PayAsYouGo"}, "Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"}}
	for i := 0; ctx.Err() == nil && budget.Add(-1) >= 0; i++ {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		switch i % 20 {
		case 0:
			q.Set("ProductCode", "no-such-product") // 400
		case 1:
			q.Set("Format", "XML")
			q.Set("ClientToken", fmt.Sprintf("soak-%d", (worker*7919+i)%2048))
		default:
			q.Set("ClientToken", fmt.Sprintf("soak-%d", (worker*7919+i)%2048)) // a bounded pool: mostly replays
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/?"+q.Encode(), nil)
		c.requests.Add(1)
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				c.transport.Add(1)
			}
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case err != nil:
			c.transport.Add(1)
		case resp.StatusCode == 200:
			c.ok.Add(1)
		case resp.StatusCode == 400:
			c.rejected.Add(1)
		case resp.StatusCode == 503:
			c.injected.Add(1)
		default:
			c.unexpected.Add(1)
		}
	}
}

// run soaks cfg.bin and reports to out; an error means a bound was broken or the server misbehaved.
func run(ctx context.Context, cfg config, out io.Writer) error {
	dir, err := os.MkdirTemp("", "bsskit-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(cfg.bin, dir)
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.cmd.Process.Kill()
			<-srv.done
		}
	}()
	fmt.Fprintf(out, "soak: %s for %s, %d clients, faults on, state file and admin token; sampling every %s\n", srv.url, cfg.duration, cfg.workers, cfg.interval)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.workers}}
	defer client.CloseIdleConnections()

	lctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var c counters
	var budget atomic.Int64
	budget.Store(cfg.maxRequests)
	var wg sync.WaitGroup
	for w := range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			load(lctx, srv, client, w, &budget, &c)
		}()
	}
	wg.Add(1)
	go func() { // a reset every 30 s: the state file is rewritten and the store starts over
		defer wg.Done()
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				if err := srv.admin(client, http.MethodPost, "reset", nil); err != nil {
					c.unexpected.Add(1)
					fmt.Fprintln(out, "soak: reset:", err)
				}
			}
		}
	}()

	start := time.Now()
	var samples []sample
	fmt.Fprintf(out, "%8s %10s %8s %9s %9s %10s %5s %7s\n", "time", "requests", "req/s", "rss MiB", "heap MiB", "goroutines", "fds", "orders")
	take := func() error {
		m, err := srv.measure(client)
		if err != nil {
			return fmt.Errorf("sample: %w", err)
		}
		m.at, m.requests = time.Since(start).Round(time.Second), c.requests.Load()
		rate := 0.0
		if len(samples) > 0 {
			prev := samples[len(samples)-1]
			rate = float64(m.requests-prev.requests) / (m.at - prev.at).Seconds()
		}
		samples = append(samples, m)
		fmt.Fprintf(out, "%8s %10d %8.0f %9.1f %9.1f %10d %5d %7d\n", m.at, m.requests, rate, float64(m.rssKiB)/1024, float64(m.heapBytes)/(1<<20), m.goroutines, m.fds, m.orders)
		return nil
	}
	if err := take(); err != nil {
		return err
	}
	tick := time.NewTicker(cfg.interval)
	for lctx.Err() == nil {
		select {
		case <-tick.C:
			if err := take(); err != nil {
				tick.Stop()
				return err
			}
		case <-lctx.Done():
		}
	}
	tick.Stop()
	wg.Wait()
	if err := take(); err != nil { // after the load: idle connections may still be open
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	stopped = true
	if err := srv.stop(); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintf(out, "soak: %d requests: %d ok, %d rejected (400), %d injected 503, %d transport faults, %d unexpected; clean shutdown\n",
		c.requests.Load(), c.ok.Load(), c.rejected.Load(), c.injected.Load(), c.transport.Load(), c.unexpected.Load())
	return judge(out, cfg, samples, c.unexpected.Load())
}

// judge compares the samples after warm-up (the first fifth of the run, at least one sample in) with
// the bounds.
func judge(out io.Writer, cfg config, samples []sample, unexpected int64) error {
	if unexpected > 0 {
		return fmt.Errorf("%d unexpected answers", unexpected)
	}
	if len(samples) < 3 {
		return fmt.Errorf("only %d samples: run longer than the sampling interval", len(samples))
	}
	warm := max(1, len(samples)/5)
	base := samples[warm]
	var errs []error
	for _, m := range samples[warm+1:] {
		if growth := float64(m.rssKiB-base.rssKiB) / 1024; growth > cfg.maxRSSGrowthMiB {
			errs = append(errs, fmt.Errorf("at %s RSS grew %.1f MiB since %s (bound %.0f MiB)", m.at, growth, base.at, cfg.maxRSSGrowthMiB))
		}
		if growth := m.goroutines - base.goroutines; growth > cfg.maxGoroutineGrowth {
			errs = append(errs, fmt.Errorf("at %s goroutines grew by %d since %s (bound %d)", m.at, growth, base.at, cfg.maxGoroutineGrowth))
		}
		if growth := m.fds - base.fds; growth > cfg.maxFDGrowth {
			errs = append(errs, fmt.Errorf("at %s file descriptors grew by %d since %s (bound %d)", m.at, growth, base.at, cfg.maxFDGrowth))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	first, last := samples[warm], samples[len(samples)-1]
	fmt.Fprintf(out, "soak: flat after warm-up (%s -> %s): RSS %.1f -> %.1f MiB (bound +%.0f), goroutines %d -> %d (bound +%d), fds %d -> %d (bound +%d)\n",
		first.at, last.at, float64(first.rssKiB)/1024, float64(last.rssKiB)/1024, cfg.maxRSSGrowthMiB,
		first.goroutines, last.goroutines, cfg.maxGoroutineGrowth, first.fds, last.fds, cfg.maxFDGrowth)
	return nil
}
