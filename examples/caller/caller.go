// Package caller is the example code under test of "Is my client safe?": a purchase of one
// Real-Time Communication (rtc) service through CreateInstance, written naively and carefully,
// plus deliberately flawed variants of the careful one that the fake's verdicts must each catch.
//
// The careful caller follows the service's rules: one ClientToken per purchase, so that repeating
// the request can never buy twice; retries only of answers a retry can change (the error
// catalogue's retryable codes, 5xx, and answers it never fully received), with a growing pause;
// a timeout on every attempt; on NotApplicable (an account of the other site) a move to the
// international site and ProductType with the same ClientToken; and a confirmation as real callers
// make it: QueryAvailableInstances by InstanceIDs until the instance is Normal, then GetOrderDetail
// until the order is Paid, within a bounded wait, never buying again while the instance is
// Creating. The naive caller sends no ClientToken, repeats any failure at once and trusts the
// first success.
package caller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

// Policy is how a caller buys: its retries, timeouts and ClientToken.
type Policy struct {
	// Name names the policy in reports.
	Name string
	// Token sends one ClientToken per purchase, the same on every attempt.
	Token bool
	// RetryAll retries every failure, even one no retry can change.
	RetryAll bool
	// Backoff is the pause before the first retry; it doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts bounds the attempts of one purchase.
	MaxAttempts int
	// Timeout bounds each attempt; 0 means none.
	Timeout time.Duration
	// ChangeOnRetry adds a parameter on retries while keeping the ClientToken (a flaw).
	ChangeOnRetry bool
	// SwitchSite moves to the international site (Target.IntlEndpoint, ProductType rtc_intl) on
	// NotApplicable, with the same ClientToken.
	SwitchSite bool
	// Confirm polls the new instance until Normal and its order until Paid, for at most
	// ConfirmWait, every PollInterval (with the retry backoff after an answer a retry can change).
	Confirm                   bool
	ConfirmWait, PollInterval time.Duration
	// RebuyWhileCreating buys again, under a new ClientToken, when the first poll still shows the
	// instance Creating (a flaw).
	RebuyWhileCreating bool
}

// Target is where a caller buys: the fake's two sites and the credentials.
type Target struct {
	// Endpoint and IntlEndpoint are host:port of the domestic and the international site;
	// IntlEndpoint "" means there is none.
	Endpoint, IntlEndpoint string
	// AccessKeyID and AccessKeySecret sign the requests.
	AccessKeyID, AccessKeySecret string
}

