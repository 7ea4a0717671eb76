// Command benchload is `make bench-load`: it runs the standalone bsskit fake, Stoplight Prism,
// WireMock and a bare net/http server (the ceiling) on loopback, one at a time under the same load
// (package loadgen), alternating over several rounds, and prints requests/s, p50 and p99 latency,
// peak memory and start-up time of each, with ratios to bsskit. docs/performance.md explains the
// setup and holds the latest figures.
//
//	benchload -bsskit bin/bsskit -prism .tools/prism/node_modules/.bin/prism \
//		-wiremock-jar .tools/wiremock/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar
//
// "benchload bare -addr 127.0.0.1:PORT" is the bare server itself (benchload starts a copy of
// itself so that every server is a process of its own, measured the same way).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/bsskit/bsskit/internal/loadgen"
)

// successBody is the canned answer of the bare server and of the WireMock stub: what bsskit answers
// a valid call (its RequestId, OrderId and InstanceId vary, their lengths do not).
const successBody = `{"RequestId":"1C2B3A4D-5E6F-4A8B-9C0D-1E2F3A4B5C6D","Success":true,"Code":"Success",` +
	`"Message":"Successful!","Data":{"OrderId":"214567890120123","InstanceId":"rtc-cn-0a1b2c3d4e5f"}}`

