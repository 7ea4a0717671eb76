package fake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
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
	// MonthlyPrice is what one month of the product costs, a decimal string with at most two
	// decimals ("85.00"): a Subscription order costs MonthlyPrice x Period, which GetOrderDetail
	// reports. Empty: 0.00. PayAsYouGo orders cost 0.00 when placed (they are billed later).
	MonthlyPrice string `json:"monthlyPrice,omitempty" yaml:"monthlyPrice,omitempty"`
	// ProvisioningDelay is how long the product's new instances stay Creating on the fake's clock;
	// 0: the server's [WithProvisioningDelay]. In YAML a duration string ("30s").
	ProvisioningDelay time.Duration `json:"provisioningDelay,omitempty" yaml:"provisioningDelay,omitempty"`
	// Modules are the Parameter.n.Code values the product knows, with their allowed values.
	// Empty: any module is accepted.
	Modules []Module `json:"modules,omitempty" yaml:"modules,omitempty"`
}

// Module is one configurable module of a product: a Parameter.n.Code and its allowed values.
type Module struct {
	// Code is the module code (Parameter.n.Code).
	Code string `json:"code" yaml:"code"`
	// Values are the allowed Parameter.n.Value values; empty allows any value.
	Values []string `json:"values,omitempty" yaml:"values,omitempty"`
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
				{Code: "ServiceType", Values: []string{"universal"}},
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
			mods[j] = Module{Code: m.Code, Values: slices.Clone(m.Values)}
		}
		if p.Modules == nil {
			mods = nil
		}
		p.Modules = mods
		out.Products[i] = p
	}
	return out
}

// Validate reports the first problem of the catalogue: an empty or duplicate code, an unknown
// subscription type, a negative period multiple, an empty or duplicate module code.
func (c *Catalog) Validate() error {
	seen := map[string]bool{}
	for i, p := range c.Products {
		where := fmt.Sprintf("products[%d]", i)
		if strings.TrimSpace(p.Code) == "" {
			return fmt.Errorf("%s: code is empty", where)
		}
		if seen[p.Code] {
			return fmt.Errorf("%s: product %q appears twice", where, p.Code)
		}
		seen[p.Code] = true
		for _, st := range p.SubscriptionTypes {
			if st != "Subscription" && st != "PayAsYouGo" {
				return fmt.Errorf("%s (%s): subscriptionTypes: %q is neither Subscription nor PayAsYouGo", where, p.Code, st)
			}
		}
		if p.PeriodMultiple < 0 {
			return fmt.Errorf("%s (%s): periodMultiple must not be negative", where, p.Code)
		}
		if _, err := parseCents(p.MonthlyPrice); err != nil { // lifecycle.go
			return fmt.Errorf("%s (%s): monthlyPrice: %w", where, p.Code, err)
		}
		if p.ProvisioningDelay < 0 {
			return fmt.Errorf("%s (%s): provisioningDelay must not be negative", where, p.Code)
		}
		mods := map[string]bool{}
		for j, m := range p.Modules {
			if strings.TrimSpace(m.Code) == "" {
				return fmt.Errorf("%s (%s): modules[%d]: code is empty", where, p.Code, j)
			}
			if mods[m.Code] {
				return fmt.Errorf("%s (%s): module %q appears twice", where, p.Code, m.Code)
			}
			mods[m.Code] = true
		}
	}
	return nil
}

// maxCatalogBytes bounds a catalogue file.
const maxCatalogBytes = 4 << 20

// ParseCatalog decodes a catalogue from YAML or JSON (JSON is YAML). Unknown keys are errors, so a
// misspelt key is reported instead of silently ignored; errors name the line.
func ParseCatalog(data []byte) (*Catalog, error) {
	if len(data) > maxCatalogBytes {
		return nil, fmt.Errorf("catalogue: %d bytes is over the %d-byte limit", len(data), maxCatalogBytes)
	}
	var c Catalog
	if err := decodeStrictYAML(data, &c); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	return &c, nil
}

// LoadCatalog reads a catalogue file (YAML or JSON).
func LoadCatalog(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// decodeStrictYAML decodes one YAML (or JSON) document into v, rejecting unknown keys. A panic
// inside the YAML library on hostile input becomes an error.
func decodeStrictYAML(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed document: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the document is empty")
		}
		return err
	}
	return nil
}
