// Package consumer is a minimal caller of CreateInstance written from the decision rules real
// callers follow (/work/shared/reference/real-consumers.md, sections 2 and 4; mainly the Terraform
// provider for Alibaba Cloud): it buys through [tfclient] and judges each answer as that provider
// does, so tests can see through a caller's eyes what the fake's channels and faults do.
//
// The rules, in the order [Judge] applies them:
//
//   - HTTP 4xx/5xx: NotApplicable (or the Cloud Firewall message "not found article by given
//     param") switches from the domestic to the international site; throttling codes (any code
//     containing "Throttling"), ServiceUnavailable, InternalError, CSS_CHECK_ORDER_ERROR,
//     SYSTEM.CONCURRENT_OPERATE and every 5xx are retried; anything else is an error.
//   - No answer (a timeout, a reset connection) or an answer that does not decode: retried.
//   - HTTP 200: a success when Code is success, ok, 200 or 0 (any case), or Success is true, or
//     Message is empty (the provider's formatError: a 200 error without a Message passes); a
//     success must carry Data.InstanceId. ORDER.OPEND and INSTANCE_ID_IS_NOT_UNIQUE mean "already
//     bought", Has.effect.suit too with the instance ID after its last ": ". The retried codes
//     above are retried; anything else is an error.
//
// Every retry and the site switch reuse the order's ClientToken.
//
// It is internal: a test helper, no API.
package consumer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bsskit/bsskit/internal/tfclient"
	"github.com/bsskit/bsskit/spec"
)

// Site names a BSS site.
type Site string

// The two sites.
const (
	Domestic      Site = "domestic"
	International Site = "international"
)

// Action is what a caller does after an answer.
type Action int

// The actions.
const (
	// Done: the order is placed (or was already held); Verdict.InstanceID names the instance.
	Done Action = iota
	// Retry: send the same request again, with the same ClientToken.
	Retry
	// SwitchSite: send it to the international site, with the same ClientToken.
	SwitchSite
	// Fail: give up with Verdict.Err.
	Fail
)

// String names the action: done, retry, switch-site or fail.
func (a Action) String() string {
	names := [...]string{"done", "retry", "switch-site", "fail"}
	if a < 0 || int(a) >= len(names) {
		return fmt.Sprintf("Action(%d)", int(a))
	}
	return names[a]
}

// Verdict is the judgement of one answer.
type Verdict struct {
	Action Action
	// InstanceID and OrderID are the order's (Done).
	InstanceID, OrderID string
	// AlreadyBought: Done because the account already holds the instance (ORDER.OPEND,
	// INSTANCE_ID_IS_NOT_UNIQUE, Has.effect.suit).
	AlreadyBought bool
	// Status, Code and Message are the answer's (0 and "" without one).
	Status        int
	Code, Message string
	// RequestID is the answer's RequestId.
	RequestID string
	// Err is the cause of a Fail or Retry.
	Err error
}

// retried are the codes callers retry besides throttling and 5xx.
var retried = map[string]bool{
	string(spec.CodeServiceUnavailable):      true,
	string(spec.CodeInternalError):           true,
	string(spec.CodeCssCheckOrderError):      true,
	string(spec.CodeSystemConcurrentOperate): true,
}

func isRetried(code string) bool {
	return strings.Contains(code, "Throttling") || retried[code]
}

// siteMessage is the Cloud Firewall's "wrong site" message.
const siteMessage = "not found article by given param"

// Judge judges one answer of tfclient.Client.RPCPost: its body and its error.
func Judge(body map[string]any, err error) Verdict {
	var he *tfclient.Error
	switch {
	case errors.As(err, &he):
		v := Verdict{Status: he.StatusCode, Code: he.Code, Message: he.Message, RequestID: he.RequestID, Err: err}
		switch {
		case he.Code == string(spec.CodeNotApplicable) || strings.Contains(he.Message, siteMessage):
			v.Action = SwitchSite
		case isRetried(he.Code) || he.StatusCode >= 500:
			v.Action = Retry
		default:
			v.Action = Fail
		}
		return v
	case err != nil:
		return Verdict{Action: Retry, Err: err}
	}
	code, msg := str(body, "Code"), str(body, "Message")
	v := Verdict{Status: 200, Code: code, Message: msg, RequestID: str(body, "RequestId")}
	success, _ := body["Success"].(bool)
	switch lc := strings.ToLower(code); {
	case lc == "success" || lc == "ok" || lc == "200" || lc == "0" || success || msg == "":
		data, _ := body["Data"].(map[string]any)
		v.InstanceID, v.OrderID = str(data, "InstanceId"), str(data, "OrderId")
		if v.InstanceID == "" {
			v.Action, v.Err = Fail, fmt.Errorf("HTTP 200 taken for a success (Code %q, Success %v, Message %q) without Data.InstanceId", code, body["Success"], msg)
			return v
		}
		v.Action = Done
	case code == string(spec.CodeOrderOpend) || code == string(spec.CodeInstanceIdIsNotUnique):
		v.Action, v.AlreadyBought = Done, true
	case code == string(spec.CodeHasEffectSuit):
		v.Action, v.AlreadyBought = Done, true
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			v.InstanceID = strings.TrimSpace(msg[i+2:])
		}
	case code == string(spec.CodeNotApplicable) || strings.Contains(msg, siteMessage):
		v.Action = SwitchSite
	case isRetried(code):
		v.Action, v.Err = Retry, fmt.Errorf("HTTP 200 %s: %s", code, msg)
	default:
		v.Action, v.Err = Fail, fmt.Errorf("HTTP 200 %s: %s", code, msg)
	}
	return v
}

