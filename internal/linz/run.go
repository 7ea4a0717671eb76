package linz

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bsskit/bsskit/internal/loadgen"
	"github.com/bsskit/bsskit/internal/redistest"
)

// Config configures [Run].
type Config struct {
	// Bin is the bsskit binary the replicas run.
	Bin string
	// Catalog is the catalogue file every replica gets (testdata/catalogs/sites.yaml: sas, a
	// priced product, and vipcloudfw, an opens-once one).
	Catalog string
	// Dir is a working directory: the accounts file and Redis's data go there.
	Dir string
	// Replicas is how many bsskit serve replicas run (default 3).
	Replicas int
	// NoStore runs every replica on its own memory instead of one Redis: the broken setup, which
	// the check must reject.
	NoStore bool
	// Clients is how many clients send operations at once (default 8).
	Clients int
	// Duration is how long the clients run (default 4s), and at least Settle past the last fault.
	Duration time.Duration
	// Settle is how long the clients go on after the last fault ended (default 1.5s), so that
	// every fault is followed by service.
	Settle time.Duration
	// Epoch is how long a group of three accounts is in use before the next takes over, so that
	// fresh accounts race for their opens-once product all through the run (default 500ms).
	Epoch time.Duration
	// Timeout bounds each operation (default 3s): past it the outcome is unknown.
	Timeout time.Duration
	// Faults are injected during the run.
	Faults Faults
	// Seed seeds the clients' choices.
	Seed uint64
	// Logf reports progress (nil: silent).
	Logf func(format string, args ...any)
}

// Faults are the faults injected during a run, spread evenly over it, one at a time.
type Faults struct {
	ReplicaKills int           // kill -9 of a replica, restarted on its port after Down
	RedisPauses  int           // SIGSTOP of redis-server, SIGCONT after Down
	RedisKills   int           // kill -9 of redis-server, restarted after Down (appendonly, fsync always)
	Down         time.Duration // how long each fault lasts (default 1s)
}

// Fault is a fault as it happened, in time since the history started.
type Fault struct {
	Kind       string // "replica kill", "redis pause", "redis kill"
	Target     string
	Start, End time.Duration
}

// Report is what [Run] observed.
type Report struct {
	History *History
	Elapsed time.Duration
	Faults  []Fault
	// Counts are the operations by "Kind result" ("CreateInstance ok", "QueryAvailableInstances unknown").
	Counts map[string]int
	// Unavailable are the answers with HTTP 503: when each was invoked and how long it took.
	Unavailable []Sample
	// Unexpected counts the answers that refused an operation (a 4xx, a body-channel error other
	// than ORDER.OPEND) by "Kind status code": none is expected, and one that refused everything
	// (a signature error, say) would leave the check nothing to check.
	Unexpected map[string]int
	// Recovery is, for each Redis fault, the time from its end to the first successful
	// CreateInstance invoked after it (-1: none).
	Recovery []time.Duration
}

const accountsPerEpoch = 3

// Run starts Redis (unless NoStore) and the replicas, runs the clients with the faults, stops
// everything and returns what happened. The error is a setup failure (a process that would not
// start); what the replicas answered is in the report, for [Check].
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	accounts := makeAccounts(epochs(cfg)*accountsPerEpoch + 1)
	accFile := filepath.Join(cfg.Dir, "accounts.yaml")
	if err := writeAccounts(accFile, accounts); err != nil {
		return nil, err
	}
	c := &cluster{cfg: cfg}
	defer c.stop()
	args := []string{"--catalog", cfg.Catalog, "--accounts", accFile, "--provisioning-delay", "1h", "--log-level", "warn"}
	if !cfg.NoStore {
		if _, err := exec.LookPath("redis-server"); err != nil {
			return nil, errors.New("redis-server is not installed (apt-get install redis-server): the faults need a real one")
		}
		redisDir := filepath.Join(cfg.Dir, "redis")
		if err := os.MkdirAll(redisDir, 0o755); err != nil {
			return nil, err
		}
		r, err := redistest.StartServer(redisDir, redistest.Options{AppendOnly: true})
		if err != nil {
			return nil, err
		}
		c.redis = r
		args = append(args, "--store", r.URL(0), "--store-env", "linz")
	}
	if err := c.startReplicas(args); err != nil {
		return nil, err
	}
	cl := &caller{http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients + 1}}, urls: c.urls(),
		nonce: "setup", timeout: cfg.Timeout}
	defer cl.http.CloseIdleConnections()
	probeAcct := accounts[len(accounts)-1]
	probe, err := makeProbe(ctx, cl, probeAcct)
	if err != nil {
		return nil, err
	}

	w := &workload{cfg: cfg, accounts: accounts, probe: probe, probeAcct: probeAcct, hist: NewHistory(),
		acked: map[int][]Input{}, counts: map[string]int{}, unexpected: map[string]int{}}
	start := time.Now()
	w.deadline.Store(math.MaxInt64) // until the faults are over
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		cc := &caller{http: cl.http, urls: cl.urls, nonce: fmt.Sprintf("c%d-%d", i, time.Now().UnixNano()), timeout: cfg.Timeout}
		wg.Go(func() { w.client(ctx, i, cc, rand.New(rand.NewPCG(cfg.Seed, uint64(i)))) })
	}
	wg.Go(func() { // the clock advance, through one replica, at 40% of the run
		sleepCtx(ctx, cfg.Duration*2/5)
		cc := &caller{http: cl.http, urls: cl.urls, timeout: cfg.Timeout}
		for r := int(cfg.Seed % uint64(cfg.Replicas)); ctx.Err() == nil; r = (r + 1) % cfg.Replicas {
			in := Input{Kind: Advance, Replica: r}
			if out := w.record(cfg.Clients, in, func() Output { return cc.advance(ctx, r) }); out.Result != Failed {
				return // done, or perhaps done: either way once
			}
			sleepCtx(ctx, 50*time.Millisecond) // the replica was down: try the next one
		}
	})
	faults, ferr := c.inject(ctx, w.hist, logf)
	w.deadline.Store(max(start.Add(cfg.Duration).UnixNano(), time.Now().Add(cfg.Settle).UnixNano()))
	wg.Wait()
	rep := &Report{History: w.hist, Elapsed: time.Since(start), Faults: faults, Counts: w.counts, Unavailable: w.unavailable, Unexpected: w.unexpected}
	rep.Recovery = recovery(w.hist, faults)
	return rep, ferr
}

