package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/bsskit/bsskit/internal/loopback"
	"github.com/bsskit/bsskit/spec"
)

// serveConfig is what the serve flags say; it turns into the fake package's options, so the binary
// runs exactly the library's code.
type serveConfig struct {
	addr, catalog       string
	intlAddr            string // --intl-addr
	accounts            string
	scenario            string
	accessKeyID, secret string
	logFormat, logLevel string
	seed                uint64
	seedSet             bool
	journalLimit        int
	shutdownGrace       time.Duration
	adminToken          string        // --admin-token or $BSSKIT_ADMIN_TOKEN; never logged
	state               string        // --state
	stateRepair         bool          // --state-repair
	store, storeEnv     string        // --store, --store-env
	provisioningDelay   time.Duration // --provisioning-delay
	limits              fake.Limits   // --max-*, --*-timeout
	memoryLimitMiB      int           // --memory-limit-mib

	thresholds verdict.Thresholds // --min-backoff, --max-retries, --hang-bound, --fail-gave-up (sweep.go)
}

// serveSynopsis is the first line of `bsskit serve -h` and of the short usage after a flag error.
const serveSynopsis = "usage: bsskit serve [--addr HOST:PORT] [--intl-addr HOST:PORT] [--catalog FILE] [--accounts FILE] [--scenario FILE] [--state FILE | --store redis://HOST:PORT/DB] [flags]"

func serveHelp(w io.Writer) {
	fmt.Fprintln(w, serveSynopsis)
	fmt.Fprintln(w, "\nStarts the fake BssOpenApi (CreateInstance) server and prints its URL on the first line of standard")
	fmt.Fprintln(w, "output, then the international site's URL on the second. --addr 127.0.0.1:0 picks a free port.")
	fmt.Fprintln(w, "Both sites share one state; a request whose Host is a real site host goes to that site. SIGINT or")
	fmt.Fprintln(w, "SIGTERM shuts it down gracefully.")
}

