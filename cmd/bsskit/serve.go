package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bsskit/bsskit/fake"
)

// serveConfig is what the serve flags say; it turns into the fake package's options, so the binary
// runs exactly the library's code.
type serveConfig struct {
	addr, catalog       string
	accounts            string
	scenario            string
	accessKeyID, secret string
	logFormat, logLevel string
	seed                uint64
	seedSet             bool
	journalLimit        int
	shutdownGrace       time.Duration
	adminToken          string      // --admin-token or $BSSKIT_ADMIN_TOKEN; never logged
	state               string      // --state
	stateRepair         bool        // --state-repair
	limits              fake.Limits // --max-*, --*-timeout
	memoryLimitMiB      int         // --memory-limit-mib
}

func parseServeFlags(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("bsskit serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address; 127.0.0.1:0 picks a free port")
	fs.StringVar(&c.catalog, "catalog", "", "product catalogue file (YAML or JSON); default: the built-in catalogue")
	fs.StringVar(&c.accounts, "accounts", "", "accounts file (YAML or JSON): callers, their access keys and secrets, owners, STS and bearer tokens")
	fs.StringVar(&c.scenario, "scenario", "", "fault scenario file (YAML, see fake/scenario.schema.json); its seed applies unless --seed is given")
	fs.StringVar(&c.accessKeyID, "access-key-id", os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), "access key ID to accept (default $ALIBABA_CLOUD_ACCESS_KEY_ID); with a secret, signatures are verified")
	fs.StringVar(&c.secret, "access-key-secret", "", "access key secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug (one line per request), info, warn, error")
	seed := fs.String("seed", "", "seed for every random choice (default: random, printed at start)")
	fs.IntVar(&c.journalLimit, "journal-limit", 4096, "requests kept in the journal")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", 10*time.Second, "how long a shutdown waits for in-flight requests")
	fs.StringVar(&c.adminToken, "admin-token", "", "token required by /__admin/ (\"Authorization: Bearer <token>\" or X-Bsskit-Admin-Token); default $BSSKIT_ADMIN_TOKEN; required for a non-loopback --addr")
	fs.StringVar(&c.state, "state", "", "state file: orders and ClientTokens survive a restart or a crash (created if absent)")
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
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.adminToken == "" {
		c.adminToken = os.Getenv("BSSKIT_ADMIN_TOKEN")
	}
	if c.adminToken == "" && !fake.IsLoopback(c.addr) {
		return nil, fmt.Errorf("--addr %s is not a loopback address: anyone who can reach it could read the journal and reset the fake, so set --admin-token (or $BSSKIT_ADMIN_TOKEN) to protect /__admin/", c.addr)
	}
	if c.stateRepair && c.state == "" {
		return nil, errors.New("--state-repair needs --state")
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
	opts := []fake.Option{fake.WithAddr(c.addr), fake.WithLogger(log), fake.WithJournalLimit(c.journalLimit), fake.WithLimits(c.limits)}
	if c.adminToken != "" {
		opts = append(opts, fake.WithAdminToken(c.adminToken))
	}
	if c.state != "" {
		opts = append(opts, fake.WithStateFile(c.state))
		if c.stateRepair {
			opts = append(opts, fake.WithStateRepair())
		}
	}
	if c.accounts != "" {
		accts, err := fake.LoadAccounts(c.accounts)
		if err != nil {
			return nil, err
		}
		opts = append(opts, fake.WithAccounts(accts...))
	}
	if c.catalog != "" {
		cat, err := fake.LoadCatalog(c.catalog)
		if err != nil {
			return nil, err
		}
		opts = append(opts, fake.WithCatalog(cat))
	}
	if c.scenario != "" {
		sc, err := fake.LoadScenario(c.scenario)
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
	cfg, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "bsskit serve: %v\n", err)
		return exitUsage
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bsskit serve: %v\n", err)
		return exitUsage
	}
	opts, err := cfg.options(log)
	if err != nil {
		fmt.Fprintf(stderr, "bsskit serve: %v\n", err)
		return exitUsage
	}
	if cfg.memoryLimitMiB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		// The journal and the nonce store are bounded; the limit keeps their garbage from doubling
		// the process's memory (docs/performance.md).
		prev := debug.SetMemoryLimit(int64(cfg.memoryLimitMiB) << 20)
		defer debug.SetMemoryLimit(prev)
	}
	srv, err := fake.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "bsskit serve: %v\n", err)
		return exitFail
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		fmt.Fprintf(stderr, "bsskit serve: %v\n", err)
		return exitFail
	}
	auth := "signature verification off (any signature accepted)"
	if srv.VerifiesSignatures() {
		auth = "signature verification on"
	}
	fmt.Fprintf(stdout, "bsskit fake BssOpenApi listening on %s (%s, seed %d)\n", srv.URL(), auth, srv.Seed())
	log.Info("serving", "url", srv.URL(), "verifiesSignatures", srv.VerifiesSignatures(), "seed", srv.Seed())
	catalogue := "built-in (fake.DefaultCatalog)"
	if cfg.catalog != "" {
		catalogue = cfg.catalog
	}
	log.Info("catalogue in use", "catalogue", catalogue, "products", len(srv.Catalog().Products))
	if n := len(srv.Rules()); n > 0 {
		log.Info("fault rules active", "rules", n, "scenario", cfg.scenario, "admin", srv.URL()+"/__admin/faults")
	}
	cfg.logSafety(log, len(srv.Orders()))
	<-ctx.Done()
	log.Info("shutting down", "grace", cfg.shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown did not drain every request", "err", err)
	}
	log.Info("stopped", "requests", srv.Requests())
	return exitOK
}

// logSafety says at start-up how the admin API is protected and where orders are kept. It never
// logs the admin token itself.
func (c *serveConfig) logSafety(log *slog.Logger, orders int) {
	switch {
	case c.adminToken != "" && !fake.IsLoopback(c.addr):
		log.Info("admin API requires the admin token (listening beyond loopback)", "addr", c.addr, "header", "Authorization: Bearer <token> or "+fake.AdminTokenHeader)
	case c.adminToken != "":
		log.Info("admin API requires the admin token", "header", "Authorization: Bearer <token> or "+fake.AdminTokenHeader)
	default:
		log.Info("admin API open without a token: loopback only", "addr", c.addr)
	}
	if c.state != "" {
		log.Info("state file: orders and ClientTokens survive restarts", "path", c.state, "orders", orders)
	} else {
		log.Info("no state file: orders are lost on exit (--state FILE keeps them)")
	}
}