func (cfg *Config) defaults() {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 3
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 8
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 4 * time.Second
	}
	if cfg.Epoch <= 0 {
		cfg.Epoch = 500 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.Faults.Down <= 0 {
		cfg.Faults.Down = time.Second
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 1500 * time.Millisecond
	}
}

func makeAccounts(n int) []account {
	out := make([]account, n)
	for i := range out {
		out[i] = account{ID: fmt.Sprintf("1%015d", 100000+i), AccessKey: fmt.Sprintf("ak-linz-%d", i), Secret: fmt.Sprintf("sk-linz-%d", i)}
	}
	return out
}

func writeAccounts(path string, accounts []account) error {
	var b strings.Builder
	b.WriteString("accounts:\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "  - id: %q\n    accessKeys: [{id: %s, secret: %s}]\n", a.ID, a.AccessKey, a.Secret)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// makeProbe orders the probe instance through replica 0 (retrying until the store answers) and
// returns its InstanceId.
func makeProbe(ctx context.Context, cl *caller, acct account) (string, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		out := cl.call(ctx, 0, acct, createParams(productSAS, "probe"), Create)
		if out.Result == OK {
			return out.InstanceID, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return "", fmt.Errorf("the probe order failed: %s %s", out.Result, out.Code)
		}
		sleepCtx(ctx, 50*time.Millisecond) // polling a store that is coming up: nothing to wait on
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// workload is the clients' shared state.
type workload struct {
	cfg       Config
	accounts  []account
	probe     string
	probeAcct account
	hist      *History
	deadline  atomic.Int64 // the clients stop at this time (Unix ns)

	mu          sync.Mutex      // guards acked, counts, unavailable
	acked       map[int][]Input // account index -> the orders acknowledged (Product, OpensOnce, OrderID)
	counts      map[string]int
	unavailable []Sample
	unexpected  map[string]int
}

// Sample is one operation's invoke time (since the history started) and latency.
type Sample struct{ At, Latency time.Duration }

// record runs one operation and records it.
func (w *workload) record(client int, in Input, do func() Output) Output {
	id := w.hist.Invoke(client, in)
	at := time.Duration(w.hist.now())
	out := do()
	took := w.hist.Return(id, out)
	w.mu.Lock()
	w.counts[in.Kind.String()+" "+out.Result.String()]++
	if out.Result == Failed && out.Code != codeRefused {
		w.unexpected[fmt.Sprintf("%s %d %s", in.Kind, out.HTTPStatus, out.Code)]++
	}
	if out.HTTPStatus == http.StatusServiceUnavailable {
		w.unavailable = append(w.unavailable, Sample{at, took})
	}
	w.mu.Unlock()
	return out
}

// epochs is how many groups of accounts a run may use: one per Epoch of the run, and of the
// longest it may get past Duration (a fault that outlasts its slot, then Settle).
func epochs(cfg Config) int {
	f := cfg.Faults
	longest := cfg.Duration + cfg.Settle + time.Duration(f.ReplicaKills+f.RedisPauses+f.RedisKills)*(f.Down+2*time.Second)
	return int(longest/cfg.Epoch) + 1
}

// client sends random operations until the run's time is up.
func (w *workload) client(ctx context.Context, id int, cl *caller, rng *rand.Rand) {
	start := time.Now()
	last := len(w.accounts)/accountsPerEpoch - 1 // the probe's account is after the groups
	for ctx.Err() == nil && time.Now().UnixNano() < w.deadline.Load() {
		ai := min(int(time.Since(start)/w.cfg.Epoch), last)*accountsPerEpoch + rng.IntN(accountsPerEpoch)
		acct := w.accounts[ai]
		in := Input{Replica: rng.IntN(w.cfg.Replicas), Account: acct.ID}
		var params url.Values
		switch x := rng.IntN(100); {
		case x < 30:
			in.Kind, in.Product, in.Token = Create, productSAS, fmt.Sprintf("s-%d-%d", ai, rng.IntN(4))
			params = createParams(in.Product, in.Token)
		case x < 55:
			in.Kind, in.Product, in.OpensOnce, in.Token = Create, productCFW, true, fmt.Sprintf("c-%d-%d", ai, rng.IntN(3))
			params = createParams(in.Product, in.Token)
		case x < 80 || x < 90 && !w.pickOrder(ai, rng, &in):
			in.Kind, in.Product = Query, productSAS
			if rng.IntN(2) == 0 {
				in.Product, in.OpensOnce = productCFW, true
			}
			params = queryParams(in.Product)
		case x < 90: // pickOrder chose an acknowledged order of the account
			params = url.Values{"Action": {"GetOrderDetail"}, "OrderId": {in.OrderID}}
		default:
			in.Kind, in.Account, acct = Probe, w.probeAcct.ID, w.probeAcct
			params = url.Values{"Action": {"QueryAvailableInstances"}, "InstanceIDs": {w.probe}}
		}
		out := w.record(id, in, func() Output { return cl.call(ctx, in.Replica, acct, params, in.Kind) })
		if in.Kind == Create && out.Result == OK {
			w.mu.Lock()
			if !slices.ContainsFunc(w.acked[ai], func(a Input) bool { return a.OrderID == out.OrderID }) {
				w.acked[ai] = append(w.acked[ai], Input{Product: in.Product, OpensOnce: in.OpensOnce, OrderID: out.OrderID})
			}
			w.mu.Unlock()
		}
	}
}

// pickOrder makes in a GetOrderDetail of an order of account ai acknowledged before now, in its
// order's partition; false: the account has none yet.
func (w *workload) pickOrder(ai int, rng *rand.Rand, in *Input) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	orders := w.acked[ai]
	if len(orders) == 0 {
		return false
	}
	o := orders[rng.IntN(len(orders))]
	in.Kind, in.Product, in.OpensOnce, in.OrderID = GetOrder, o.Product, o.OpensOnce, o.OrderID
	return true
}

// cluster is the processes of a run.
type cluster struct {
	cfg      Config
	redis    *redistest.Server
	args     []string
	addrs    []string
	mu       sync.Mutex // guards replicas
	replicas []*loadgen.Proc
}

func (c *cluster) urls() []string {
	out := make([]string, len(c.addrs))
	for i, a := range c.addrs {
		out[i] = "http://" + a
	}
	return out
}

func (c *cluster) startReplicas(args []string) error {
	c.args = args
	for range c.cfg.Replicas {
		addr, err := loadgen.FreeAddr()
		if err != nil {
			return err
		}
		c.addrs = append(c.addrs, addr)
		c.replicas = append(c.replicas, nil)
	}
	for i := range c.addrs {
		if err := c.startReplica(i); err != nil {
			return err
		}
	}
	return nil
}

func (c *cluster) startReplica(i int) error {
	cmd := exec.Command(c.cfg.Bin, append([]string{"serve", "--addr", c.addrs[i], "--intl-addr", "127.0.0.1:0"}, c.args...)...)
	p, err := loadgen.StartProc(cmd, c.addrs[i], 30*time.Second)
	if err != nil {
		return fmt.Errorf("replica %d: %w", i, err)
	}
	c.mu.Lock()
	c.replicas[i] = p
	c.mu.Unlock()
	return nil
}

func (c *cluster) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.replicas {
		if p != nil {
			p.Stop()
		}
	}
	if c.redis != nil {
		if pid := c.redis.Pid(); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
		c.redis.Stop()
	}
}

// inject runs the faults, spread evenly over the run, one at a time; it returns when they are
// all over.
func (c *cluster) inject(ctx context.Context, h *History, logf func(string, ...any)) ([]Fault, error) {
	f := c.cfg.Faults
	var kinds []string
	for i := range max(f.ReplicaKills, f.RedisPauses, f.RedisKills) {
		if i < f.ReplicaKills {
			kinds = append(kinds, "replica kill")
		}
		if i < f.RedisPauses && c.redis != nil {
			kinds = append(kinds, "redis pause")
		}
		if i < f.RedisKills && c.redis != nil {
			kinds = append(kinds, "redis kill")
		}
	}
	var done []Fault
	var errs []error
	kills := 0 // replica kills so far: each kills the next replica
	for i, kind := range kinds {
		at := c.cfg.Duration * time.Duration(i+1) / time.Duration(len(kinds)+1)
		sleepCtx(ctx, at-time.Duration(h.now()))
		if ctx.Err() != nil {
			break
		}
		fault := Fault{Kind: kind, Start: time.Duration(h.now())}
		var err error
		switch kind {
		case "replica kill":
			r := kills % len(c.addrs)
			kills++
			fault.Target = fmt.Sprintf("replica %d", r)
			c.mu.Lock()
			p := c.replicas[r]
			c.mu.Unlock()
			_ = syscall.Kill(p.Cmd.Process.Pid, syscall.SIGKILL)
			p.Stop()
			sleepCtx(ctx, f.Down)
			err = c.startReplica(r)
		case "redis pause":
			fault.Target = "redis"
			pid := c.redis.Pid()
			if pid <= 0 { // kill(0, ...) would stop this process's whole group
				err = errors.New("redis-server is not running")
				break
			}
			err = syscall.Kill(pid, syscall.SIGSTOP)
			sleepCtx(ctx, f.Down)
			err = errors.Join(err, syscall.Kill(pid, syscall.SIGCONT))
		case "redis kill":
			fault.Target = "redis"
			c.redis.Stop() // SIGKILL
			sleepCtx(ctx, f.Down)
			err = c.redis.Relaunch()
		}
		fault.End = time.Duration(h.now())
		logf("fault %d/%d: %s of %s, %v..%v", i+1, len(kinds), kind, fault.Target, fault.Start.Round(time.Millisecond), fault.End.Round(time.Millisecond))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", kind, err))
		}
		done = append(done, fault)
	}
	return done, errors.Join(errs...)
}

