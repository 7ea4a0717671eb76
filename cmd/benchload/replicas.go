package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bsskit/bsskit/internal/loadgen"
	"github.com/bsskit/bsskit/internal/redistest"
)

// runReplicas is the "redis" target: n bsskit serve replicas sharing one redis-server (Debian's
// redis-server, default persistence off, on loopback) driven together, the connections spread
// evenly over them, against one in-memory bsskit in the same run, alternating rounds. It prints
// the aggregate req/s, p50 and p99 of each and their ratio (issue 16: at least 0.4).
func runReplicas(ctx context.Context, o *options, n int, out io.Writer) error {
	dir, err := os.MkdirTemp("", "benchload-redis-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rs, err := redistest.StartServer(dir, redistest.Options{Real: true})
	if err != nil {
		return err
	}
	defer rs.Stop()
	serve := func(extra ...string) func(addr string) *exec.Cmd {
		return func(addr string) *exec.Cmd {
			args := append([]string{"serve", "--addr", addr, "--access-key-id", accessKeyID, "--access-key-secret", accessKeySecret,
				"--log-level", "warn", "--seed", "1"}, extra...)
			return exec.Command(o.bsskit, args...)
		}
	}
	single := &target{name: "bsskit (memory)", start: serve(), check: checkSuccess}
	reps := make([]*target, n)
	for i := range reps {
		reps[i] = &target{name: "replica " + strconv.Itoa(i+1), start: serve("--store", rs.URL(0), "--store-env", "bench"), check: checkSuccess}
	}
	all := append([]*target{single}, reps...)
	defer func() {
		for _, t := range all {
			if t.proc != nil {
				t.proc.Stop()
			}
		}
	}()
	for _, t := range all {
		if err := t.startOnce(ctx, o, true); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nreplicas: %d bsskit serve --store redis (%s) vs one in-memory bsskit, %d rounds of %v at %d connections\n",
		n, redisVersion(), o.rounds, o.duration, o.conns)
	groups := map[string][]*target{"memory": {single}, "replicas": reps}
	results := map[string][]*loadgen.Result{}
	order := []string{"memory", "replicas"}
	for r := range o.rounds + 1 { // round 0 warms up
		for _, g := range rotateNames(order, r) {
			res, err := loadTogether(ctx, o, groups[g], o.duration)
			if err != nil {
				return fmt.Errorf("%s: round %d: %w", g, r, err)
			}
			if r == 0 {
				continue
			}
			results[g] = append(results[g], res)
			fmt.Fprintf(out, "  round %d %-9s %8.0f req/s  p50 %-9v p99 %-9v (failed %d%s)\n", r, g, res.RPS(),
				res.Percentile(0.5).Round(time.Microsecond), res.Percentile(0.99).Round(time.Microsecond), res.Failed, firstErr(res))
		}
	}
	med := func(g string) (rps float64, p50, p99 time.Duration) {
		var a []float64
		var b, c []time.Duration
		for _, r := range results[g] {
			a, b, c = append(a, r.RPS()), append(b, r.Percentile(0.5)), append(c, r.Percentile(0.99))
		}
		return median(a), median(b), median(c)
	}
	mr, m50, m99 := med("memory")
	rr, r50, r99 := med("replicas")
	fmt.Fprintf(out, "\n| setup | req/s | p50 | p99 |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(out, "| 1 bsskit, memory | %.0f | %s | %s |\n", mr, dur(m50), dur(m99))
	fmt.Fprintf(out, "| %d bsskit + Redis | %.0f | %s | %s |\n\n", n, rr, dur(r50), dur(r99))
	if mr > 0 {
		fmt.Fprintf(out, "%d replicas + Redis / 1 in-memory replica, req/s: %.2f (target >= 0.4)\n", n, rr/mr)
	}
	return nil
}

// loadTogether drives every target of ts at once for d, o.conns connections spread over them, and
// merges what they measured.
func loadTogether(ctx context.Context, o *options, ts []*target, d time.Duration) (*loadgen.Result, error) {
	var wg sync.WaitGroup
	res := make([]*loadgen.Result, len(ts))
	errs := make([]error, len(ts))
	prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i, t := range ts {
		conns := o.conns / len(ts)
		if i < o.conns%len(ts) {
			conns++
		}
		wg.Go(func() {
			f := (&loadgen.V1Request{
				Host: t.addr, AccessKeyID: accessKeyID, Secret: accessKeySecret, Params: params, Tokens: o.tokens,
				NoncePrefix: prefix + "r" + strconv.Itoa(i), // nonces are shared by the replicas: one prefix each
			}).Factory(conns)
			res[i], errs[i] = loadgen.Run(ctx, loadgen.Config{Addr: t.addr, Conns: conns, Duration: d, Request: f, Check: t.check})
		})
	}
	wg.Wait()
	all := &loadgen.Result{}
	for i, r := range res {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s: %w", ts[i].name, errs[i])
		}
		all.OK += r.OK
		all.Failed += r.Failed
		all.Elapsed = max(all.Elapsed, r.Elapsed)
		all.Latencies = append(all.Latencies, r.Latencies...)
		if all.FirstError == nil {
			all.FirstError = r.FirstError
		}
	}
	slices.Sort(all.Latencies)
	if all.OK == 0 {
		return all, fmt.Errorf("no successful answer (%d failed%s)", all.Failed, firstErr(all))
	}
	return all, nil
}

func rotateNames(s []string, by int) []string {
	by %= len(s)
	return append(slices.Clone(s[by:]), s[:by]...)
}

func redisVersion() string {
	b, err := exec.Command("redis-server", "--version").Output()
	if err != nil {
		return "redis-server ?"
	}
	return string(b[:min(len(b), 30)])
}
