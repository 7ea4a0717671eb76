package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/contract"
)

// contractConfig is what the contract flags say.
type contractConfig struct {
	endpoint, compare string
	maxOrders         *int // nil: the default budget
	products          []contract.Product
	catalog           *contract.Catalog // --catalog FILE
	seed              uint64
	report, out       string
	signature         string
	verify            string
	run               *regexp.Regexp
	generated         int
	timeout           time.Duration
	adminToken        string // --admin-token or $BSSKIT_ADMIN_TOKEN; never printed
	verbose           bool
	allowWrites       *bool // --allow-writes[=false]; nil: the default (loopback only)
	writeFailed       bool  // the report could not be written whole
	hooks             contractHooks
}

// contractHooks let tests point a made-up, non-loopback host name at a loopback fake, as the
// contract package's own tests do: resolve decides what the host is, dial where connections go.
// The zero value is the real resolver and dialer.
type contractHooks struct {
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
}

// contractSynopsis is the first line of `bsskit contract -h` and of the short usage after a flag error.
const contractSynopsis = "usage: bsskit contract --endpoint URL [--max-orders N] [--product CODE...] [--catalog FILE] [--seed N]\n" +
	"                       [--report text|json|junit] [--out FILE] [--signature v1|v3] [--compare URL2]\n" +
	"                       [--run REGEXP] [--admin-token TOKEN] [--allow-writes] [--verbose]"

func contractHelp(w io.Writer) {
	fmt.Fprintln(w, contractSynopsis)
	fmt.Fprintln(w, "\nChecks an endpoint (a URL, or host:port for http://host:port) against the spec. Credentials")
	fmt.Fprintln(w, "come from ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET and are never printed;")
	fmt.Fprintln(w, "one signed read checks them first, and an endpoint that rejects them or does not answer stops")
	fmt.Fprintln(w, "the run with one line (exit status 2).")
	fmt.Fprintln(w, "Against a non-loopback endpoint only requests rejected before an order can exist are sent,")
	fmt.Fprintln(w, "unless --max-orders N (N > 0) is given with --product. Against loopback (a fake) orders are")
	fmt.Fprintln(w, "unlimited unless --max-orders is given; the products come from the fake's /__admin/catalog.")
	fmt.Fprintln(w, "Cases that could place more orders than the budget has left are skipped, not failed.")
	fmt.Fprintln(w, "Every operation of the spec is checked: reads in full against any endpoint; the negative cases")
	fmt.Fprintln(w, "of writes other than CreateInstance and the lifecycle's only against loopback unless --allow-writes.")
	fmt.Fprintln(w, "Exit status: 0 conformant, 1 not conformant (or drift with --compare), 2 usage error,")
	fmt.Fprintln(w, "credentials rejected or endpoint unreachable (--out FILE is then left as it was).")
}

