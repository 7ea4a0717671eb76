package contract_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/spec"
)

// generatedCatalog is a random catalogue of seed that `bsskit serve` accepts: products sold
// either way or one way, yearly ones, ProductTypes of either site in either order, modules with
// and without listed values, required or not, on the commodity channel or not, opening once (with
// either opened code) or not, priced or free, and at most one not applicable.
func generatedCatalog(t *testing.T, seed uint64) []byte {
	t.Helper()
	g := rand.New(rand.NewPCG(seed, 22))
	pick := func(options ...any) any { return options[g.IntN(len(options))] }
	var products []map[string]any
	for i := range 2 + g.IntN(4) {
		p := map[string]any{"code": fmt.Sprintf("gen%d-%d", seed, i)}
		if st := pick([]string(nil), []string{"PayAsYouGo"}, []string{"Subscription"}, []string{"Subscription", "PayAsYouGo"}).([]string); st != nil {
			p["subscriptionTypes"] = st
		}
		if g.IntN(3) == 0 {
			p["periodMultiple"] = pick(1, 12)
		}
		if pt := pick([]string(nil), []string{"gen_cn", "gen_intl"}, []string{"gen_intl", "gen_cn"}, []string{"gen_intl"}, []string{"gen"}).([]string); pt != nil {
			p["productTypes"] = pt
		}
		var modules []map[string]any
		for j := range g.IntN(4) {
			m := map[string]any{"code": fmt.Sprintf("Module%d", j), "required": g.IntN(2) == 0}
			if n := g.IntN(4); n > 0 {
				values := make([]string, n)
				for k := range values {
					values[k] = fmt.Sprintf("v%d", k)
				}
				m["values"] = values
			}
			modules = append(modules, m)
		}
		if modules != nil {
			p["modules"] = modules
		}
		p["commodityChannel"] = g.IntN(2) == 0
		if g.IntN(3) == 0 {
			p["opensOnce"] = true
			if code := pick("", string(spec.CodeOrderOpend), string(spec.CodeHasEffectSuit)).(string); code != "" {
				p["openedCode"] = code
			}
		}
		if g.IntN(2) == 0 {
			p["monthlyPrice"] = pick(12.5, 30, 0.99)
		}
		products = append(products, p)
	}
	if g.IntN(2) == 0 {
		products = append(products, map[string]any{"code": fmt.Sprintf("gen%d-na", seed), "notApplicable": true})
	}
	b, err := yaml.Marshal(map[string]any{"products": products})
	require.NoError(t, err)
	return b
}

// TestCatalogues: the suite passes a correct fake with every catalogue of testdata/catalogs and
// with generated ones, whether it learns the catalogue over GET /__admin/catalog or is given it
// (WithCatalog, as against staging); the cases of the state-produced errors run where the
// catalogue has what they need.
func TestCatalogues(t *testing.T) {
	t.Parallel()
	type catalogue struct {
		name string
		data []byte
	}
	var all []catalogue
	files, err := filepath.Glob("../testdata/catalogs/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		all = append(all, catalogue{filepath.Base(f), data})
	}
	for seed := uint64(1); seed <= 6; seed++ {
		all = append(all, catalogue{fmt.Sprintf("generated-%d", seed), generatedCatalog(t, seed)})
	}
	for _, cat := range all {
		for _, given := range []bool{false, true} {
			name := cat.name + "/admin-catalog"
			if given {
				name = cat.name + "/with-catalog"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				fc, err := fake.ParseCatalog(cat.data) // what bsskit serve --catalog accepts
				require.NoError(t, err, "the fake refuses the catalogue:\n%s", cat.data)
				cc, err := contract.ParseCatalog(cat.data)
				require.NoError(t, err)
				srv := fake.NewServer(t, fake.WithSeed(5), fake.WithCatalog(fc))
				opts := []contract.Option{contract.WithSeed(5), contract.WithGenerated(4)}
				if given {
					opts = append(opts, contract.WithCatalog(cc))
				}
				rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, opts...)
				require.NoError(t, err)
				for _, f := range rep.Findings() {
					t.Errorf("%s: %s: %s", f.Case, f.Check, f.Message)
				}
				assert.True(t, rep.OK())
				for _, p := range fc.Products {
					switch {
					case p.NotApplicable:
					case p.OpensOnce:
						c, ok := rep.Case("business/opens-once/" + p.Code)
						require.True(t, ok, p.Code)
						assert.Equal(t, contract.StatusPass, c.Status, c.Reason)
						opened := 0
						for _, o := range srv.Orders() {
							if o.ProductCode == p.Code {
								opened++
							}
						}
						assert.Equal(t, 1, opened, "product %s opens once: one order in the run", p.Code)
						require.Len(t, c.Exchanges, 3)
						code := p.OpenedCode
						if code == "" {
							code = string(spec.CodeOrderOpend)
						}
						assert.Equal(t, code, c.Exchanges[1].Code)
					}
				}
			})
		}
	}
}