// Param is one module of an order.
type Param struct{ Code, Value string }

// Order is what to buy. ProductType and the parameters are the domestic site's; on the switch to
// the international site ProductType's "_cn" suffix becomes "_intl" (and IntlParamCodes renames
// module codes).
type Order struct {
	ProductCode, ProductType, SubscriptionType string
	// Period is sent when not 0.
	Period     int
	Parameters []Param
	// ClientToken is sent on every attempt and after the site switch; "" sends none (as some
	// resources do).
	ClientToken string
	// IntlParamCodes renames module codes on the international site (CfwAccountNum to
	// CfwAccountIntlNum).
	IntlParamCodes map[string]string
}

// Buyer buys as the Terraform provider does.
type Buyer struct {
	// Sites are the clients of the two sites; a nil International means no switch.
	Domestic, International *tfclient.Client
	// MaxAttempts bounds the requests of one Buy (0: 5).
	MaxAttempts int
	// Backoff waits before retry n (1, 2, ...); nil does not wait.
	Backoff func(n int) time.Duration
}

// Result is a completed purchase.
type Result struct {
	// InstanceID and OrderID identify the order ("" when AlreadyBought says nothing more).
	InstanceID, OrderID string
	// AlreadyBought: the account already held the instance.
	AlreadyBought bool
	// Site is where the order was placed.
	Site Site
	// Attempts counts the requests sent.
	Attempts int
}

// Error is a purchase that failed.
type Error struct {
	// Site is the site of the last attempt.
	Site Site
	// Attempts counts the requests sent.
	Attempts int
	// Last is the judgement of the last answer.
	Last Verdict
}

// Error says on which site the purchase failed, after how many attempts, and the last answer.
func (e *Error) Error() string {
	v := e.Last
	var what string
	switch {
	case v.Status == 0:
		what = fmt.Sprintf("no answer: %v", v.Err)
	case v.Status == 200 && v.Err != nil:
		what = fmt.Sprintf("%v (request id %s)", v.Err, v.RequestID)
	default:
		what = fmt.Sprintf("HTTP %d %s: %q (request id %s)", v.Status, v.Code, v.Message, v.RequestID)
	}
	return fmt.Sprintf("consumer: buying on the %s site failed after %d attempt(s): %s", e.Site, e.Attempts, what)
}

// Unwrap returns the cause of the last verdict: a [*tfclient.Error], a transport error, or nil.
func (e *Error) Unwrap() error { return e.Last.Err }

// Buy places o and returns the result, or an [*Error].
func (b *Buyer) Buy(ctx context.Context, o Order) (Result, error) {
	max := b.MaxAttempts
	if max <= 0 {
		max = 5
	}
	if b.Domestic == nil {
		return Result{}, errors.New("consumer: Buyer.Domestic is nil")
	}
	site, client := Domestic, b.Domestic
	var last Verdict
	for n := 1; n <= max; n++ {
		body, err := client.RPCPost(ctx, "CreateInstance", spec.Version, nil, o.body(site))
		last = Judge(body, err)
		switch last.Action {
		case Done:
			return Result{InstanceID: last.InstanceID, OrderID: last.OrderID, AlreadyBought: last.AlreadyBought, Site: site, Attempts: n}, nil
		case SwitchSite:
			if site == International || b.International == nil {
				return Result{}, &Error{Site: site, Attempts: n, Last: last}
			}
			site, client = International, b.International
		case Retry:
			if err := ctx.Err(); err != nil {
				return Result{}, &Error{Site: site, Attempts: n, Last: Verdict{Action: Fail, Err: err}}
			}
			if b.Backoff != nil {
				t := time.NewTimer(b.Backoff(n))
				select {
				case <-ctx.Done():
					t.Stop()
					return Result{}, &Error{Site: site, Attempts: n, Last: Verdict{Action: Fail, Err: ctx.Err()}}
				case <-t.C:
				}
			}
		default:
			return Result{}, &Error{Site: site, Attempts: n, Last: last}
		}
	}
	return Result{}, &Error{Site: site, Attempts: max, Last: last}
}

// body is the form body of o on site.
func (o Order) body(site Site) map[string]any {
	pt := o.ProductType
	params := make([]map[string]any, 0, len(o.Parameters))
	for _, p := range o.Parameters {
		code := p.Code
		if site == International {
			if c, ok := o.IntlParamCodes[code]; ok {
				code = c
			}
		}
		params = append(params, map[string]any{"Code": code, "Value": p.Value})
	}
	if site == International {
		if base, ok := strings.CutSuffix(pt, "_cn"); ok {
			pt = base + "_intl"
		}
	}
	m := map[string]any{
		"ProductCode":      o.ProductCode,
		"ProductType":      pt,
		"SubscriptionType": o.SubscriptionType,
		"Parameter":        params,
	}
	if o.Period != 0 {
		m["Period"] = o.Period
	}
	if o.ClientToken != "" {
		m["ClientToken"] = o.ClientToken
	}
	return m
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
