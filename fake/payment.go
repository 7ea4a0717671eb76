package fake

import (
	"fmt"
	"math"
	"strconv"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/internal/yamldoc"
	"github.com/bsskit/bsskit/spec"
)

// Payment is an account's payment state. A Subscription order is paid at once: one whose price
// (the product's MonthlyPrice times Period) is above Limit answers PAY.AMOUNT_LIMIT_EXCEEDED, one
// that the balance left cannot cover answers PAY.INSUFFICIENT_BALANCE; both are body-channel
// errors (HTTP 200, Success false) and place no order. Products without a price change nothing.
type Payment struct {
	// Balance is what the account holds before its first order; each paid order spends its price.
	// nil: unlimited.
	Balance *float64 `json:"balance,omitempty" yaml:"balance,omitempty"`
	// Limit is the most one order may cost (the payment method's limit). nil: none.
	Limit *float64 `json:"limit,omitempty" yaml:"limit,omitempty"`
}

func (p Payment) clone() Payment {
	if p.Balance != nil {
		b := *p.Balance
		p.Balance = &b
	}
	if p.Limit != nil {
		l := *p.Limit
		p.Limit = &l
	}
	return p
}

type fieldProblem struct{ field, msg string }

// problems lists what is wrong with a payment state.
func (p *Payment) problems() []fieldProblem {
	var out []fieldProblem
	for _, f := range []struct {
		name string
		v    *float64
	}{{"balance", p.Balance}, {"limit", p.Limit}} {
		if f.v != nil && (*f.v < 0 || math.IsNaN(*f.v) || math.IsInf(*f.v, 0)) {
			out = append(out, fieldProblem{f.name, fmt.Sprintf("%v is not a finite amount of at least 0", *f.v)})
		}
	}
	return out
}

// stateProblems checks the product fields of the fake's state-produced errors.
func (p *Product) stateProblems(errs *yamldoc.Errors, at func(rest ...string) []string) {
	if p.MonthlyPrice < 0 || math.IsNaN(p.MonthlyPrice) || math.IsInf(p.MonthlyPrice, 0) {
		errs.Add(at("monthlyPrice"), "%v is not a finite price of at least 0", p.MonthlyPrice)
	} else if c := p.MonthlyPrice * 100; math.Abs(c-math.Round(c)) > 1e-6 {
		errs.Add(at("monthlyPrice"), "%v has more than two decimals", p.MonthlyPrice)
	}
	switch spec.Code(p.OpenedCode) {
	case "", spec.CodeOrderOpend, spec.CodeHasEffectSuit:
	default:
		errs.Add(at("openedCode"), "%q is neither %s nor %s", p.OpenedCode, spec.CodeOrderOpend, spec.CodeHasEffectSuit)
	}
	if p.OpenedCode != "" && !p.OpensOnce {
		errs.Add(at("openedCode"), "set without opensOnce: true")
	}
}

// stateError is an error the fake's own state produces, with the variables of its message.
type stateError struct {
	code   spec.Code
	reason string   // for a developer (Entry.Reason)
	vars   []string // placeholder pairs for ErrorDef.Render
}

// orderPlan is an order ready for the backend's step, with what its refusals say.
type orderPlan struct {
	store.Placement
	product *Product
	account string
	balance float64 // the account's balance, when Placement.Balance >= 0
	limit   float64 // the account's per-order limit, when Placement.OverLimit
}

// pay sets the payment checks of the plan: an order over the account's limit is refused by the
// backend's step unless its ClientToken or an opens-once holding answers first; the balance is
// checked against what the account spent, in the same step.
func (pl *orderPlan) pay(acct *Account, p *Product, in *input) {
	pl.product, pl.account = p, acct.ID
	if acct.Payment == nil || p.MonthlyPrice == 0 || in.SubscriptionType != "Subscription" {
		return
	}
	price := store.Cents(pl.Record.Amount)
	if l := acct.Payment.Limit; l != nil && float64(price) > math.Round(*l*100) {
		pl.OverLimit, pl.limit = true, *l
	}
	if b := acct.Payment.Balance; b != nil {
		pl.Balance, pl.balance = int64(math.Floor(*b*100+1e-6)), *b
	}
}

// refusal is the error of an order the backend refused.
func (pl *orderPlan) refusal(res *store.Placed, requestID string) *stateError {
	p, acct := pl.product, pl.account
	price := float64(store.Cents(pl.Record.Amount)) / 100
	vars := []string{"accountId", acct, "requestId", requestID}
	switch res.Refused {
	case store.RefusedOpened:
		code := spec.Code(p.OpenedCode)
		if code == "" {
			code = spec.CodeOrderOpend
		}
		o := &res.Record
		return &stateError{code: code, vars: []string{"instanceId", o.InstanceID},
			reason: fmt.Sprintf("product %s opens once (opensOnce) and account %s holds it already: instance %s, order %s",
				p.Code, acct, o.InstanceID, o.OrderID)}
	case store.RefusedLimit:
		return &stateError{code: spec.CodePayAmountLimitExceeded, vars: vars,
			reason: fmt.Sprintf("the order costs %s (%d months of %s at %s) and account %s may pay at most %s per order",
				money(price), max(pl.Record.Period, 1), p.Code, money(p.MonthlyPrice), acct, money(pl.limit))}
	default:
		left := pl.balance - float64(res.Spent)/100
		return &stateError{code: spec.CodePayInsufficientBalance, vars: vars,
			reason: fmt.Sprintf("the order costs %s and account %s has %s left of its balance %s",
				money(price), acct, money(left), money(pl.balance))}
	}
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
