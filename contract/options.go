package contract

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Verification says whether the suite expects the target to verify signatures.
type Verification int

// The verification modes.
const (
	// VerifyAuto asks a fake (GET /__admin/health, field verifiesSignatures); an endpoint without
	// that admin API is assumed to verify, as the real gateway does, and the report says that this
	// is an assumption.
	VerifyAuto Verification = iota
	// VerifyYes expects verification: the authentication cases run.
	VerifyYes
	// VerifyNo expects none: the authentication cases are reported as not applicable.
	VerifyNo
)

// Option configures a run of [Check], [Run] or [Compare]. Without options a run uses every case
// that is safe for the target: seed 0, the default order budget, the products of a fake's
// catalogue, signature verification as the target reports it, 20 generated cases of each kind.
type Option func(*config)

// config is a run's resolved configuration: the options applied to the defaults. The runner reads
// it as r.opts.
type config struct {
	// Seed drives every generated value (ClientToken suffixes, generated cases, their order).
	Seed uint64
	// Orders is the order budget (see [WithMaxOrders]).
	Orders orderBudget
	// Products are the products that valid orders use (see [WithProducts]).
	Products []Product
	// Verification says whether to expect signature verification.
	Verification Verification
	// Generated is the number of generated cases of each kind, valid and invalid.
	Generated int
	// Run, when set, selects the cases whose name it matches.
	Run *regexp.Regexp
	// Resolver resolves the target's host to decide whether it is loopback.
	Resolver func(ctx context.Context, host string) ([]netip.Addr, error)
	// Now is the client clock used for signature timestamps.
	Now func() time.Time
	// RunID distinguishes this run's ClientTokens from earlier runs with the same seed.
	RunID string
	// AdminToken is sent to a fake's admin API (see [WithAdminToken]).
	AdminToken string
	// Catalog, when set, replaces a fake's GET /__admin/catalog (see [WithCatalog]).
	Catalog *Catalog
	// Writes says whether the cases of writes other than the lifecycle's are sent (see [WithWrites]).
	Writes writePolicy

	err error // the first usage error of an option
}

// defaultGenerated is the number of generated cases of each kind without [WithGenerated].
const defaultGenerated = 20

// newConfig applies opts to the defaults; the error is the first usage error (see [ErrUsage]).
func newConfig(opts []Option) (config, error) {
	c := config{Generated: defaultGenerated}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c, c.err
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrUsage}, args...)...)
	}
}

// WithSeed sets the seed that drives every generated value (ClientToken suffixes, generated cases,
// their order): the same seed against the same endpoint sends the same cases. The default is 0.
func WithSeed(seed uint64) Option { return func(c *config) { c.Seed = seed } }

// WithMaxOrders sets an explicit order budget: at most n requests that could place an order,
// whatever the endpoint. A case that could place more orders than the budget has left is skipped
// ([StatusSkipped], not a failure); the cases that cannot buy still run. WithMaxOrders(0) sends none even to a fake; n > 0 against an endpoint that
// is not loopback is how a run is allowed to spend money there (it then needs [WithProducts]). A
// negative n is a usage error. Without it the budget is the default: no limit against a loopback
// endpoint (a fake) and no order at all against any other.
func WithMaxOrders(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithMaxOrders(%d) is negative", n)
			return
		}
		c.Orders = orderBudget{max: n, set: true}
	}
}

// WithProducts sets the products that valid orders use. Without it: the products of a fake's
// catalogue (GET /__admin/catalog); an endpoint without that admin API gets no order-placing case
// (they are reported as not applicable), as there is no built-in catalogue. Orders against a
// non-loopback endpoint need products.
func WithProducts(products ...Product) Option {
	return func(c *config) { c.Products = append([]Product(nil), products...) }
}

// WithVerification says whether to expect signature verification (default [VerifyAuto]).
func WithVerification(v Verification) Option { return func(c *config) { c.Verification = v } }

// WithGenerated sets the number of generated cases of each kind, valid and invalid (default 20);
// WithGenerated(0) runs none. A negative n is a usage error.
func WithGenerated(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithGenerated(%d) is negative; WithGenerated(0) runs none", n)
			return
		}
		c.Generated = n
	}
}

