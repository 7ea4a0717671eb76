package fake

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/spec"
)

// createInstance runs CreateInstance's semantics: parameters against the spec's rules, caller and
// owner against the accounts, ClientToken idempotency, product and modules against the catalogue,
// then the order.
func (s *Server) createInstance(ex *exchange) {
	in, viol := s.validator.Request(ex.req.Params)
	if viol != nil {
		ex.fail(viol.Code, viol.Param)
		return
	}
	order, replayed, code, param := s.placeDurable(ex, in) // state.go: placeLocked under s.mu, then the state file
	if code != "" {
		ex.fail(code, param)
		return
	}
	ex.succeed(&order, replayed)
}

// placeLocked decides the call under s.mu. It returns the order placed or replayed, or the error
// code and the parameter to name. The order shares its Parameters with the store's copy: callers
// only read it (the answer, the state file), and orders in the store are never changed.
func (s *Server) placeLocked(ex *exchange, in *input) (o Order, replayed bool, code spec.Code, param string) {
	acct := s.callerLocked(ex.accessKeyID, ex.bearerAccount)
	if acct == nil {
		return Order{}, false, spec.CodeInvalidCaller, "AccessKeyId"
	}
	if in.OwnerID != "" && !acct.mayActFor(in.OwnerID) {
		return Order{}, false, spec.CodeInvalidOwner, "OwnerId"
	}
	if in.ClientToken != "" {
		if i, ok := s.store.byToken[tokenKey{acct.ID, in.ClientToken}]; ok {
			return s.store.orders[i], true, "", ""
		}
	}
	p, ok := s.catalog.Product(in.ProductCode)
	switch {
	case !ok:
		return Order{}, false, spec.CodeProductNotFind, "ProductCode"
	case p.NotApplicable:
		return Order{}, false, spec.CodeNotApplicable, "ProductCode"
	case len(p.SubscriptionTypes) > 0 && !slices.Contains(p.SubscriptionTypes, in.SubscriptionType):
		return Order{}, false, spec.CodeInvalidParameter, "SubscriptionType"
	case len(p.ProductTypes) > 0 && in.ProductType != "" && !slices.Contains(p.ProductTypes, in.ProductType):
		return Order{}, false, spec.CodeInvalidParameter, "ProductType"
	case p.PeriodMultiple > 0 && in.Period > 0 && in.Period%p.PeriodMultiple != 0:
		return Order{}, false, spec.CodeInvalidParameter, "Period"
	}
	if len(p.Modules) > 0 {
		for _, prm := range in.Parameters {
			m, ok := p.Module(prm.Code)
			if !ok {
				return Order{}, false, spec.CodeInvalidModuleCode, "Parameter." + strconv.Itoa(prm.N) + ".Code"
			}
			if len(m.Values) > 0 && !slices.Contains(m.Values, prm.Value) {
				return Order{}, false, spec.CodeInvalidConfigCode, "Parameter." + strconv.Itoa(prm.N) + ".Value"
			}
		}
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