// TestStateCasesOnSitesCatalogue: against the catalogue of the Terraform account-type probe
// product, the commodity-channel case provokes COMMODITY.INVALID_COMPONENT on the body channel,
// the opens-once case gets ORDER.OPEND naming the first order's instance, and a ProductType of the
// international site answers NotApplicable on the domestic one.
func TestStateCasesOnSitesCatalogue(t *testing.T) {
	t.Parallel()
	fc := sitesCatalog(t)
	srv := fake.NewServer(t, fake.WithCatalog(fc))
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(9), contract.WithGenerated(0))
	require.NoError(t, err)
	require.Empty(t, rep.Findings())

	c, ok := rep.Case("business/commodity-invalid-component")
	require.True(t, ok)
	require.Equal(t, contract.StatusPass, c.Status, c.Reason)
	require.Len(t, c.Exchanges, 1)
	ex := c.Exchanges[0]
	assert.Equal(t, 200, ex.Response.Status)
	assert.Equal(t, string(spec.CodeCommodityInvalidComponent), ex.Code)
	assert.Contains(t, ex.Response.Body, `"Success":false`)

	c, ok = rep.Case("business/opens-once/vipcloudfw")
	require.True(t, ok)
	require.Equal(t, contract.StatusPass, c.Status, c.Reason)
	require.Len(t, c.Exchanges, 3)
	var instance string
	for _, o := range srv.Orders() {
		if o.ProductCode == "vipcloudfw" {
			instance = o.InstanceID
		}
	}
	require.NotEmpty(t, instance)
	assert.Equal(t, "ORDER.OPEND", c.Exchanges[1].Code)
	assert.Contains(t, c.Exchanges[1].Response.Body, "opened already: "+instance+"<")
	assert.Equal(t, "Success", c.Exchanges[2].Code, "the first ClientToken again answers the first order")

	c, ok = rep.Case("sites/foreign-product-type")
	require.True(t, ok)
	require.Equal(t, contract.StatusPass, c.Status, c.Reason)
	assert.Contains(t, c.Exchanges[0].Request.URL, "ProductType=cfw_elasticity_public_intl")
	assert.Equal(t, string(spec.CodeNotApplicable), c.Exchanges[0].Code)
}

// TestOpensOnceHeldBeforeTheRun: an account that opened the product before the run (staging, or a
// fake run twice) answers the opened code to the run's first order too; the suite takes the
// instance held from that answer and the case passes again without a new order.
func TestOpensOnceHeldBeforeTheRun(t *testing.T) {
	t.Parallel()
	fc := sitesCatalog(t)
	srv := fake.NewServer(t, fake.WithCatalog(fc))
	run := func() *contract.Report {
		rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(9),
			contract.WithRun(regexp.MustCompile(`^business/opens-once/`)))
		require.NoError(t, err)
		return rep
	}
	first := run()
	require.True(t, first.OK(), first.Findings())
	second := run()
	require.True(t, second.OK(), second.Findings())
	c, ok := second.Case("business/opens-once/vipcloudfw")
	require.True(t, ok)
	require.Len(t, c.Exchanges, 2, "no replay of a first order that the run did not place")
	assert.Equal(t, "ORDER.OPEND", c.Exchanges[0].Code)
	assert.Len(t, srv.Orders(), 1)
}

