package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RequestFunc appends one complete HTTP/1.1 request (request line, headers, body) to dst. worker is
// the connection's index (0..Conns-1) and seq counts that worker's requests from 0. It is called
// from the worker's goroutine, never concurrently for the same worker.
type RequestFunc func(dst []byte, worker int, seq uint64) []byte

// CheckFunc says whether a response is a success; nil accepts any 2xx status.
type CheckFunc func(status int, body []byte) error

// Config is one load run.
type Config struct {
	// Addr is the server's host:port.
	Addr string
	// Conns is the number of connections, each with one request in flight.
	Conns int
	// Duration is how long to send; Requests, when > 0, stops earlier after that many responses.
	Duration time.Duration
	Requests uint64
	// Request builds each request.
	Request RequestFunc
	// Check judges each response (nil: any 2xx).
	Check CheckFunc
}

// Result is what a run measured. Latencies are of successful responses only.
type Result struct {
	// OK and Failed count responses judged by Check, and transport errors (Failed includes them).
	OK, Failed uint64
	// Elapsed is the run's wall time.
	Elapsed time.Duration
	// Latencies are sorted, ascending.
	Latencies []time.Duration
	// FirstError is the first failure seen, for the report.
	FirstError error
}

// RPS is successful responses per second.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the latency at quantile q (0 < q <= 1) by the nearest-rank method.
func (r *Result) Percentile(q float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// Run sends load as cfg says and returns what it measured. It fails only when no connection can be
// opened at all; errors on the way are counted in Result.Failed.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Conns <= 0 || cfg.Request == nil {
		return nil, errors.New("loadgen: Conns and Request are required")
	}
	if cfg.Check == nil {
		cfg.Check = func(status int, _ []byte) error {
			if status/100 != 2 {
				return fmt.Errorf("HTTP %d", status)
			}
			return nil
		}
	}
	probe, err := net.DialTimeout("tcp", cfg.Addr, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	probe.Close()

	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var (
		done    atomic.Uint64 // responses, for cfg.Requests
		mu      sync.Mutex
		res     = &Result{}
		wg      sync.WaitGroup
		perConn = make([][]time.Duration, cfg.Conns)
	)
	start := time.Now()
	for w := range cfg.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := worker{cfg: &cfg, id: w, lat: make([]time.Duration, 0, 1<<14)}
			st.loop(ctx, &done, cancel)
			perConn[w] = st.lat
			mu.Lock()
			res.OK += st.ok
			res.Failed += st.failed
			if res.FirstError == nil {
				res.FirstError = st.firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	n := 0
	for _, l := range perConn {
		n += len(l)
	}
	res.Latencies = make([]time.Duration, 0, n)
	for _, l := range perConn {
		res.Latencies = append(res.Latencies, l...)
	}
	slices.Sort(res.Latencies)
	return res, nil
}

type worker struct {
	cfg        *Config
	id         int
	conn       net.Conn
	br         *bufio.Reader
	req, body  []byte
	seq        uint64
	ok, failed uint64
	firstErr   error
	lat        []time.Duration
}

func (w *worker) loop(ctx context.Context, done *atomic.Uint64, stop func()) {
	defer func() {
		if w.conn != nil {
			w.conn.Close()
		}
	}()
	// The connection's deadline follows the run's, so a hung server ends the run on time.
	deadline, _ := ctx.Deadline()
	for ctx.Err() == nil {
		if w.conn == nil {
			c, err := net.DialTimeout("tcp", w.cfg.Addr, time.Second)
			if err != nil {
				w.fail(err)
				continue
			}
			_ = c.SetDeadline(deadline)
			w.conn = c
			if w.br == nil {
				w.br = bufio.NewReaderSize(c, 16<<10)
			} else {
				w.br.Reset(c)
			}
		}
		w.req = w.cfg.Request(w.req[:0], w.id, w.seq)
		w.seq++
		t0 := time.Now()
		status, keep, err := w.roundTrip()
		lat := time.Since(t0)
		if err != nil {
			// The connection's deadline is the run's end: a request cut off by it is not a failure.
			if ctx.Err() == nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				w.fail(err)
			}
			w.conn.Close()
			w.conn = nil
			continue
		}
		if err := w.cfg.Check(status, w.body); err != nil {
			w.fail(err)
		} else {
			w.ok++
			w.lat = append(w.lat, lat)
		}
		if !keep {
			w.conn.Close()
			w.conn = nil
		}
		if w.cfg.Requests > 0 && done.Add(1) >= w.cfg.Requests {
			stop()
		}
	}
}

func (w *worker) fail(err error) {
	w.failed++
	if w.firstErr == nil {
		w.firstErr = err
	}
}

// roundTrip writes w.req and reads one response into w.body; keep is false when the server asked
// to close the connection.
func (w *worker) roundTrip() (status int, keep bool, err error) {
	if _, err := w.conn.Write(w.req); err != nil {
		return 0, false, err
	}
	line, err := w.br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	keep = line[7] == '1'
	length, chunked := -1, false
	for {
		h, err := w.br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		switch {
		case asciiEqualFold(k, "content-length"):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return 0, false, fmt.Errorf("bad Content-Length %q", v)
			}
		case asciiEqualFold(k, "transfer-encoding"):
			chunked = asciiEqualFold(v, "chunked")
		case asciiEqualFold(k, "connection"):
			if asciiEqualFold(v, "close") {
				keep = false
			} else if asciiEqualFold(v, "keep-alive") {
				keep = true
			}
		}
	}
	w.body = w.body[:0]
	switch {
	case chunked:
		err = w.readChunked()
	case length >= 0:
		w.body = slices.Grow(w.body, length)[:length]
		_, err = io.ReadFull(w.br, w.body)
	default: // the body runs to the end of the connection
		w.body, err = io.ReadAll(w.br)
		keep = false
	}
	return status, keep, err
}

func (w *worker) readChunked() error {
	for {
		line, err := w.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 32)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			for { // trailers, up to the blank line
				t, err := w.br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(t, "\r\n")) == 0 {
					return nil
				}
			}
		}
		l := len(w.body)
		w.body = slices.Grow(w.body, int(n))[:l+int(n)]
		if _, err := io.ReadFull(w.br, w.body[l:]); err != nil {
			return err
		}
		if _, err := w.br.Discard(2); err != nil {
			return err
		}
	}
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
