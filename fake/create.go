package fake

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// createInstance runs CreateInstance's semantics: parameters against the spec's rules, caller and
// owner against the accounts, ClientToken idempotency, product and modules against the catalogue,
// then the order.
func (s *Server) createInstance(ex *exchange) {
	in, viol := s.validator.Request(ex.req.Params)
	if viol != nil {
		if s.settleRules(ex) { // shared.go: a deferred rule stage answered
			return
		}
		ex.fail(viol.Code, viol.Param)
		return
	}
	order, replayed, code, param := s.placeDurable(ex, in) // state.go: placeLocked under s.mu, then the state file
	if code == codeRuleAnswered {
		return
	}
	if code != "" {
		ex.fail(code, param)
		s.explain(ex)
		return
	}
	ex.succeed(&order, replayed)
}

// explain tells a developer why the fake answered a business error it decided ([journal.Entry.Reason]):
// in the debug log and, for a server made with [NewServer], in the test log.
func (s *Server) explain(ex *exchange) {
	if ex.entry.Reason == "" {
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelDebug, "business error",
		slog.Uint64("seq", ex.entry.Seq), slog.String("code", ex.code),
		slog.String("requestId", ex.entry.RequestID), slog.String("reason", ex.entry.Reason))
	if s.testLog != nil {
		s.testLog("fake: request %d answered %s: %s", ex.entry.Seq, ex.code, ex.entry.Reason)
	}
}

// placeLocked decides the call under s.mu. It returns the order placed or replayed, or the error
// code and the parameter to name. The order shares its Parameters with the store's copy: callers
// only read it (the answer, the state file), and orders in the store are never changed.
func (s *Server) placeLocked(ex *exchange, in *input) (o Order, replayed bool, code spec.Code, param string) {
	acct := s.callerLocked(ex.accessKeyID, ex.bearerAccount)
	if acct == nil {
		ex.entry.Reason = callerReason(ex.accessKeyID)
		return Order{}, false, spec.CodeInvalidCaller, "AccessKeyId"
	}
	if in.OwnerID != "" && !acct.mayActFor(in.OwnerID) {
		ex.entry.Reason = fmt.Sprintf("account %s may not act for owner %s; it may act for: %s", acct.ID, in.OwnerID,
			strings.Join(append([]string{acct.ID}, acct.Owners...), ", "))
		return Order{}, false, spec.CodeInvalidOwner, "OwnerId"
	}
	if reason := siteCheck(ex.site, acct, in.ProductType); reason != "" { // sites.go
		ex.entry.Reason = reason
		return Order{}, false, spec.CodeNotApplicable, ""
	}
	if in.ClientToken != "" {
		if i, ok := s.store.byToken[tokenKey{acct.ID, in.ClientToken}]; ok {
			return *s.store.orders.at(i), true, "", ""
		}
	}
	p, reason, code, param := s.catalog.check(in)
	if code != "" {
		ex.entry.Reason = reason
		return Order{}, false, code, param
	}
	if se := s.stateCheckLocked(ex, acct, p, in); se != nil { // payment.go
		ex.entry.Reason, ex.vars = se.reason, se.vars
		return Order{}, false, se.code, ""
	}
	o = Order{
		OrderID:          s.newOrderIDLocked(),
		InstanceID:       s.newInstanceIDLocked(p),
		AccountID:        acct.ID,
		AccessKeyID:      ex.accessKeyID,
		ProductCode:      in.ProductCode,
		ProductType:      in.ProductType,
		SubscriptionType: in.SubscriptionType,
		Period:           in.Period,
		RenewalStatus:    in.RenewalStatus,
		RenewPeriod:      in.RenewPeriod,
		OwnerID:          in.OwnerID,
		ClientToken:      in.ClientToken,
		Logistics:        in.Logistics,
		Parameters:       orderParams(in.Parameters),
		RequestID:        ex.entry.RequestID,
		CreatedAt:        ex.entry.Time,
	}
	if o.RenewalStatus == "" {
		o.RenewalStatus = "ManualRenewal"
	}
	s.scheduleLocked(&o, p, ex.refund) // lifecycle.go
	s.store.add(o)
	return o, false, "", ""
}

// callerReason explains InvalidCaller.
func callerReason(accessKeyID string) string {
	if accessKeyID == "" {
		return "the call has no access key, and no configured account has a bearer token that matches"
	}
	return fmt.Sprintf("access key %q belongs to no configured account (codes are case-sensitive)", accessKeyID)
}