// WithRun runs only the cases whose name re matches (as `go test -run` does for tests); nil runs
// every case. Such a run sends only those cases' requests: not the signed read that otherwise checks
// the credentials first ([ErrCredentials]).
func WithRun(re *regexp.Regexp) Option { return func(c *config) { c.Run = re } }

// WithResolver sets how the target's host is resolved to decide whether it is loopback (default
// net.DefaultResolver). Tests inject one that maps a made-up name to a remote address.
func WithResolver(resolve func(ctx context.Context, host string) ([]netip.Addr, error)) Option {
	return func(c *config) { c.Resolver = resolve }
}

// WithClock sets the client clock used for signature timestamps (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.Now = now } }

// WithRunID sets the string that distinguishes this run's ClientTokens from earlier runs with the
// same seed (so an earlier run's token never replays an old order); the default is random.
func WithRunID(id string) Option { return func(c *config) { c.RunID = id } }

// WithAdminToken sets the token sent to a fake's admin API (GET /__admin/health, catalog, faults):
// a fake started with an admin token (fake.WithAdminToken, bsskit serve --admin-token) refuses
// those requests without it, and the run then learns neither its catalogue nor whether it
// verifies signatures. The token is sent only to /__admin/ paths.
func WithAdminToken(token string) Option { return func(c *config) { c.AdminToken = token } }

// WithWrites says whether the cases of the writes other than CreateInstance and the lifecycle's
// (buying a resource package, setting a reseller's quota, ...) are sent: each is a request the spec
// says must be rejected, but an endpoint that skipped the check it is about would carry the write
// out. Without it they are sent only to a loopback endpoint (a fake) and reported as not applicable
// elsewhere; WithWrites(true) (bsskit contract --allow-writes) sends them to any endpoint,
// WithWrites(false) to none. Reads are always sent: they spend and change nothing.
func WithWrites(allow bool) Option {
	return func(c *config) { c.Writes = writePolicy{allow: allow, set: true} }
}

// writePolicy is [WithWrites]' choice; the zero value is the default (loopback only).
type writePolicy struct{ allow, set bool }

func (w writePolicy) allowed() (allow, explicit bool) { return w.allow, w.set }

// orderBudget limits the requests of a run that could place an order: every such request counts,
// a case that could exceed the budget is skipped, and a request that would exceed it anyway (a case
// that sends more than it declared) stops the run. The zero value is the default budget: no
// limit against a loopback endpoint and no order at all against any other. [WithMaxOrders] makes
// an explicit one.
type orderBudget struct {
	max int
	set bool
}

// Limit returns the explicit budget; ok is false for the default budget.
func (b orderBudget) Limit() (n int, ok bool) { return b.max, b.set }

func (o *config) generated() int { return o.Generated }

func (o *config) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Product is a product the suite may order, with the parameters of a valid order. A product
// learned from a fake's catalogue (GET /__admin/catalog) also carries its catalogue entry, which
// lets the suite provoke the product's business errors; a product given with [ParseProduct] does
// not.
type Product struct {
	// Code is the ProductCode.
	Code string
	// Params are the other business parameters of a valid order: SubscriptionType, Period,
	// ProductType, Parameter.n.Code and Parameter.n.Value, ... SubscriptionType defaults to
	// PayAsYouGo.
	Params url.Values

	catalog *catalogProduct // the catalogue entry, when learned from one
}

// ParseProduct parses a product as the command line gives it: a code, optionally followed by "?" and
// the other parameters of a valid order as a query string, e.g.
// "sas?SubscriptionType=Subscription&Period=12&Parameter.1.Code=Version&Parameter.1.Value=level2".
func ParseProduct(s string) (Product, error) {
	code, rest, _ := strings.Cut(s, "?")
	code = strings.TrimSpace(code)
	if code == "" {
		return Product{}, fmt.Errorf("product %q: no product code", s)
	}
	if code == NoSuchProduct {
		return Product{}, fmt.Errorf("product %q: that is the suite's sentinel for a product that does not exist", s)
	}
	p := Product{Code: code}
	if rest != "" {
		v, err := url.ParseQuery(rest)
		if err != nil {
			return Product{}, fmt.Errorf("product %q: %w", s, err)
		}
		if v.Has("ProductCode") {
			return Product{}, fmt.Errorf("product %q: the code goes before '?'", s)
		}
		p.Params = v
	}
	return p, nil
}