// parseContractFlags parses the contract command line; -h writes help to w and returns flag.ErrHelp.
func parseContractFlags(args []string, w io.Writer) (*contractConfig, error) {
	c := &contractConfig{}
	fs := flag.NewFlagSet("bsskit contract", flag.ContinueOnError)
	fs.StringVar(&c.endpoint, "endpoint", "", "base URL of the endpoint under test (required), e.g. http://127.0.0.1:8080 (host:port means http://host:port)")
	fs.StringVar(&c.compare, "compare", "", "second endpoint: run the same cases (same seed) against both and report where their answers differ")
	fs.Func("max-orders", "order budget: cases that could place more orders than it has left are skipped; 0 sends none even to a fake;\nN > 0 with --product allows orders against a non-loopback endpoint (default: unlimited on loopback, none elsewhere)", func(s string) error {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(s) {
			return fmt.Errorf("%q: not an integer", s)
		}
		if n < 0 {
			return errors.New("must not be negative")
		}
		c.maxOrders = &n
		return nil
	})
	fs.Func("product", "product to order, repeatable: CODE or 'CODE?SubscriptionType=...&Period=...&Parameter.1.Code=...'\n(default: the products of the endpoint's /__admin/catalog; an endpoint without one gets no order cases)", func(s string) error {
		p, err := contract.ParseProduct(s)
		if err != nil {
			return err
		}
		c.products = append(c.products, p)
		return nil
	})
	fs.Func("catalog", "product catalogue FILE in the format of bsskit serve --catalog (YAML or JSON), in place of the endpoint's /__admin/catalog:\nwhich products open once, report bad modules on the commodity channel, cost what (for staging, with --max-orders)", func(path string) error {
		data, err := os.ReadFile(path)
		if err == nil {
			c.catalog, err = contract.ParseCatalog(data)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
	seed := fs.String("seed", "", "seed of the generated cases (default: random, printed in the report)")
	fs.StringVar(&c.report, "report", "text", "report format: text, json or junit")
	fs.StringVar(&c.out, "out", "", "write the report to FILE instead of standard output")
	fs.StringVar(&c.signature, "signature", "v1", "signature version: v1 (HMAC-SHA1, old SDK) or v3 (ACS3-HMAC-SHA256)")
	fs.StringVar(&c.verify, "verify-signatures", "auto", "expect signature verification: auto (ask a fake's /__admin/health), yes or no")
	runRE := fs.String("run", "", "run only the cases whose name matches this regular expression")
	fs.IntVar(&c.generated, "generated", 20, "generated cases of each kind (valid, invalid); 0 for none")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "timeout of each request")
	fs.BoolFunc("allow-writes", "send the negative cases of the writes other than CreateInstance and the lifecycle's (resource packages, quotas, ...)\nto a non-loopback endpoint too; --allow-writes=false sends them to none (default: loopback only)", func(s string) error {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q: want true or false", s)
		}
		c.allowWrites = &b
		return nil
	})
	fs.BoolVar(&c.verbose, "verbose", false, "text report: the whole coverage table and ledger even when the run passes")
	fs.StringVar(&c.adminToken, "admin-token", "", "admin token of a fake started with one (bsskit serve --admin-token), sent to its /__admin/ API; default $BSSKIT_ADMIN_TOKEN")
	if err := parseFlags(fs, args, contractHelp, w); err != nil {
		return nil, err
	}
	if c.adminToken == "" {
		c.adminToken = os.Getenv("BSSKIT_ADMIN_TOKEN")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.endpoint == "" {
		return nil, errors.New("--endpoint is required")
	}
	switch c.report {
	case "text", "json", "junit":
	default:
		return nil, fmt.Errorf("--report %q: want text, json or junit", c.report)
	}
	if c.signature != "v1" && c.signature != "v3" {
		return nil, fmt.Errorf("--signature %q: want v1 or v3", c.signature)
	}
	switch c.verify {
	case "auto", "yes", "no":
	default:
		return nil, fmt.Errorf("--verify-signatures %q: want auto, yes or no", c.verify)
	}
	if c.generated < 0 {
		return nil, errors.New("--generated must not be negative")
	}
	if *seed != "" {
		if _, err := fmt.Sscan(*seed, &c.seed); err != nil {
			return nil, fmt.Errorf("--seed %q: not an unsigned integer", *seed)
		}
	} else {
		c.seed = rand.Uint64N(1 << 31)
	}
	if *runRE != "" {
		re, err := regexp.Compile(*runRE)
		if err != nil {
			return nil, fmt.Errorf("--run: %w", err)
		}
		c.run = re
	}
	return c, nil
}

func (c *contractConfig) options() []contract.Option {
	o := []contract.Option{
		contract.WithSeed(c.seed), contract.WithGenerated(c.generated),
	}
	if len(c.products) > 0 {
		o = append(o, contract.WithProducts(c.products...))
	}
	if c.catalog != nil {
		o = append(o, contract.WithCatalog(c.catalog))
	}
	if c.run != nil {
		o = append(o, contract.WithRun(c.run))
	}
	if c.maxOrders != nil {
		o = append(o, contract.WithMaxOrders(*c.maxOrders))
	}
	if c.adminToken != "" {
		o = append(o, contract.WithAdminToken(c.adminToken))
	}
	if c.hooks.resolve != nil {
		o = append(o, contract.WithResolver(c.hooks.resolve))
	}
	if c.allowWrites != nil {
		o = append(o, contract.WithWrites(*c.allowWrites))
	}
	switch c.verify {
	case "yes":
		o = append(o, contract.WithVerification(contract.VerifyYes))
	case "no":
		o = append(o, contract.WithVerification(contract.VerifyNo))
	}
	return o
}

func (c *contractConfig) target(url string) contract.Target {
	cred, _ := contract.CredentialsFromEnv(os.Getenv)
	client := &http.Client{Timeout: c.timeout}
	if c.hooks.dial != nil {
		client.Transport = &http.Transport{DialContext: c.hooks.dial}
	}
	return contract.Target{
		URL: url, Credentials: cred, Signature: contract.SignatureVersion(c.signature),
		Client: client,
	}
}

func runContract(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runContractWith(ctx, args, stdout, stderr, contractHooks{})
}

// runContractWith is runContract with test hooks.
func runContractWith(ctx context.Context, args []string, stdout, stderr io.Writer, hooks contractHooks) int {
	cfg, err := parseContractFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "contract", contractSynopsis, err)
	}
	cfg.hooks = hooks
	if cfg.out == "" {
		return cfg.execute(ctx, stdout, stdout, stderr)
	}
	// The report goes to a temporary file beside FILE, renamed over FILE once it is whole: a run
	// that ends in exit status 2 (or fails writing) leaves FILE as it was, never empty or cut.
	dir, base := filepath.Split(cfg.out)
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		printErr(stderr, "contract", err)
		return exitUsage
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	code := cfg.execute(ctx, tmp, stdout, stderr)
	if err := tmp.Close(); err != nil {
		printErr(stderr, "contract", err)
		return exitFail
	}
	if code == exitUsage || cfg.writeFailed {
		return code
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		printErr(stderr, "contract", err)
		return exitFail
	}
	if err := os.Rename(tmp.Name(), cfg.out); err != nil {
		printErr(stderr, "contract", err)
		return exitFail
	}
	return code
}