// check decides the catalogue's business errors for the call: the product, its subscription and
// product types, its period, its modules and their values. It returns the product, or the error
// code, the parameter to name in the wire message, and the reason for a developer (journal, debug
// log, test log), which never goes on the wire: the wire message stays the real service's.
func (c *Catalog) check(in *input) (p *Product, reason string, code spec.Code, param string) {
	p, ok := c.Product(in.ProductCode)
	switch {
	case !ok:
		return nil, fmt.Sprintf("ProductCode %q is not in the catalogue; known: %s; codes are case-sensitive",
			in.ProductCode, strings.Join(c.codes(), ", ")), spec.CodeProductNotFind, "ProductCode"
	case p.NotApplicable:
		return nil, fmt.Sprintf("product %s is marked notApplicable in the catalogue: CreateInstance does not sell it (the real service answers so for ECS and RDS)",
			p.Code), spec.CodeNotApplicable, "ProductCode"
	case len(p.SubscriptionTypes) > 0 && !slices.Contains(p.SubscriptionTypes, in.SubscriptionType):
		return nil, fmt.Sprintf("product %s is sold as SubscriptionType %s, not %q",
			p.Code, strings.Join(p.SubscriptionTypes, " or "), in.SubscriptionType), spec.CodeInvalidParameter, "SubscriptionType"
	case len(p.ProductTypes) > 0 && in.ProductType != "" && !slices.Contains(p.ProductTypes, in.ProductType):
		return nil, fmt.Sprintf("product %s has ProductType %s, not %q",
			p.Code, strings.Join(p.ProductTypes, " or "), in.ProductType), spec.CodeInvalidParameter, "ProductType"
	case p.PeriodMultiple > 0 && in.Period > 0 && in.Period%p.PeriodMultiple != 0:
		return nil, fmt.Sprintf("product %s is sold by multiples of %d months: Period %d is not one",
			p.Code, p.PeriodMultiple, in.Period), spec.CodeInvalidParameter, "Period"
	}
	if len(p.Modules) == 0 {
		return p, "", "", ""
	}
	for _, prm := range in.Parameters {
		m, ok := p.Module(prm.Code)
		if !ok {
			return nil, fmt.Sprintf("product %s has no module %q (Parameter.%d.Code); its modules: %s; codes are case-sensitive",
				p.Code, prm.Code, prm.N, strings.Join(p.moduleCodes(), ", ")), spec.CodeInvalidModuleCode, "Parameter." + strconv.Itoa(prm.N) + ".Code"
		}
		if len(m.Values) > 0 && !slices.Contains(m.Values, prm.Value) {
			code := spec.CodeInvalidConfigCode
			if p.CommodityChannel {
				code = spec.CodeCommodityInvalidComponent // the body channel (HTTP 200)
			}
			return nil, fmt.Sprintf("module %s of %s does not sell %q (Parameter.%d.Value); it sells: %s",
				m.Code, p.Code, prm.Value, prm.N, strings.Join(m.Values, ", ")), code, "Parameter." + strconv.Itoa(prm.N) + ".Value"
		}
	}
	for _, m := range p.Modules {
		if !m.Required || slices.ContainsFunc(in.Parameters, func(prm check.Param) bool { return prm.Code == m.Code }) {
			continue
		}
		// A missing required module answers InvalidConfigCode, not MissingParameter: Parameter.n
		// entries are optional as request parameters (MissingParameter names a parameter the API
		// requires); what is wrong is the product's configuration, which BSS prices as a whole
		// and refuses with InvalidConfigCode ("The specified configCode is not valid."), as it
		// does for a value the module does not sell.
		return nil, fmt.Sprintf("module %s of %s is required: add Parameter.n.Code=%s with a value", m.Code, p.Code, m.Code),
			spec.CodeInvalidConfigCode, "Parameter"
	}
	return p, "", "", ""
}

// codes returns the catalogue's product codes, in order.
func (c *Catalog) codes() []string {
	out := make([]string, len(c.Products))
	for i, p := range c.Products {
		out[i] = p.Code
	}
	return out
}

// moduleCodes returns the product's module codes, in order.
func (p *Product) moduleCodes() []string {
	out := make([]string, len(p.Modules))
	for i, m := range p.Modules {
		out[i] = m.Code
	}
	return out
}

// callerLocked returns the caller's account: with no accounts configured every caller is the
// default account; otherwise the access key (or the verified bearer token) must belong to one.
func (s *Server) callerLocked(accessKeyID, bearerAccount string) *Account {
	if len(s.accounts) == 0 {
		return &Account{ID: DefaultAccountID, Owners: defaultOwnerIDs}
	}
	if bearerAccount != "" {
		for i := range s.accounts {
			if s.accounts[i].ID == bearerAccount {
				return &s.accounts[i]
			}
		}
	}
	i, ok := s.byKey[accessKeyID]
	if !ok {
		return nil
	}
	return &s.accounts[i]
}

// newRequestIDLocked returns a RequestId in the real service's form: an upper-case UUID.
func (s *Server) newRequestIDLocked() string {
	const hex = "0123456789ABCDEF"
	var b [36]byte
	hi, lo := s.rng.Uint64(), s.rng.Uint64()
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*i) & 0xF
		} else {
			nib = lo >> (60 - 4*(i-16)) & 0xF
		}
		if i == 12 {
			nib = 4 // version 4
		}
		if i == 16 {
			nib = 8 | nib&3 // RFC 4122 variant
		}
		b[j] = hex[nib]
		j++
	}
	return string(b[:])
}

// newOrderIDLocked returns an unused 15-digit order ID, like the real "214567890120123".
func (s *Server) newOrderIDLocked() string {
	for {
		var b [15]byte
		b[0] = '2'
		n := s.rng.Uint64N(1e14)
		for i := 14; i >= 1; i-- {
			b[i] = byte('0' + n%10)
			n /= 10
		}
		id := string(b[:])
		if _, used := s.store.byID[id]; !used {
			return id
		}
	}
}

// newInstanceIDLocked returns an unused instance ID: the product's prefix and 12 lower-case
// alphanumerics, the shape real products use ("rtc-cn-0a1b2c3d4e5f", "i-bp1...").
func (s *Server) newInstanceIDLocked(p *Product) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	prefix := p.InstanceIDPrefix
	if prefix == "" {
		prefix = strings.ToLower(p.Code) + "-cn-"
	}
	const n36pow12 = 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 // fits in a uint64
	var buf [64]byte
	for {
		// One draw for the 12 characters: uniform over the 36^12 suffixes.
		b := append(buf[:0], prefix...)
		b = append(b, "000000000000"...)
		n := s.rng.Uint64N(n36pow12)
		for i := len(b) - 1; i >= len(prefix); i-- {
			b[i] = alphabet[n%36]
			n /= 36
		}
		id := string(b)
		if !s.store.usedInst[id] {
			return id
		}
	}
}
