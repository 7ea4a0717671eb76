package fake

import (
	"log/slog"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/verdict"
)

// Option configures a [Server]. Every option is in this file; the comment on each field of config
// names the file that uses it.
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

// WithAdminToken requires every /__admin/ request to carry token, as "Authorization: Bearer
// <token>" or in the X-Bsskit-Admin-Token header (compared in constant time). It is required to
// listen on an address that is not loopback; on loopback it is optional. The token never appears in
// logs, the journal or error messages.
func WithAdminToken(token string) Option { return func(o *config) { o.adminToken = token } }

// WithProvisioningDelay sets how long a new instance stays Creating before it is Normal, on the
// fake's clock, for products whose catalogue entry sets no [Product.ProvisioningDelay] (default
// [DefaultProvisioningDelay]; 0 makes instances Normal at once).
func WithProvisioningDelay(d time.Duration) Option {
	return func(o *config) { o.life.provisioning, o.life.provisioningSet = max(d, 0), true }
}

// WithPaymentDelay sets how long a Subscription order stays Unpaid before it is Paid, on the fake's
// clock (default 0: paid at once, as CreateInstance pays automatically). PayAsYouGo orders are
// always paid at once.
func WithPaymentDelay(d time.Duration) Option {
	return func(o *config) { o.life.payment = max(d, 0) }
}

// WithRefundDelay sets how long the instance of a refunded duplicate ([faults.Outcome.Refund]) stays
// Creating before it disappears and its order shows Cancelled (default [DefaultRefundDelay]).
func WithRefundDelay(d time.Duration) Option {
	return func(o *config) { o.life.refund, o.life.refundSet = max(d, 0), true }
}

// WithLimits sets the server's limits; zero fields keep their defaults (see [Limits]).
func WithLimits(l Limits) Option {
	return func(o *config) {
		o.limits = l
	}
}

// WithStore makes the server one replica of an environment whose state lives in Redis, so that
// several servers (bsskit serve --store) behind a load balancer behave as one fake. url is a Redis
// URL as github.com/redis/go-redis/v9 reads it: redis://[[user]:password@]host:port/db, or
// rediss:// for TLS. env names the environment: its keys start with "bsskit:ENV:", so environments
// sharing one Redis database do not see each other ("" is "default").
//
// Shared are the orders and ClientTokens (a ClientToken places one order whichever replica each
// retry reaches), the signature nonces (a nonce seen by one replica is refused by all), the fault
// rules and their counters (a rule added through any replica applies on all and counts every
// replica's calls), the journal, the request counter and [Server.Reset]. Per replica stay the
// catalogue, the accounts, the clock and the seed's random stream (IDs stay unique through Redis
// but are not reproducible across replicas). A store that cannot be reached makes calls answer
// ServiceUnavailable (HTTP 503, the real error shape) until it is back. Not with [WithStateFile].
func WithStore(url, env string) Option {
	return func(o *config) { o.store, o.storeEnv = url, env }
}

// WithInternationalAddr sets the address [Server.Start] listens on for the international site
// (default "127.0.0.1:0", a free loopback port).
func WithInternationalAddr(addr string) Option { return func(o *config) { o.intlAddr = addr } }

// WithStateFile keeps the orders and ClientToken records in the file at path, so that a restart,
// even after a crash or kill -9, loses no acknowledged order and a replayed ClientToken still gets
// its OrderId. The file is loaded by [New] and created if absent; every new order is written and
// fsynced before its answer is sent, and a reset (admin API or [Server.Reset]) rewrites it empty.
//
// The file is JSON lines, each "CRC32 JSON" with a sequence number. [New] refuses a damaged file
// with an [ErrStateCorrupt] that names the line; [WithStateRepair] drops a torn last line (a write
// cut short by a crash) instead. Only one server may use a state file at a time.
func WithStateFile(path string) Option { return func(o *config) { o.stateFile = path } }

// WithStateRepair lets [New] truncate a torn or damaged last line of the state file ([WithStateFile])
// and start, instead of refusing. Damage before the last line is still refused.
func WithStateRepair() Option { return func(o *config) { o.stateRepair = true } }

// WithHangLimit bounds how long a [faults.FaultHang] holds a request whose client does not give up
// (default 30 seconds; d <= 0 keeps it). Past the bound the fake breaks the answer off, as
// for [faults.FaultEmpty], and says in the journal's [journal.Entry.Note] (and, for [NewServer], the test log)
// that the client has no timeout. A client whose timeout is longer than the bound sees the broken
// answer instead of its timeout: raise the bound for such a client. For [NewServer] the bound is
// also kept under half the time left before the test's deadline (go test -timeout).
func WithHangLimit(d time.Duration) Option { return func(o *config) { o.hang.limit = d } }
