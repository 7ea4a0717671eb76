// Package caller is the example code under test of "Is my client safe?": a purchase of one
// Real-Time Communication (rtc) service through CreateInstance, written naively and carefully,
// plus deliberately flawed variants of the careful one that the fake's verdicts must each catch.
//
// The careful caller follows the service's rules: one ClientToken per purchase, so that repeating
// the request can never buy twice; retries only of answers a retry can change (the error
// catalogue's retryable codes, 5xx, and answers it never fully received), with a growing pause;
// and a timeout on every attempt. The naive caller sends no ClientToken and repeats any failure at
// once.
package caller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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
}

// Careful is the careful caller's policy.
func Careful() Policy {
	return Policy{Name: "careful", Token: true, Backoff: 150 * time.Millisecond, MaxBackoff: 300 * time.Millisecond,
		MaxAttempts: 6, Timeout: 500 * time.Millisecond}
}

// Naive is the naive caller's policy: no ClientToken, three attempts, no pause between them.
func Naive() Policy {
	return Policy{Name: "naive", RetryAll: true, MaxAttempts: 3, Timeout: time.Second}
}

// Flawed returns the careful policy with one flaw each, keyed by the verdict meant to catch it.
func Flawed() map[string]Policy {
	p := func(name string, f func(*Policy)) Policy {
		c := Careful()
		c.Name = name
		f(&c)
		return c
	}
	return map[string]Policy{
		"duplicate-order":       p("no-token", func(c *Policy) { c.Token = false }),
		"retried-non-retryable": p("retry-all", func(c *Policy) { c.RetryAll = true }),
		"no-backoff":            p("no-backoff", func(c *Policy) { c.Backoff, c.MaxBackoff = 0, 0 }),
		"retry-storm":           p("storm", func(c *Policy) { c.MaxAttempts = 20 }),
		"no-timeout":            p("no-timeout", func(c *Policy) { c.Timeout = 0 }),
		"token-reused":          p("change-on-retry", func(c *Policy) { c.ChangeOnRetry = true }),
	}
}

// Buy places one order for an rtc service at endpoint (host:port of the fake) and returns nil
// once the order is confirmed.
func (p Policy) Buy(ctx context.Context, endpoint, accessKeyID, accessKeySecret string) error {
	req := sdkcall.Request{
		ProductCode:      "rtc",
		SubscriptionType: "PayAsYouGo",
		Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}},
		ReadTimeout:      p.Timeout,
	}
	if p.Token {
		req.ClientToken = newToken()
	}
	cred := sdkcall.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret}
	pause := p.Backoff
	for attempt := 1; ; attempt++ {
		out := sdkcall.Call(ctx, sdkcall.DOAV3, endpoint, cred, req)
		if out.OK && out.Success {
			return nil
		}
		retry, why := p.judge(out)
		if !retry || attempt >= p.MaxAttempts {
			return fmt.Errorf("%s: attempt %d: %s", p.Name, attempt, why)
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
		pause = min(2*pause, p.MaxBackoff)
		if p.ChangeOnRetry && len(req.Parameters) == 1 {
			req.Parameters = append(req.Parameters, sdkcall.Param{Code: "BillType", Value: "traffic"})
		}
	}
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