// execute runs the suite and writes the report to out; a summary line goes to stdout when the
// report goes to a file.
func (c *contractConfig) execute(ctx context.Context, out, stdout, stderr io.Writer) int {
	opts := c.options()
	fail := func(err error) int {
		printErr(stderr, "contract", err)
		if errors.Is(err, contract.ErrUsage) || errors.Is(err, contract.ErrCredentials) || errors.Is(err, contract.ErrUnreachable) {
			return exitUsage
		}
		return exitFail
	}
	var ok bool
	var werr error
	var summary string
	if c.compare != "" {
		d, err := contract.Compare(ctx, c.target(c.endpoint), c.target(c.compare), opts...)
		if err != nil {
			return fail(err)
		}
		switch c.report {
		case "json":
			werr = d.WriteJSON(out)
		case "junit":
			werr = d.WriteJUnit(out)
		default:
			werr = d.WriteText(out)
		}
		ok = d.OK() && d.A.OK() && d.B.OK()
		summary = fmt.Sprintf("%d difference(s) between %s and %s (seed %d)", len(d.Differences), d.A.Endpoint, d.B.Endpoint, c.seed)
	} else {
		rep, err := contract.Check(ctx, c.target(c.endpoint), opts...)
		if rep == nil {
			return fail(err)
		}
		switch c.report {
		case "json":
			werr = rep.WriteJSON(out)
		case "junit":
			werr = rep.WriteJUnit(out)
		default:
			if c.verbose {
				werr = rep.WriteTextVerbose(out)
			} else {
				werr = rep.WriteText(out)
			}
		}
		if err != nil {
			printErr(stderr, "contract", err)
		}
		ok = err == nil && rep.OK()
		n := rep.Counts()
		placed, unknown := rep.LedgerCounts()
		summary = fmt.Sprintf("%d passed, %d failed, %d not applicable, %d skipped, %d not run; %d orders placed, %d outcomes unknown (seed %d)",
			n[contract.StatusPass], n[contract.StatusFail], n[contract.StatusNotApplicable], n[contract.StatusSkipped], n[contract.StatusNotRun], placed, unknown, c.seed)
		if !rep.OK() {
			names := make([]string, 0)
			for _, ch := range rep.FailedChecks() {
				names = append(names, string(ch))
			}
			if len(names) > 0 {
				summary += "; failed checks: " + strings.Join(names, ", ")
			}
			if rep.Stopped != "" {
				summary += "; stopped: " + rep.Stopped
			}
		}
	}
	if werr != nil {
		fmt.Fprintf(stderr, "bsskit contract: writing the report: %v\n", werr)
		c.writeFailed = true
		return exitFail
	}
	if c.out != "" {
		verdict := "conformant"
		if !ok {
			verdict = "NOT conformant"
		}
		fmt.Fprintf(stdout, "bsskit contract: %s: %s; report in %s\n", verdict, summary, c.out)
	}
	if !ok {
		return exitFail
	}
	return exitOK
}