// TestParseCatalog: a catalogue file gives every problem at once with its line:column; a good one
// gives its products.
func TestParseCatalog(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, data string
		want       []string // substrings of the error; nil: no error
		products   []string
	}{
		{"sites", "products:\n  - code: vipcloudfw\n    opensOnce: true\n    openedCode: Has.effect.suit\n    commodityChannel: true\n    monthlyPrice: 3.5\n  - code: ecs\n    notApplicable: true\n", nil, []string{"vipcloudfw", "ecs"}},
		{"json", `{"products":[{"code":"rtc","modules":[{"code":"ServiceType","values":["universal"],"required":true}]}]}`, nil, []string{"rtc"}},
		{"every problem", "products:\n  - code: a\n    opensOnc: true\n  - code: b\n    openedCode: NOPE\n  - code: \"\"\n  - code: a\n", []string{
			`3:5: unknown product field "opensOnc"`, `5:17: "NOPE" is neither ORDER.OPEND nor Has.effect.suit`, "5:17: set without opensOnce: true",
			"6:11: a product without a code", `7:5: product "a" is listed twice`}, nil},
		{"bad types", "products:\n  - code: a\n    monthlyPrice: cheap\n    periodMultiple: -1\n    subscriptionTypes: [Monthly]\n", []string{
			"3:19: monthlyPrice:", "4:21: -1 is negative", `5:24: subscription type "Monthly"`}, nil},
		{"not a list", "products: rtc\n", []string{`1:11: "products" is not a list`}, nil},
		{"unknown top-level", "product: []\n", []string{`1:1: unknown field "product"`, `no "products" list`}, nil},
		{"empty", "", []string{"empty document"}, nil},
		{"not YAML", "products: [\n", []string{"catalogue: yaml:"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := contract.ParseCatalog([]byte(tc.data))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.products, c.Products())
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// FuzzParseCatalog: no catalogue file crashes the parser, and one it accepts lists a code for every
// product.
func FuzzParseCatalog(f *testing.F) {
	for _, s := range []string{"products:\n  - code: a\n    opensOnce: true\n", "{\"products\":[]}", "products: [{code: x, modules: [{code: m, values: [1]}]}]", "- a\n- b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := contract.ParseCatalog(data)
		if err != nil {
			return
		}
		for _, code := range c.Products() {
			if strings.TrimSpace(code) == "" {
				t.Fatalf("accepted a product without a code: %q", data)
			}
		}
	})
}

// TestCatalogAgainstStaging: against an endpoint that is not loopback (staging) a catalogue given
// with WithCatalog is what the run orders from, with an explicit budget; without a budget it
// orders nothing, and without products or a catalogue a budget is a usage error.
func TestCatalogAgainstStaging(t *testing.T) {
	t.Parallel()
	fc := sitesCatalog(t)
	srv := fake.NewServer(t, fake.WithCatalog(fc))
	target, resolve := remoteTarget(srv.Endpoint())
	data, err := os.ReadFile("../testdata/catalogs/sites.yaml")
	require.NoError(t, err)
	cat, err := contract.ParseCatalog(data)
	require.NoError(t, err)
	ctx := context.Background()
	state := regexp.MustCompile(`^business/(opens-once/|commodity-invalid-component$)`)

	_, err = contract.Check(ctx, target, contract.WithResolver(resolve), contract.WithMaxOrders(5))
	require.ErrorIs(t, err, contract.ErrUsage)

	rep, err := contract.Check(ctx, target, contract.WithResolver(resolve), contract.WithCatalog(cat), contract.WithRun(state))
	require.NoError(t, err)
	assert.False(t, rep.OrdersAllowed)
	assert.Empty(t, srv.Orders())

	rep, err = contract.Check(ctx, target, contract.WithResolver(resolve), contract.WithCatalog(cat), contract.WithMaxOrders(5), contract.WithRun(state))
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.Findings())
	assert.Equal(t, []string{"vipcloudfw", "sas"}, rep.Products)
	for _, name := range []string{"business/opens-once/vipcloudfw", "business/commodity-invalid-component"} {
		c, ok := rep.Case(name)
		require.True(t, ok, name)
		assert.Equal(t, contract.StatusPass, c.Status, c.Reason)
	}
	assert.Len(t, srv.Orders(), 1, "the opens-once product, once")
	assert.Equal(t, 4, rep.OrderRequests, "three for opens-once, one for the commodity channel")
}

// sitesCatalog is testdata/catalogs/sites.yaml, a catalogue with a product of each site.
func sitesCatalog(t *testing.T) *fake.Catalog {
	t.Helper()
	data, err := os.ReadFile("../testdata/catalogs/sites.yaml")
	require.NoError(t, err)
	fc, err := fake.ParseCatalog(data)
	require.NoError(t, err)
	return fc
}
