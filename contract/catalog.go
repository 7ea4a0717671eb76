package contract

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bsskit/bsskit/spec"
)

// Catalog is a product catalogue the suite orders from, in the format of `bsskit serve --catalog`
// (see [ParseCatalog]). A fake tells its own over GET /__admin/catalog; against an endpoint
// without that admin API (staging) [WithCatalog] gives it, so that the suite knows what no request
// can ask: which products open once (a later order answers ORDER.OPEND or Has.effect.suit), which
// report a module value they do not sell on the body channel (COMMODITY.INVALID_COMPONENT), their
// prices, and which ProductTypes belong to which site.
type Catalog struct {
	products []catalogProduct
}

// Products returns the codes of the catalogue's products, in order.
func (c *Catalog) Products() []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.products))
	for i, p := range c.products {
		out[i] = p.Code
	}
	return out
}

// WithCatalog sets the product catalogue of the target, in place of a fake's GET /__admin/catalog:
// valid orders use its products (after those of [WithProducts], if any), and the cases of its
// state-produced errors run. Against a non-loopback endpoint orders still need an explicit budget
// ([WithMaxOrders]).
func WithCatalog(c *Catalog) Option { return func(cfg *config) { cfg.Catalog = c } }

// maxCatalogBytes bounds a catalogue file.
const maxCatalogBytes = 1 << 20

// catalogFields are the fields of a product entry; a file with another field is refused (a typo
// would otherwise make the suite expect the wrong answers).
var catalogFields = []string{
	"code", "subscriptionTypes", "productTypes", "notApplicable", "periodMultiple", "instanceIdPrefix",
	"provisioningDelay", "modules", "commodityChannel", "opensOnce", "openedCode", "monthlyPrice",
}

// ParseCatalog parses a product catalogue in the format of `bsskit serve --catalog` (YAML, or JSON,
// which is YAML too): a top-level "products" list, each product with code, subscriptionTypes,
// productTypes, notApplicable, periodMultiple, instanceIdPrefix, provisioningDelay, modules (code,
// values, required), commodityChannel, opensOnce, openedCode and monthlyPrice. It reports every
// problem at once, each with its line:column.
func ParseCatalog(data []byte) (*Catalog, error) {
	if len(data) > maxCatalogBytes {
		return nil, fmt.Errorf("catalogue: %d bytes is over the %d-byte limit", len(data), maxCatalogBytes)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	var errs []error
	add := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%d:%d: "+format, append([]any{n.Line, n.Column}, args...)...))
	}
	if len(root.Content) == 0 {
		return nil, errors.New("catalogue: empty document: want a top-level \"products\" list")
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		add(doc, "the document is not a mapping: want a top-level \"products\" list")
		return nil, joinCatalogErrors(errs)
	}
	c := &Catalog{}
	var list *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if k := doc.Content[i]; k.Value == "products" {
			list = doc.Content[i+1]
		} else {
			add(k, "unknown field %q: want \"products\"", k.Value)
		}
	}
	switch {
	case list == nil:
		add(doc, "no \"products\" list")
	case list.Kind != yaml.SequenceNode:
		add(list, "\"products\" is not a list")
	default:
		codes := map[string]bool{}
		for _, n := range list.Content {
			p, ok := parseCatalogProduct(n, add)
			if p.Code != "" && codes[p.Code] {
				add(n, "product %q is listed twice", p.Code)
			}
			codes[p.Code] = true
			if ok {
				c.products = append(c.products, p)
			}
		}
	}
	if len(errs) > 0 {
		return nil, joinCatalogErrors(errs)
	}
	return c, nil
}

func joinCatalogErrors(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("catalogue: %d problem(s):\n  %s", len(errs), strings.Join(msgs, "\n  "))
}