const contentType = "application/json;charset=utf-8"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		os.Exit(serveBare(os.Args[2:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(1)
	}
}

// serveBare is the ceiling: a net/http server answering every request with fixed bytes.
func serveBare(args []string) int {
	fs := flag.NewFlagSet("benchload bare", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	_ = fs.Parse(args)
	body := []byte(successBody)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{contentType}
		_, _ = w.Write(body)
	})
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := http.Serve(l, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

type options struct {
	bsskit, prism, wiremockJar, java, spec string
	targets                                string
	rounds, conns, starts                  int
	duration, warmup                       time.Duration
	million                                uint64
	tokens                                 int
	procs                                  int
	queries                                int // QueryAvailableInstances per CreateInstance (-queries); 0: CreateInstance only
}

// target is one server under test.
type target struct {
	name  string
	start func(addr string) *exec.Cmd
	check loadgen.CheckFunc
	setup func() (cleanup func(), err error) // before the first start (WireMock's stub), optional

	proc     *loadgen.Proc
	addr     string
	startups []time.Duration // to the first accepted connection
	firstOK  []time.Duration // to the first successful answer
	rounds   []*loadgen.Result
	served   uint64 // successful answers of the long-lived process
	peak     int64  // VmHWM after the rounds
	million  struct {
		requests    uint64
		peak, rss   int64
		measured    bool
		failedAfter uint64
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("benchload", flag.ContinueOnError)
	fs.StringVar(&o.bsskit, "bsskit", "bin/bsskit", "the bsskit binary")
	fs.StringVar(&o.prism, "prism", ".tools/prism/node_modules/.bin/prism", "the prism command (@stoplight/prism-cli)")
	fs.StringVar(&o.wiremockJar, "wiremock-jar", "", "the WireMock standalone jar (from the wiremock npm package); default: found under .tools/wiremock")
	fs.StringVar(&o.java, "java", "java", "the java command")
	fs.StringVar(&o.spec, "spec", "spec/bssopenapi.yaml", "the OpenAPI document Prism mocks")
	fs.StringVar(&o.targets, "targets", "bsskit,bare,prism,wiremock", "servers to measure, comma-separated")
	fs.IntVar(&o.rounds, "rounds", 5, "alternating rounds")
	fs.IntVar(&o.conns, "c", 32, "connections")
	fs.IntVar(&o.starts, "starts", 5, "start-up measurements per server")
	fs.DurationVar(&o.duration, "d", 5*time.Second, "duration of each round")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the first round (JIT, connection pools), not counted")
	fs.Uint64Var(&o.million, "million", 1_000_000, "after the rounds, load bsskit until it has answered this many requests and read its memory again (0: skip)")
	fs.IntVar(&o.tokens, "tokens", 128, "distinct ClientTokens per connection (orders created per connection; then calls replay them); 0: every call a new order")
	fs.IntVar(&o.queries, "queries", 0, "the mix: this many QueryAvailableInstances (PageSize 20, ProductCode rtc) after every CreateInstance, e.g. 10 for 1:10; 0: CreateInstance only")
	fs.IntVar(&o.procs, "procs", 0, "GOMAXPROCS of the load generator itself (0: the Go default, every core); the servers keep their own defaults")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.procs > 0 {
		runtime.GOMAXPROCS(o.procs)
	}
	if o.wiremockJar == "" {
		m, _ := filepath.Glob(".tools/wiremock/node_modules/wiremock/build/wiremock-standalone-*.jar")
		if len(m) > 0 {
			o.wiremockJar = m[len(m)-1]
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	all := map[string]*target{
		"bsskit": {name: "bsskit", start: func(addr string) *exec.Cmd {
			return exec.Command(o.bsskit, "serve", "--addr", addr, "--access-key-id", accessKeyID,
				"--access-key-secret", accessKeySecret, "--log-level", "warn", "--seed", "1")
		}, check: checkSuccess},
		"bare": {name: "bare net/http", start: func(addr string) *exec.Cmd {
			return exec.Command(self, "bare", "-addr", addr)
		}, check: checkSuccess},
		"prism": {name: "Prism", start: func(addr string) *exec.Cmd {
			host, port, _ := net.SplitHostPort(addr)
			return exec.Command(o.prism, "mock", "-h", host, "-p", port, o.spec)
		}},
	}
	wmRoot, err := os.MkdirTemp("", "benchload-wiremock-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(wmRoot)
	all["wiremock"] = &target{name: "WireMock", start: func(addr string) *exec.Cmd {
		_, port, _ := net.SplitHostPort(addr)
		return exec.Command(o.java, "-jar", o.wiremockJar, "--port", port, "--bind-address", "127.0.0.1",
			"--root-dir", wmRoot, "--disable-banner")
	}, check: checkSuccess, setup: func() (func(), error) { return nil, writeWireMockStub(wmRoot) }}

	var targets []*target
	for _, n := range strings.Split(o.targets, ",") {
		t, ok := all[strings.TrimSpace(n)]
		if !ok {
			return fmt.Errorf("unknown target %q", n)
		}
		targets = append(targets, t)
	}
	for _, t := range targets {
		if t.setup != nil {
			if _, err := t.setup(); err != nil {
				return err
			}
		}
	}
	defer func() {
		for _, t := range targets {
			if t.proc != nil {
				t.proc.Stop()
			}
		}
	}()

	fmt.Fprintf(out, "benchload: %d rounds of %v at %d connections, %s, GOMAXPROCS %d, %d CPUs\n",
		o.rounds, o.duration, o.conns, time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.NumCPU())

	// Start-up: each server started and stopped o.starts times, alternating.
	for i := range o.starts {
		for _, t := range rotate(targets, i) {
			if err := t.startOnce(ctx, &o, false); err != nil {
				return err
			}
		}
	}
	// The long-lived processes, warmed up.
	for _, t := range targets {
		if err := t.startOnce(ctx, &o, true); err != nil {
			return err
		}
		res, err := t.load(ctx, &o, o.warmup, 0)
		if err != nil {
			return fmt.Errorf("%s: warm-up: %w", t.name, err)
		}
		fmt.Fprintf(out, "  warm-up %-14s %8.0f req/s (failed %d%s)\n", t.name, res.RPS(), res.Failed, firstErr(res))
	}
	for r := range o.rounds {
		for _, t := range rotate(targets, r) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			res, err := t.load(ctx, &o, o.duration, 0)
			if err != nil {
				return fmt.Errorf("%s: round %d: %w", t.name, r+1, err)
			}
			t.rounds = append(t.rounds, res)
			fmt.Fprintf(out, "  round %d %-14s %8.0f req/s  p50 %-9v p99 %-9v (failed %d%s)\n", r+1, t.name,
				res.RPS(), res.Percentile(0.5).Round(time.Microsecond), res.Percentile(0.99).Round(time.Microsecond), res.Failed, firstErr(res))
		}
	}
	for _, t := range targets {
		t.peak, _ = t.proc.PeakMemory()
	}
	for _, t := range targets {
		if t.name != "bsskit" || o.million == 0 {
			continue
		}
		if t.served < o.million {
			res, err := t.load(ctx, &o, time.Hour, o.million-t.served)
			if err != nil {
				return fmt.Errorf("%s: 1M requests: %w", t.name, err)
			}
			t.million.failedAfter = res.Failed
		}
		t.million.requests = t.served
		t.million.peak, _ = t.proc.PeakMemory()
		t.million.rss, _ = t.proc.Memory()
		t.million.measured = true
	}
	report(out, targets, &o)
	return nil
}

func firstErr(r *loadgen.Result) string {
	if r.FirstError == nil {
		return ""
	}
	return ", first: " + r.FirstError.Error()
}

func rotate(ts []*target, by int) []*target {
	by %= len(ts)
	return append(slices.Clone(ts[by:]), ts[:by]...)
}

// startOnce starts the server; keep leaves it running as t.proc, otherwise it is stopped again.
func (t *target) startOnce(ctx context.Context, o *options, keep bool) error {
	addr, err := loadgen.FreeAddr()
	if err != nil {
		return err
	}
	t0 := time.Now()
	p, err := loadgen.StartProc(t.start(addr), addr, 60*time.Second)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	probe := (&loadgen.V1Request{Host: addr, AccessKeyID: accessKeyID, Secret: accessKeySecret, Params: params,
		NoncePrefix: "probe-" + strconv.FormatInt(time.Now().UnixNano(), 36)}).Factory(1)(nil, 0, 0)
	if err := loadgen.WaitHTTP(wctx, addr, probe); err != nil {
		p.Stop()
		return fmt.Errorf("%s: %w\n%s", t.name, err, p.Log.String())
	}
	first := time.Since(t0)
	if !keep {
		t.startups = append(t.startups, p.Startup)
		t.firstOK = append(t.firstOK, first)
		p.Stop()
		return nil
	}
	t.proc, t.addr = p, addr
	return nil
}

// load runs the load against the long-lived process for d, or until n answers when n > 0.
func (t *target) load(ctx context.Context, o *options, d time.Duration, n uint64) (*loadgen.Result, error) {
	prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
	f := (&loadgen.V1Request{
		Host: t.addr, AccessKeyID: accessKeyID, Secret: accessKeySecret, Params: params, Tokens: o.tokens,
		NoncePrefix: prefix,
	}).Factory(o.conns)
	if o.queries > 0 {
		f = mix(f, (&loadgen.V1Request{
			Host: t.addr, AccessKeyID: accessKeyID, Secret: accessKeySecret, Params: queryParams, NoncePrefix: prefix + "q",
		}).Factory(o.conns), o.queries)
	}
	res, err := loadgen.Run(ctx, loadgen.Config{Addr: t.addr, Conns: o.conns, Duration: d, Requests: n, Request: f, Check: t.check})
	if err != nil {
		return nil, err
	}
	t.served += res.OK
	if res.OK == 0 {
		return res, fmt.Errorf("no successful answer (%d failed%s)", res.Failed, firstErr(res))
	}
	return res, nil
}

const (
	accessKeyID     = "benchloadAccessKeyId"
	accessKeySecret = "benchloadAccessKeySecret"
)

// params are the business parameters of every request: a valid pay-as-you-go rtc order.
var params = map[string]string{
	"Action":            "CreateInstance",
	"Version":           "2017-12-14",
	"Format":            "JSON",
	"RegionId":          "cn-hangzhou",
	"ProductCode":       "rtc",
	"SubscriptionType":  "PayAsYouGo",
	"Parameter.1.Code":  "ServiceType",
	"Parameter.1.Value": "universal",
}

// queryParams are the reads of the mix: the first page of the caller's rtc instances.
var queryParams = map[string]string{
	"Action":      "QueryAvailableInstances",
	"Version":     "2017-12-14",
	"Format":      "JSON",
	"RegionId":    "cn-hangzhou",
	"ProductCode": "rtc",
	"PageSize":    "20",
}

// mix sends one request of create, then n of query, and again: 1 CreateInstance to n
// QueryAvailableInstances on every connection. Each factory numbers its own requests, so nonces
// stay unique.
func mix(create, query loadgen.RequestFunc, n int) loadgen.RequestFunc {
	period := uint64(n + 1)
	return func(dst []byte, worker int, seq uint64) []byte {
		round, k := seq/period, seq%period
		if k == 0 {
			return create(dst, worker, round)
		}
		return query(dst, worker, round*uint64(n)+k-1)
	}
}

func checkSuccess(status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", status, body)
	}
	if !strings.Contains(string(body), `"Success":true`) {
		return fmt.Errorf("no success: %.200s", body)
	}
	return nil
}

// writeWireMockStub writes the stub: POST / with Action=CreateInstance answers the canned success.
func writeWireMockStub(root string) error {
	dir := filepath.Join(root, "mappings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	stub := `{
  "request": {"method": "POST", "urlPath": "/", "queryParameters": {"Action": {"equalTo": "CreateInstance"}}},
  "response": {"status": 200, "headers": {"Content-Type": "` + contentType + `"}, "body": ` + strconv.Quote(successBody) + `}
}
`
	return os.WriteFile(filepath.Join(dir, "createinstance.json"), []byte(stub), 0o644)
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type summary struct {
	rps           float64
	p50, p99      time.Duration
	startup, resp time.Duration
	peak          int64
}

func summarise(t *target) summary {
	var rps []float64
	var p50, p99 []time.Duration
	for _, r := range t.rounds {
		rps = append(rps, r.RPS())
		p50 = append(p50, r.Percentile(0.5))
		p99 = append(p99, r.Percentile(0.99))
	}
	return summary{rps: median(rps), p50: median(p50), p99: median(p99), startup: median(t.startups), resp: median(t.firstOK), peak: t.peak}
}

func report(out io.Writer, targets []*target, o *options) {
	sums := map[*target]summary{}
	var bss, bare *summary
	for _, t := range targets {
		s := summarise(t)
		sums[t] = s
		switch t.name {
		case "bsskit":
			bss = &s
		case "bare net/http":
			bare = &s
		}
	}
	fmt.Fprintf(out, "\nMedians of %d rounds of %v, %d connections; start-up: median of %d starts.\n\n", o.rounds, o.duration, o.conns, o.starts)
	tw := tabwriter.NewWriter(out, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| server\t req/s\t p50\t p99\t peak RSS\t start-up (listening)\t start-up (first answer)\t bsskit req/s ÷ this\t this p99 ÷ bsskit p99\t")
	fmt.Fprintln(tw, "|---\t---:\t---:\t---:\t---:\t---:\t---:\t---:\t---:\t")
	for _, t := range targets {
		s := sums[t]
		ratio, p99r := "", ""
		if bss != nil && s.rps > 0 {
			ratio = fmt.Sprintf("%.2fx", bss.rps/s.rps)
			p99r = fmt.Sprintf("%.2fx", float64(s.p99)/float64(bss.p99))
		}
		fmt.Fprintf(tw, "| %s\t %.0f\t %v\t %v\t %s\t %v\t %v\t %s\t %s\t\n", t.name, s.rps, dur(s.p50), dur(s.p99),
			mib(s.peak), dur(s.startup), dur(s.resp), ratio, p99r)
	}
	tw.Flush()
	fmt.Fprintln(out)
	if bss != nil && bare != nil && bare.rps > 0 {
		fmt.Fprintf(out, "bsskit / bare net/http req/s: %.2f (target >= 0.65)\n", bss.rps/bare.rps)
		fmt.Fprintf(out, "bsskit p99 / bare p99:        %.2f (target <= 1.5)\n", float64(bss.p99)/float64(bare.p99))
	}
	if bss != nil {
		fmt.Fprintf(out, "bsskit start-up:              %v (target < 50ms)\n", dur(bss.startup))
		fmt.Fprintf(out, "bsskit peak RSS under load:   %s (target < 64 MiB)\n", mib(bss.peak))
	}
	for _, t := range targets {
		if t.million.measured {
			fmt.Fprintf(out, "bsskit after %d requests: peak RSS %s, RSS %s (target < 64 MiB)\n", t.million.requests, mib(t.million.peak), mib(t.million.rss))
		}
	}
	if o.tokens > 0 {
		fmt.Fprintf(out, "(ClientTokens: %d per connection, %d orders in all; later calls replay them)\n", o.tokens, o.tokens*o.conns)
	}
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%dµs", d.Microseconds())
}

func mib(b int64) string {
	if b <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
