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

	"github.com/bsskit/bsskit/fake"
)

// Verification says whether the suite expects the target to verify signatures.
type Verification int

// The verification modes.
const (
	// VerifyAuto asks a fake (GET /__admin/health, field verifiesSignatures); an endpoint without
	// that admin API is assumed to verify, as the real gateway does.
	VerifyAuto Verification = iota
	// VerifyYes expects verification: the authentication cases run.
	VerifyYes
	// VerifyNo expects none: the authentication cases are reported as not applicable.
	VerifyNo
)

// Options configure a run. The zero value runs every case that is safe for the target.
type Options struct {
	// Seed drives every generated value (ClientToken suffixes, generated cases, their order).
	// The same seed against the same endpoint sends the same cases.
	Seed uint64
	// AllowOrders permits order-placing requests against an endpoint that is not loopback. It
	// needs MaxOrders > 0 and at least one of Products. Against loopback orders are always allowed.
	AllowOrders bool
	// MaxOrders is the order budget: every request that could place an order counts, and the run
	// stops before one would exceed it. Zero means no limit against loopback and "no orders"
	// otherwise.
	MaxOrders int
	// NoOrders forbids order-placing requests even against loopback ([Compare] sets it for both
	// runs when one endpoint may not receive orders, so that both run the same cases).
	NoOrders bool
	// Products are the products that valid orders use. Empty: against loopback, the fake's
	// catalogue (GET /__admin/catalog), else [fake.DefaultCatalog].
	Products []Product
	// Verification says whether to expect signature verification (default [VerifyAuto]).
	Verification Verification
	// Generated is the number of generated cases of each kind, valid and invalid (default 20;
	// negative means none).
	Generated int
	// Run, when set, selects the cases whose name it matches.
	Run *regexp.Regexp
	// Resolver resolves the target's host to decide whether it is loopback; nil means
	// net.DefaultResolver. Tests inject one that maps a made-up name to a remote address.
	Resolver func(ctx context.Context, host string) ([]netip.Addr, error)
	// Now is the client clock used for signature timestamps; nil means time.Now.
	Now func() time.Time
	// RunID distinguishes this run's ClientTokens from earlier runs with the same seed (so an
	// earlier run's token never replays an old order); empty means random.
	RunID string
}

func (o *Options) generated() int {
	switch {
	case o.Generated < 0:
		return 0
	case o.Generated == 0:
		return 20
	}
	return o.Generated
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Product is a product the suite may order, with the parameters of a valid order. Catalog, when
// known (from a fake's catalogue), lets the suite provoke the product's business errors too.
type Product struct {
	// Code is the ProductCode.
	Code string
	// Params are the other business parameters of a valid order: SubscriptionType, Period,
	// ProductType, Parameter.n.Code and Parameter.n.Value, ... SubscriptionType defaults to
	// PayAsYouGo.
	Params url.Values
	// Catalog is the catalogue entry, if known.
	Catalog *fake.Product
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

// ProductsFromCatalog returns a valid order for every product of c that is not marked not
// applicable, with its catalogue entry.
func ProductsFromCatalog(c *fake.Catalog) []Product {
	var out []Product
	for i := range c.Products {
		cp := c.Products[i]
		pp := &cp
		if cp.NotApplicable {
			continue
		}
		out = append(out, Product{Code: cp.Code, Params: validOrderParams(pp), Catalog: pp})
	}
	return out
}

// validOrderParams derives the parameters of a valid order from a catalogue entry.
func validOrderParams(p *fake.Product) url.Values {
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
	if len(p.ProductTypes) > 0 {
		v.Set("ProductType", p.ProductTypes[0])
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
