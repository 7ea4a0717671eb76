package fake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
)

// Catalog is the fake's product catalogue: which products exist and what each accepts. It decides
// ProductNotFind, NotApplicable, InvalidModuleCode and InvalidConfigCode.
type Catalog struct {
	// Products are the known products, looked up by Code.
	Products []Product `json:"products" yaml:"products"`
}

// Product is one product of the catalogue.
type Product struct {
	// Code is the ProductCode, e.g. "rtc".
	Code string `json:"code" yaml:"code"`
	// SubscriptionTypes are the allowed SubscriptionType values; empty allows both.
	SubscriptionTypes []string `json:"subscriptionTypes,omitempty" yaml:"subscriptionTypes,omitempty"`
	// ProductTypes are the allowed ProductType values; empty allows any value or none.
	ProductTypes []string `json:"productTypes,omitempty" yaml:"productTypes,omitempty"`
	// NotApplicable makes CreateInstance answer NotApplicable for the product (ECS and RDS).
	NotApplicable bool `json:"notApplicable,omitempty" yaml:"notApplicable,omitempty"`
	// PeriodMultiple, when set, requires Period to be a multiple of it (12 for yearly products).
	PeriodMultiple int `json:"periodMultiple,omitempty" yaml:"periodMultiple,omitempty"`
	// InstanceIDPrefix starts the InstanceId of new instances; default "<code>-cn-".
	InstanceIDPrefix string `json:"instanceIdPrefix,omitempty" yaml:"instanceIdPrefix,omitempty"`
	// ProvisioningDelay is how long the product's new instances stay Creating on the fake's clock;
	// 0: the server's [WithProvisioningDelay]. In YAML a duration string ("30s").
	ProvisioningDelay time.Duration `json:"provisioningDelay,omitempty" yaml:"provisioningDelay,omitempty"`
	// Modules are the Parameter.n.Code values the product knows, with their allowed values.
	// Empty: any module is accepted.
	Modules []Module `json:"modules,omitempty" yaml:"modules,omitempty"`
	// CommodityChannel makes a module value the product does not sell answer
	// COMMODITY.INVALID_COMPONENT on the body channel (HTTP 200, Success false), as products that
	// validate in the commodity system do; otherwise it answers InvalidConfigCode (HTTP 400).
	CommodityChannel bool `json:"commodityChannel,omitempty" yaml:"commodityChannel,omitempty"`
	// OpensOnce marks a service an account opens once: a second order from the same account (with
	// another ClientToken) answers OpenedCode with ": <instanceId>" of the instance it holds.
	OpensOnce bool `json:"opensOnce,omitempty" yaml:"opensOnce,omitempty"`
	// OpenedCode is the code of a second order of an OpensOnce product: "ORDER.OPEND" (the
	// default, also for "") or "Has.effect.suit".
	OpenedCode string `json:"openedCode,omitempty" yaml:"openedCode,omitempty"`
	// MonthlyPrice is what one month of the product costs in the site's currency, with at most two
	// decimals: a Subscription order costs Period x MonthlyPrice, which GetOrderDetail reports and
	// the paying account's [Payment] is checked against. 0: free. PayAsYouGo orders cost 0.00 when
	// placed (they are billed later).
	MonthlyPrice float64 `json:"monthlyPrice,omitempty" yaml:"monthlyPrice,omitempty"`
}

// Module is one configurable module of a product: a Parameter.n.Code and its allowed values.
type Module struct {
	// Code is the module code (Parameter.n.Code).
	Code string `json:"code" yaml:"code"`
	// Values are the allowed Parameter.n.Value values; empty allows any value.
	Values []string `json:"values,omitempty" yaml:"values,omitempty"`
	// Required makes a call without this module fail with InvalidConfigCode.
	Required bool `json:"required,omitempty" yaml:"required,omitempty"`
}

// DefaultCatalog returns a small, realistic catalogue: Real-Time Communication (rtc, pay-as-you-go,
// as in the documentation's example), Security Center (sas, yearly subscription), Anti-DDoS
// (ddos, subscription), and ECS and RDS marked not applicable as the documentation says.
func DefaultCatalog() *Catalog {
	return &Catalog{Products: []Product{
		{
			Code:              "rtc",
			SubscriptionTypes: []string{"PayAsYouGo"},
			InstanceIDPrefix:  "rtc-cn-",
			Modules: []Module{
				{Code: "ServiceType", Values: []string{"universal"}, Required: true},
				{Code: "BillType", Values: []string{"traffic", "bandwidth"}},
			},
		},
		{
			Code:              "sas",
			SubscriptionTypes: []string{"Subscription"},
			ProductTypes:      []string{"sas", "sas_intl"},
			PeriodMultiple:    12,
			InstanceIDPrefix:  "sas-cn-",
			Modules: []Module{
				{Code: "Version", Values: []string{"level2", "level3", "level10"}},
				{Code: "ServerNum"},
				{Code: "SasCoreNum"},
			},
		},
		{
			Code:              "ddos",
			SubscriptionTypes: []string{"Subscription"},
			InstanceIDPrefix:  "ddoscoo-cn-",
			Modules: []Module{
				{Code: "Edition", Values: []string{"coop", "advanced"}},
				{Code: "Bandwidth"},
				{Code: "ServicePort"},
			},
		},
		{Code: "ecs", NotApplicable: true, InstanceIDPrefix: "i-"},
		{Code: "rds", NotApplicable: true, InstanceIDPrefix: "rm-"},
	}}
}