// parseServeFlags parses the serve command line; -h writes help to w and returns flag.ErrHelp.
func parseServeFlags(args []string, w io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("bsskit serve", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address of the domestic site (business.aliyuncs.com); 127.0.0.1:0 picks a free port")
	fs.StringVar(&c.intlAddr, "intl-addr", "127.0.0.1:0", "listen address of the international site (business.ap-southeast-1.aliyuncs.com); the default picks a free port")
	fs.StringVar(&c.catalog, "catalog", "", "product catalogue file (YAML or JSON); default: the built-in catalogue")
	fs.StringVar(&c.accounts, "accounts", "", "accounts file (YAML or JSON): callers, their access keys and secrets, owners, STS and bearer tokens")
	fs.StringVar(&c.scenario, "scenario", "", "fault scenario file (YAML, see fake/faults/scenario.schema.json); its seed applies unless --seed is given")
	fs.StringVar(&c.accessKeyID, "access-key-id", os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), "access key ID to accept (default $ALIBABA_CLOUD_ACCESS_KEY_ID); with a secret, signatures are verified")
	fs.StringVar(&c.secret, "access-key-secret", "", "access key secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug (one line per request), info, warn, error")
	seed := fs.String("seed", "", "seed for every random choice (default: random, printed at start)")
	fs.IntVar(&c.journalLimit, "journal-limit", 4096, "requests kept in the journal")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", 10*time.Second, "how long a shutdown waits for in-flight requests")
	fs.StringVar(&c.adminToken, "admin-token", "", "token required by /__admin/ (\"Authorization: Bearer <token>\" or X-Bsskit-Admin-Token); default $BSSKIT_ADMIN_TOKEN; required for a non-loopback --addr")
	fs.StringVar(&c.state, "state", "", "state file: orders and ClientTokens survive a restart or a crash (created if absent)")
	fs.DurationVar(&c.provisioningDelay, "provisioning-delay", fake.DefaultProvisioningDelay, "how long a new instance stays Creating before QueryAvailableInstances reports it Normal, for products whose catalogue entry sets none")
	fs.StringVar(&c.store, "store", "", "shared store of the replicas of one environment: redis://[:PASSWORD@]HOST:PORT/DB (rediss:// for TLS); orders, ClientTokens, nonces, fault rules and their counters, the journal live there (default: this process's memory)")
	fs.StringVar(&c.storeEnv, "store-env", "default", "environment name within --store: its keys start with bsskit:NAME:, so environments sharing one Redis do not see each other")
	fs.BoolVar(&c.stateRepair, "state-repair", false, "drop a torn last line of the --state file (a write cut short by a crash) instead of refusing to start")
	d := fake.DefaultLimits()
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body-bytes", d.MaxBodyBytes, "largest request body; a larger one is answered InvalidParameter (negative: no limit)")
	fs.IntVar(&c.limits.MaxQueryBytes, "max-query-bytes", d.MaxQueryBytes, "longest query string (negative: no limit)")
	fs.IntVar(&c.limits.MaxHeaderBytes, "max-header-bytes", d.MaxHeaderBytes, "largest request line and headers; net/http answers 431 past it")
	fs.IntVar(&c.limits.MaxParams, "max-params", d.MaxParams, "most query and form parameters in one request (negative: no limit)")
	fs.IntVar(&c.limits.MaxConns, "max-conns", d.MaxConns, "most connections open at once; more are answered ServiceUnavailable (negative: no limit)")
	fs.DurationVar(&c.limits.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "time to read a request's headers")
	fs.DurationVar(&c.limits.ReadTimeout, "read-timeout", d.ReadTimeout, "time to read a whole request")
	fs.DurationVar(&c.limits.WriteTimeout, "write-timeout", d.WriteTimeout, "time to write an answer (longer fault latencies lose their answer)")
	fs.DurationVar(&c.limits.IdleTimeout, "idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.IntVar(&c.memoryLimitMiB, "memory-limit-mib", 48, "soft memory limit of the Go runtime in MiB (runtime/debug.SetMemoryLimit): the garbage collector works harder near it instead of letting the heap double; 0: none; $GOMEMLIMIT, when set, wins")
	thresholdFlags(fs, &c.thresholds) // sweep.go
	if err := parseFlags(fs, args, serveHelp, w); err != nil {
		return nil, err
	}
	if c.adminToken == "" {
		c.adminToken = os.Getenv("BSSKIT_ADMIN_TOKEN")
	}
	if c.adminToken == "" && !loopback.Addr(c.addr) {
		return nil, fmt.Errorf("--addr %s is not a loopback address: anyone who can reach it could read the journal and reset the fake, so set --admin-token (or $BSSKIT_ADMIN_TOKEN) to protect /__admin/", c.addr)
	}
	if c.adminToken == "" && !loopback.Addr(c.intlAddr) {
		return nil, fmt.Errorf("--intl-addr %s is not a loopback address: anyone who can reach it could read the journal and reset the fake, so set --admin-token (or $BSSKIT_ADMIN_TOKEN) to protect /__admin/", c.intlAddr)
	}
	if c.store != "" && c.state != "" {
		return nil, errors.New("--store and --state do not go together: with --store the orders live in the shared store")
	}
	if c.stateRepair && c.state == "" {
		return nil, errors.New("--state-repair needs --state")
	}
	if c.state != "" {
		// The state file is created if absent, its directory is not.
		dir := filepath.Dir(c.state)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--state %s: directory %s does not exist (create it first: mkdir -p %s)", c.state, dir, dir)
		}
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.secret == "" {
		c.secret = os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	if (c.accessKeyID == "") != (c.secret == "") {
		return nil, errors.New("--access-key-id and --access-key-secret go together")
	}
	if *seed != "" {
		if _, err := fmt.Sscan(*seed, &c.seed); err != nil {
			return nil, fmt.Errorf("--seed %q: not an unsigned integer", *seed)
		}
		c.seedSet = true
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return nil, fmt.Errorf("--log-format %q: want text or json", c.logFormat)
	}
	return c, nil
}

func (c *serveConfig) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", c.logLevel, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

func (c *serveConfig) options(log *slog.Logger) ([]fake.Option, error) {
	opts := []fake.Option{fake.WithAddr(c.addr), fake.WithInternationalAddr(c.intlAddr), fake.WithLogger(log), fake.WithJournalLimit(c.journalLimit), fake.WithLimits(c.limits),
		fake.WithProvisioningDelay(c.provisioningDelay)}
	opts = append(opts, fake.WithThresholds(c.thresholds)) // verdicts (sweep.go)
	if c.adminToken != "" {
		opts = append(opts, fake.WithAdminToken(c.adminToken))
	}
	if c.state != "" {
		opts = append(opts, fake.WithStateFile(c.state))
		if c.stateRepair {
			opts = append(opts, fake.WithStateRepair())
		}
	}
	if c.store != "" {
		opts = append(opts, fake.WithStore(c.store, c.storeEnv))
	}
	if c.accounts != "" {
		accts, err := loadFile(c.accounts, fake.ParseAccounts)
		if err != nil {
			return nil, err
		}
		opts = append(opts, fake.WithAccounts(accts...))
	}
	if c.catalog != "" {
		cat, err := loadFile(c.catalog, fake.ParseCatalog)
		if err != nil {
			return nil, err
		}
		opts = append(opts, fake.WithCatalog(cat))
	}
	if c.scenario != "" {
		sc, err := faults.LoadScenario(c.scenario)
		if err != nil {
			return nil, err
		}
		opts = append(opts, fake.WithScenario(sc))
	}
	if c.accessKeyID != "" {
		opts = append(opts, fake.WithCredentials(c.accessKeyID, c.secret))
	}
	if c.seedSet {
		opts = append(opts, fake.WithSeed(c.seed))
	}
	return opts, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServeFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "serve", serveSynopsis, err)
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return usageError(stderr, "serve", serveSynopsis, err)
	}
	opts, err := cfg.options(log)
	if err != nil {
		return usageError(stderr, "serve", serveSynopsis, err)
	}
	if cfg.memoryLimitMiB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		// The journal and the nonce store are bounded; the limit keeps their garbage from doubling
		// the process's memory (docs/performance.md).
		prev := debug.SetMemoryLimit(int64(cfg.memoryLimitMiB) << 20)
		defer debug.SetMemoryLimit(prev)
	}
	if cfg.store != "" {
		// The Redis client's own messages (a failed dial) go to the log, at warn level.
		redis.SetLogger(redisLog{log})
	}
	srv, err := fake.New(opts...)
	if err != nil {
		printErr(stderr, "serve", err)
		return exitFail
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		if hint := listenHint(cfg.addr, err); hint != "" {
			err = errors.New(hint)
		}
		printErr(stderr, "serve", err)
		return exitFail
	}
	auth := "signature verification off (any signature accepted)"
	if srv.VerifiesSignatures() {
		auth = "signature verification on"
	}
	// The real address (the port --addr :0 picked), reachable from this host even when listening
	// on every interface.
	url, note := reachableURL(srv.URL())
	fmt.Fprintf(stdout, "bsskit fake BssOpenApi listening on %s (%s, seed %d)\n", url, auth, srv.Seed())
	intlURL, _ := reachableURL("http://" + srv.InternationalEndpoint())
	fmt.Fprintf(stdout, "bsskit fake BssOpenApi international site (%s) listening on %s\n", spec.Sites()[1].Host, intlURL)
	if note != "" {
		fmt.Fprintf(stdout, "bsskit serve: %s\n", note)
	}
	catalogue := "built-in (fake.DefaultCatalog)"
	if cfg.catalog != "" {
		catalogue = cfg.catalog
	}
	log.Info("serving", "url", url, "listen", srv.Endpoint(), "internationalURL", intlURL, "verifiesSignatures", srv.VerifiesSignatures(), "seed", srv.Seed())
	log.Info("catalogue in use", "catalogue", catalogue, "products", len(srv.Catalog().Products))
	if rules, err := srv.Faults().Rules(); err == nil && len(rules) > 0 {
		n := len(rules)
		log.Info("fault rules active", "rules", n, "scenario", cfg.scenario, "admin", url+"/__admin/faults")
	}
	cfg.logSafety(log, srv.Endpoint(), len(srv.Orders()))
	<-ctx.Done()
	log.Info("shutting down", "grace", cfg.shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown did not drain every request", "err", err)
	}
	log.Info("stopped", "requests", srv.RequestCount())
	printVerdicts(stdout, verdict.Judge(srv.Journal(), cfg.thresholds)) // sweep.go
	return exitOK
}