// recovery measures, for each Redis fault, how long after its end the first CreateInstance
// invoked after it succeeded.
func recovery(h *History, faults []Fault) []time.Duration {
	var out []time.Duration
	ops := h.Operations()
	for _, f := range faults {
		if !strings.HasPrefix(f.Kind, "redis") {
			continue
		}
		best := time.Duration(-1)
		for _, op := range ops {
			in, o := op.Input.(Input), op.Output.(Output)
			if in.Kind != Create || o.Result == Unknown || o.Result == Failed || time.Duration(op.Call) < f.End {
				continue
			}
			if d := time.Duration(op.Return) - f.End; best < 0 || d < best {
				best = d
			}
		}
		out = append(out, best)
	}
	return out
}

// Summary is the report's figures, for a log or the docs.
func (r *Report) Summary() string {
	var b strings.Builder
	ops := 0
	keys := make([]string, 0, len(r.Counts))
	for k, n := range r.Counts {
		keys = append(keys, k)
		ops += n
	}
	slices.Sort(keys)
	fmt.Fprintf(&b, "%d operations in %v, %d faults\n", ops, r.Elapsed.Round(time.Millisecond), len(r.Faults))
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-36s %6d\n", k, r.Counts[k])
	}
	for _, f := range r.Faults {
		fmt.Fprintf(&b, "  fault: %s of %s at %v for %v\n", f.Kind, f.Target, f.Start.Round(time.Millisecond), (f.End - f.Start).Round(time.Millisecond))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Unexpected)) {
		fmt.Fprintf(&b, "  unexpected answer %s: %d\n", k, r.Unexpected[k])
	}
	byFault := map[string][]time.Duration{}
	for _, s := range r.Unavailable {
		k := "away from the faults"
		for _, f := range r.Faults {
			if s.At >= f.Start-time.Second && s.At <= f.End+time.Second {
				k = "around a " + f.Kind + " (invoked from 1 s before it to 1 s after)"
			}
		}
		byFault[k] = append(byFault[k], s.Latency)
	}
	for _, k := range slices.Sorted(maps.Keys(byFault)) {
		l := byFault[k]
		slices.Sort(l)
		n := len(l)
		fmt.Fprintf(&b, "  503 answers %s: %d, latency p50 %v, p99 %v, max %v\n", k, n,
			l[n/2].Round(time.Millisecond), l[n*99/100].Round(time.Millisecond), l[n-1].Round(time.Millisecond))
	}
	for i, d := range r.Recovery {
		fmt.Fprintf(&b, "  redis fault %d: first successful order %v after it ended\n", i+1, d.Round(time.Millisecond))
	}
	return strings.TrimRight(b.String(), "\n")
}