// parseCatalogProduct decodes and checks one product entry; ok is false when it has problems.
func parseCatalogProduct(n *yaml.Node, add func(*yaml.Node, string, ...any)) (p catalogProduct, ok bool) {
	if n.Kind != yaml.MappingNode {
		add(n, "a product is not a mapping")
		return p, false
	}
	before := 0
	problem := func(at *yaml.Node, format string, args ...any) { before++; add(at, format, args...) }
	field := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(catalogFields, k.Value) {
			problem(k, "unknown product field %q", k.Value)
			continue
		}
		field[k.Value] = n.Content[i+1]
	}
	var raw struct {
		Code              string          `yaml:"code"`
		SubscriptionTypes []string        `yaml:"subscriptionTypes"`
		ProductTypes      []string        `yaml:"productTypes"`
		NotApplicable     bool            `yaml:"notApplicable"`
		PeriodMultiple    int             `yaml:"periodMultiple"`
		InstanceIDPrefix  string          `yaml:"instanceIdPrefix"`
		Modules           []catalogModule `yaml:"modules"`
		CommodityChannel  bool            `yaml:"commodityChannel"`
		OpensOnce         bool            `yaml:"opensOnce"`
		OpenedCode        string          `yaml:"openedCode"`
		MonthlyPrice      float64         `yaml:"monthlyPrice"`
	}
	for name, v := range field {
		if name == "provisioningDelay" {
			continue // the fake's clock; nothing the suite expects depends on it
		}
		one := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: name}, v}}
		if err := one.Decode(&raw); err != nil {
			problem(v, "%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
		}
	}
	at := func(name string) *yaml.Node {
		if v, ok := field[name]; ok {
			return v
		}
		return n
	}
	if strings.TrimSpace(raw.Code) == "" {
		problem(at("code"), "a product without a code")
	}
	for _, st := range raw.SubscriptionTypes {
		if st != "Subscription" && st != "PayAsYouGo" {
			problem(at("subscriptionTypes"), "subscription type %q is neither Subscription nor PayAsYouGo", st)
		}
	}
	if raw.PeriodMultiple < 0 {
		problem(at("periodMultiple"), "%d is negative", raw.PeriodMultiple)
	}
	if raw.MonthlyPrice < 0 || math.IsNaN(raw.MonthlyPrice) || math.IsInf(raw.MonthlyPrice, 0) {
		problem(at("monthlyPrice"), "%v is not a finite price of at least 0", raw.MonthlyPrice)
	}
	switch spec.Code(raw.OpenedCode) {
	case "", spec.CodeOrderOpend, spec.CodeHasEffectSuit:
	default:
		problem(at("openedCode"), "%q is neither %s nor %s", raw.OpenedCode, spec.CodeOrderOpend, spec.CodeHasEffectSuit)
	}
	if raw.OpenedCode != "" && !raw.OpensOnce {
		problem(at("openedCode"), "set without opensOnce: true")
	}
	for _, m := range raw.Modules {
		if m.Code == "" {
			problem(at("modules"), "a module without a code")
		}
	}
	p = catalogProduct{
		Code: raw.Code, SubscriptionTypes: raw.SubscriptionTypes, ProductTypes: raw.ProductTypes,
		NotApplicable: raw.NotApplicable, PeriodMultiple: raw.PeriodMultiple, InstanceIDPrefix: raw.InstanceIDPrefix,
		Modules: raw.Modules, CommodityChannel: raw.CommodityChannel, OpensOnce: raw.OpensOnce,
		OpenedCode: raw.OpenedCode, MonthlyPrice: raw.MonthlyPrice,
	}
	return p, before == 0
}

// openedCode is the code a later order of an opens-once product answers.
func (p *catalogProduct) openedCode() spec.Code {
	if p.OpenedCode != "" {
		return spec.Code(p.OpenedCode)
	}
	return spec.CodeOrderOpend
}

// opensOnce says whether p is a product an account opens once (only a catalogue tells).
func (p Product) opensOnce() bool { return p.catalog != nil && p.catalog.OpensOnce }

// domesticProductType returns the first of types that belongs to the domestic site, where the
// suite orders, or to no site in particular; "" when every one belongs to another site (the order
// then sends no ProductType).
func domesticProductType(types []string) string {
	for _, t := range types {
		if s, ok := spec.SiteByProductType(t); !ok || s.Name == spec.SiteDomestic {
			return t
		}
	}
	return ""
}

// foreignProductType returns the first of types that belongs to a site other than the domestic one.
func foreignProductType(types []string) (string, spec.Site, bool) {
	for _, t := range types {
		if s, ok := spec.SiteByProductType(t); ok && s.Name != spec.SiteDomestic {
			return t, s, true
		}
	}
	return "", spec.Site{}, false
}

// repeatable returns the products the run may order any number of times: every product that does
// not open once. An opens-once product is ordered once per run, by its business/opens-once case.
func (r *runner) repeatable() []Product {
	var out []Product
	for _, p := range r.products {
		if !p.opensOnce() {
			out = append(out, p)
		}
	}
	return out
}

// orderProduct returns the product of the cases that order several times, and "" or why there is
// none.
func (r *runner) orderProduct() (Product, string) {
	if ps := r.repeatable(); len(ps) > 0 {
		return ps[0], ""
	}
	if len(r.products) > 0 {
		return Product{}, "every product known opens once (ordered once per run, by business/opens-once)"
	}
	return Product{}, "no product to order"
}

// catalogProducts returns the catalogue of opts (WithCatalog) or else the fake's, as products.
func (r *runner) catalogProducts() ([]Product, *catalogProduct) {
	if r.opts.Catalog != nil {
		return productsFromCatalog(&catalogAnswer{Products: r.opts.Catalog.products})
	}
	if cat, ok := r.catalog(); ok {
		return productsFromCatalog(cat)
	}
	return nil, nil
}