// TargetFromEnv reads the target that bsskit sweep gives its command: BSSKIT_ENDPOINT,
// BSSKIT_INTL_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.
func TargetFromEnv() Target {
	return Target{Endpoint: os.Getenv("BSSKIT_ENDPOINT"), IntlEndpoint: os.Getenv("BSSKIT_INTL_ENDPOINT"),
		AccessKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")}
}

// Careful is the careful caller's policy.
func Careful() Policy {
	return Policy{Name: "careful", Token: true, Backoff: 150 * time.Millisecond, MaxBackoff: 300 * time.Millisecond,
		MaxAttempts: 6, Timeout: 500 * time.Millisecond,
		SwitchSite: true, Confirm: true, ConfirmWait: 1500 * time.Millisecond, PollInterval: 100 * time.Millisecond}
}

// Naive is the naive caller's policy: no ClientToken, three attempts, no pause between them.
func Naive() Policy {
	return Policy{Name: "naive", RetryAll: true, MaxAttempts: 3, Timeout: time.Second}
}

// Flaw is a careful policy with one flaw and the verdict meant to catch it.
type Flaw struct {
	Verdict string
	Policy  Policy
}

// Flawed returns the careful policy with one flaw each, with the verdict meant to catch it.
func Flawed() []Flaw {
	p := func(verdict, name string, f func(*Policy)) Flaw {
		c := Careful()
		c.Name = name
		f(&c)
		return Flaw{verdict, c}
	}
	return []Flaw{
		p("duplicate-order", "no-token", func(c *Policy) { c.Token = false }),
		p("duplicate-order", "rebuy-while-creating", func(c *Policy) { c.RebuyWhileCreating = true }),
		p("retried-non-retryable", "retry-all", func(c *Policy) { c.RetryAll = true }),
		p("no-backoff", "no-backoff", func(c *Policy) { c.Backoff, c.MaxBackoff = 0, 0 }),
		p("retry-storm", "storm", func(c *Policy) { c.MaxAttempts = 20 }),
		p("no-timeout", "no-timeout", func(c *Policy) { c.Timeout = 0 }),
		p("token-reused", "change-on-retry", func(c *Policy) { c.ChangeOnRetry = true }),
	}
}

// Buy buys one rtc service at t and returns nil once the purchase is confirmed (with Confirm) or
// the order placed (without).
func (p Policy) Buy(ctx context.Context, t Target) error {
	token := ""
	if p.Token {
		token = newToken()
	}
	b, err := p.place(ctx, t, token, false)
	if err != nil || !p.Confirm {
		return err
	}
	c, err := newReadClient(b.endpoint(t), t.AccessKeyID, t.AccessKeySecret, p.Timeout)
	if err != nil {
		return err
	}
	defer c.Shutdown()
	rebuy := func() (string, string, error) {
		nb, err := p.place(ctx, t, newToken(), b.intl)
		return nb.instanceID, nb.orderID, err
	}
	return p.confirm(ctx, c, b.productType(), b.instanceID, b.orderID, rebuy)
}

// bought is a placed order and the site it was placed on.
type bought struct {
	instanceID, orderID string
	intl                bool
}

func (b bought) endpoint(t Target) string {
	if b.intl {
		return t.IntlEndpoint
	}
	return t.Endpoint
}

func (b bought) productType() string {
	if b.intl {
		return "rtc_intl"
	}
	return "rtc_cn"
}

// place sends CreateInstance until the order is placed or the policy gives up.
func (p Policy) place(ctx context.Context, t Target, token string, intl bool) (bought, error) {
	b := bought{intl: intl}
	req := sdkcall.Request{
		ProductCode:      "rtc",
		ProductType:      b.productType(),
		SubscriptionType: "PayAsYouGo",
		Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}},
		ReadTimeout:      p.Timeout,
		ClientToken:      token,
	}
	cred := sdkcall.Credentials{AccessKeyID: t.AccessKeyID, AccessKeySecret: t.AccessKeySecret}
	pause := p.Backoff
	for attempt := 1; ; attempt++ {
		out := sdkcall.Call(ctx, sdkcall.DOAV3, b.endpoint(t), cred, req)
		if out.OK && out.Success {
			b.instanceID, b.orderID = out.InstanceID, out.OrderID
			return b, nil
		}
		if p.SwitchSite && !b.intl && t.IntlEndpoint != "" && answerCode(out) == string(spec.CodeNotApplicable) {
			b.intl = true // the account (or ProductType) is the other site's: move, same ClientToken
			req.ProductType = b.productType()
			attempt--
			continue
		}
		retry, why := p.judge(out)
		if !retry || attempt >= p.MaxAttempts {
			return b, fmt.Errorf("%s: attempt %d: %s", p.Name, attempt, why)
		}
		if err := sleep(ctx, pause); err != nil {
			return b, err
		}
		pause = min(2*pause, p.MaxBackoff)
		if p.ChangeOnRetry && len(req.Parameters) == 1 {
			req.Parameters = append(req.Parameters, sdkcall.Param{Code: "BillType", Value: "traffic"})
		}
	}
}

// answerCode is the error code of an answer on either channel.
func answerCode(out sdkcall.Outcome) string {
	if out.OK {
		return out.Code
	}
	return out.ErrCode
}

// judge says whether a retry can change the answer out, and what the answer was.
func (p Policy) judge(out sdkcall.Outcome) (retry bool, why string) {
	code, status := out.ErrCode, out.ErrStatus
	if out.OK { // HTTP 200 with Success false: the body channel
		code, status = out.Code, out.HTTPStatus
		if code == "" {
			return true, "HTTP 200 without a result" // an answer it cannot read: unknown outcome
		}
	}
	why = fmt.Sprintf("%s (HTTP %d): %s", code, status, out.ErrMessage)
	if out.ErrKind != sdkcall.None && code == "" {
		return true, fmt.Sprintf("%s: %v", out.ErrKind, out.Err) // no answer: unknown outcome
	}
	if p.RetryAll || status >= 500 {
		return true, why
	}
	def, ok := spec.Lookup(spec.Code(code))
	return ok && def.Retryable, why
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return errors.Join(errors.New("gave up waiting to retry"), ctx.Err())
	}
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