// Product returns the product with the given code.
func (c *Catalog) Product(code string) (*Product, bool) {
	for i := range c.Products {
		if c.Products[i].Code == code {
			return &c.Products[i], true
		}
	}
	return nil, false
}

// Module returns the product's module with the given code.
func (p *Product) Module(code string) (*Module, bool) {
	for i := range p.Modules {
		if p.Modules[i].Code == code {
			return &p.Modules[i], true
		}
	}
	return nil, false
}

// Clone returns a deep copy.
func (c *Catalog) Clone() *Catalog {
	if c == nil {
		return nil
	}
	out := &Catalog{Products: make([]Product, len(c.Products))}
	for i, p := range c.Products {
		p.SubscriptionTypes = slices.Clone(p.SubscriptionTypes)
		p.ProductTypes = slices.Clone(p.ProductTypes)
		mods := make([]Module, len(p.Modules))
		for j, m := range p.Modules {
			m.Values = slices.Clone(m.Values)
			mods[j] = m
		}
		if p.Modules == nil {
			mods = nil
		}
		p.Modules = mods
		out.Products[i] = p
	}
	return out
}

// Validate reports every problem of the catalogue, joined into one error: no products, an empty
// or duplicate code, an unknown subscription type, a negative period multiple, an empty or
// duplicate module code. Each problem is a [faults.RuleError] whose Path names the field.
func (c *Catalog) Validate() error {
	return c.problems().Err()
}

// problems lists the catalogue's problems, each with the path of its field.
func (c *Catalog) problems() *yamldoc.Errors {
	errs := &yamldoc.Errors{}
	if len(c.Products) == 0 {
		errs.Add([]string{"products"}, "no products: a catalogue lists at least one (omit the catalogue for the default one)")
	}
	seen := map[string]int{}
	for i, p := range c.Products {
		// Paths are built only for problems: a valid catalogue (every New) allocates none.
		at := func(rest ...string) []string {
			return append([]string{"products", "[" + strconv.Itoa(i) + "]"}, rest...)
		}
		if strings.TrimSpace(p.Code) == "" {
			errs.Add(at("code"), "empty")
		} else if first, dup := seen[p.Code]; dup {
			errs.Add(at("code"), "product %q appears twice (first at products[%d])", p.Code, first)
		} else {
			seen[p.Code] = i
		}
		for j, st := range p.SubscriptionTypes {
			if st != "Subscription" && st != "PayAsYouGo" {
				errs.Add(at("subscriptionTypes", "["+strconv.Itoa(j)+"]"), "%q is neither Subscription nor PayAsYouGo", st)
			}
		}
		if p.PeriodMultiple < 0 {
			errs.Add(at("periodMultiple"), "must not be negative")
		}
		p.stateProblems(errs, at) // payment.go
		if p.ProvisioningDelay < 0 {
			errs.Add(at("provisioningDelay"), "must not be negative")
		}
		mods := map[string]bool{}
		for j, m := range p.Modules {
			switch {
			case strings.TrimSpace(m.Code) == "":
				errs.Add(at("modules", "["+strconv.Itoa(j)+"]", "code"), "empty")
			case mods[m.Code]:
				errs.Add(at("modules", "["+strconv.Itoa(j)+"]", "code"), "module %q of %s appears twice", m.Code, p.Code)
			}
			mods[m.Code] = true
		}
	}
	return errs
}

// maxCatalogBytes bounds a catalogue file.
const maxCatalogBytes = 4 << 20

// ParseCatalog decodes and validates a catalogue in YAML or JSON (JSON is YAML). Every problem is
// reported at once, each as a [faults.RuleError] with its line and column: syntax errors, unknown keys
// (a misspelt key is an error, not silently ignored), values of the wrong type, and what
// [Catalog.Validate] checks.
func ParseCatalog(data []byte) (*Catalog, error) {
	if len(data) > maxCatalogBytes {
		return nil, fmt.Errorf("catalogue: %d bytes is over the %d-byte limit", len(data), maxCatalogBytes)
	}
	var c Catalog
	doc, errs := yamldoc.Decode(data, "catalogue", &c)
	if doc != nil {
		errs = yamldoc.Merge(doc, errs, c.problems().List)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("catalogue: %w", yamldoc.Join(errs))
	}
	return &c, nil
}