// logSafety says at start-up how the admin API is protected and where orders are kept; addr is the
// address actually listened on (the real port, not --addr's :0). It never logs the admin token itself.
func (c *serveConfig) logSafety(log *slog.Logger, addr string, orders int) {
	switch {
	case c.adminToken != "" && !loopback.Addr(c.addr):
		log.Info("admin API requires the admin token (listening beyond loopback)", "addr", addr, "header", "Authorization: Bearer <token> or "+fake.AdminTokenHeader)
	case c.adminToken != "":
		log.Info("admin API requires the admin token", "header", "Authorization: Bearer <token> or "+fake.AdminTokenHeader)
	default:
		log.Info("admin API open without a token: loopback only", "addr", addr)
	}
	if c.store != "" {
		log.Info("shared store: orders, ClientTokens, nonces, fault rules and the journal are shared by every replica of the environment", "environment", c.storeEnv, "orders", orders)
	} else if c.state != "" {
		log.Info("state file: orders and ClientTokens survive restarts", "path", c.state, "orders", orders)
	} else {
		log.Info("no state file: orders are lost on exit (--state FILE keeps them)")
	}
}

// redisLog sends the Redis client's messages (--store) to the serve log.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn("redis client", "msg", fmt.Sprintf(format, v...))
}

// loadFile reads a file people write and parses it; errors name the file.
func loadFile[T any](path string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := os.ReadFile(path)
	if err != nil {
		return zero, fmt.Errorf("fake: %w", err)
	}
	v, err := parse(data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
