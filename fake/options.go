package fake

import (
	"log/slog"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/verdict"
)

// Option configures a [Server].
type Option func(*config)

type config struct {
	clock        Clock
	seed         uint64
	seedSet      bool
	catalog      *Catalog
	accounts     []Account
	journalLimit int
	logger       *slog.Logger
	addr         string
	intlAddr     string // WithInternationalAddr (sites.go)
	specCheck    func(error)
	specCheckSet bool
	checkReport  func(error)   // where the compiled check reports failures (NewServer: t.Errorf); nil: the log
	rules        []faults.Rule // WithRules, WithScenario
	scenarioSeed *uint64       // WithScenario's seed, used unless WithSeed
	limits       Limits        // WithLimits (limits.go)
	adminToken   string        // WithAdminToken (admin_auth.go)
	stateFile    string        // WithStateFile (state.go)
	stateRepair  bool          // WithStateRepair (state.go)
	store        string        // WithStore (shared.go)
	storeEnv     string        // WithStore (shared.go)

	hang       hangConfig         // WithHangLimit, NewServer (transport.go)
	life       lifecycleConfig    // WithProvisioningDelay, WithPaymentDelay, WithRefundDelay (lifecycle.go)
	thresholds verdict.Thresholds // WithThresholds (verdicts.go)
}

func defaultConfig() config {
	return config{
		clock:        wallClock{},
		journalLimit: 4096,
		addr:         "127.0.0.1:0",
		intlAddr:     "127.0.0.1:0",
	}
}

// WithClock sets the fake's clock (default: the wall clock). Pass a [ManualClock] for deterministic
// timestamps, signature windows and time-based fault rules.
func WithClock(c Clock) Option { return func(o *config) { o.clock = c } }

// WithSeed sets the seed of every random choice the fake makes: RequestIds, OrderIds, InstanceIds and
// probabilistic fault rules. The same seed and the same requests give the same answers. Without it
// the seed is random; [Server.Seed] tells which, so a failing test can print it.
func WithSeed(seed uint64) Option { return func(o *config) { o.seed, o.seedSet = seed, true } }

// WithCatalog replaces the default product catalogue ([DefaultCatalog]). The server keeps a copy.
func WithCatalog(c *Catalog) Option { return func(o *config) { o.catalog = c.Clone() } }

// WithAccounts adds accounts. Once any account is configured, a caller whose AccessKeyId belongs to
// none of them gets InvalidCaller (or, with signature verification on, InvalidAccessKeyId.NotFound).
func WithAccounts(accounts ...Account) Option {
	return func(o *config) {
		for _, a := range accounts {
			o.accounts = append(o.accounts, a.clone())
		}
	}
}

// WithCredentials adds an access key with its secret to the default account and so turns signature
// verification on: requests must then be signed with one of the configured secrets.
func WithCredentials(accessKeyID, accessKeySecret string) Option {
	return func(o *config) {
		for i := range o.accounts {
			if o.accounts[i].ID == DefaultAccountID {
				o.accounts[i].AccessKeys = append(o.accounts[i].AccessKeys, AccessKey{ID: accessKeyID, Secret: accessKeySecret})
				return
			}
		}
		o.accounts = append(o.accounts, Account{
			ID:         DefaultAccountID,
			AccessKeys: []AccessKey{{ID: accessKeyID, Secret: accessKeySecret}},
			Owners:     DefaultOwnerIDs(),
		})
	}
}

// WithJournalLimit bounds the journal to the newest n entries (default 4096; 0 keeps none).
func WithJournalLimit(n int) Option { return func(o *config) { o.journalLimit = max(n, 0) } }

// WithLogger sets the logger (default: discard). Each request is logged at debug level, redacted.
func WithLogger(l *slog.Logger) Option { return func(o *config) { o.logger = l } }

// WithAddr sets the address [Server.Start] listens on (default "127.0.0.1:0", a free loopback port).
func WithAddr(addr string) Option { return func(o *config) { o.addr = addr } }

// WithSpecCheck replaces the default response check with kin-openapi, the reference validator,
// and calls report with each response that does not conform to the spec; pass nil to check no
// response at all. Without this option every response is checked by the compiled check, which
// kin-openapi is tested and fuzzed against and which costs a fraction of it: [NewServer] reports
// its failures with t.Errorf, [New] (bsskit serve) logs them at error level.
func WithSpecCheck(report func(error)) Option {
	return func(o *config) { o.specCheck, o.specCheckSet = report, true }
}

// WithThresholds sets the thresholds of the verdicts GET /__admin/verdicts serves (default
// [verdict.DefaultThresholds]).
func WithThresholds(th verdict.Thresholds) Option { return func(o *config) { o.thresholds = th } }

// WithRules adds fault rules at start, as [Faults.Add] would; [New] fails if any is invalid.
func WithRules(rules ...faults.Rule) Option {
	return func(o *config) {
		for _, r := range rules {
			o.rules = append(o.rules, r.Clone())
		}
	}
}

// WithScenario adds a scenario's rules at start ([faults.LoadScenario] reads a file) and, unless
// [WithSeed] is also given, uses its seed; [New] fails if the scenario is invalid.
func WithScenario(sc *faults.Scenario) Option {
	return func(o *config) {
		if sc == nil {
			return
		}
		for _, r := range sc.Rules {
			o.rules = append(o.rules, r.Clone())
		}
		if sc.Seed != nil {
			o.scenarioSeed = sc.Seed
		}
	}
}

// WithSite puts every account configured before it on the site (spec.SiteDomestic,
// spec.SiteInternational): the sweep's site cases use it on bsskit sweep's accounts.
func WithSite(site string) Option {
	return func(o *config) {
		for i := range o.accounts {
			o.accounts[i].Site = site
		}
	}
}