// catalogAnswer is the body of a fake's GET /__admin/catalog, in the suite's own types: the suite
// learns the catalogue over HTTP like any client and shares no code with the fake it judges.
type catalogAnswer struct {
	Products []catalogProduct `json:"products"`
}

// catalogProduct is one product of a fake's catalogue.
type catalogProduct struct {
	Code              string          `json:"code"`
	SubscriptionTypes []string        `json:"subscriptionTypes"`
	ProductTypes      []string        `json:"productTypes"`
	NotApplicable     bool            `json:"notApplicable"`
	PeriodMultiple    int             `json:"periodMultiple"`
	InstanceIDPrefix  string          `json:"instanceIdPrefix"`
	Modules           []catalogModule `json:"modules"`
	// The state-produced errors and prices (catalog.go).
	CommodityChannel bool    `json:"commodityChannel"`
	OpensOnce        bool    `json:"opensOnce"`
	OpenedCode       string  `json:"openedCode"`
	MonthlyPrice     float64 `json:"monthlyPrice"`
}

// catalogModule is a configurable module of a product: Parameter.n.Code and its allowed values.
type catalogModule struct {
	Code     string   `json:"code"`
	Values   []string `json:"values"`
	Required bool     `json:"required"`
}

// productsFromCatalog returns a valid order for every product of c that is not marked not
// applicable, with its catalogue entry, and the first product that is (nil if none).
func productsFromCatalog(c *catalogAnswer) (orderable []Product, notApplicable *catalogProduct) {
	for i := range c.Products {
		cp := c.Products[i]
		if cp.Code == "" {
			continue
		}
		if cp.NotApplicable {
			if notApplicable == nil {
				notApplicable = &cp
			}
			continue
		}
		orderable = append(orderable, Product{Code: cp.Code, Params: validOrderParams(&cp), catalog: &cp})
	}
	return orderable, notApplicable
}

// validOrderParams derives the parameters of a valid order from a catalogue entry: the first
// billing method (PayAsYouGo when none is listed), the smallest valid Period of a subscription,
// the first product type, and every module (required or not, so that a catalogue that does not
// say which modules are required still gives a valid order) with its first value.
func validOrderParams(p *catalogProduct) url.Values {
	v := url.Values{}
	st := "PayAsYouGo"
	if len(p.SubscriptionTypes) > 0 {
		st = p.SubscriptionTypes[0]
	}
	v.Set("SubscriptionType", st)
	if st == "Subscription" {
		period := 1
		if p.PeriodMultiple > 0 {
			period = p.PeriodMultiple
		}
		v.Set("Period", strconv.Itoa(period))
	}
	if pt := domesticProductType(p.ProductTypes); pt != "" {
		v.Set("ProductType", pt) // catalog.go: the suite orders on the domestic site
	}
	for i, m := range p.Modules {
		val := "1"
		if len(m.Values) > 0 {
			val = m.Values[0]
		}
		n := strconv.Itoa(i + 1)
		v.Set("Parameter."+n+".Code", m.Code)
		v.Set("Parameter."+n+".Value", val)
	}
	return v
}

// orderParams are the business parameters of a valid order of p.
func (p Product) orderParams() url.Values {
	v := cloneValues(p.Params)
	if v == nil {
		v = url.Values{}
	}
	v.Set("ProductCode", p.Code)
	if v.Get("SubscriptionType") == "" {
		v.Set("SubscriptionType", "PayAsYouGo")
	}
	return v
}

// isLoopback reports whether every address host resolves to is a loopback address. A resolution
// failure counts as not loopback: the safe side.
func isLoopback(ctx context.Context, host string, resolve func(context.Context, string) ([]netip.Addr, error)) (bool, string) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if a.Unmap().IsLoopback() {
			return true, host + " is a loopback address"
		}
		return false, host + " is not a loopback address"
	}
	if resolve == nil {
		resolve = func(ctx context.Context, h string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", h)
		}
	}
	addrs, err := resolve(ctx, host)
	if err != nil || len(addrs) == 0 {
		return false, fmt.Sprintf("%s does not resolve (%v): treated as not loopback", host, err)
	}
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			return false, fmt.Sprintf("%s resolves to %s, which is not loopback", host, a)
		}
	}
	return true, fmt.Sprintf("%s resolves only to loopback addresses", host)
}
