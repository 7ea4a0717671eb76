// Package sweep is the failure sweep: it runs the code under test once per failure case of a
// matrix derived from the error catalogue, the faults, the sites and the lifecycle ([Cases]), each
// against a fresh fake, and fails the cases whose outcome is wrong: the caller's result, the
// number of orders, or a verdict on its journal (package verdict).
//
//	sweep.Sweep(t, sweep.Config{}, func(t *testing.T, s *fake.Server) error {
//		return buy(t.Context(), s.Endpoint()) // the code under test: nil when it bought
//	})
//
// [Expect] and [Result] live here, not in package faults: they are what a sweep case expects of a
// caller, not part of a fault rule. The cases select the calls that buy by [faults.Match.Places];
// the read cases still name QueryAvailableInstances (spec's constant).
package sweep

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/bsskit/bsskit/spec"
)

// Result is what a caller reported for a purchase: success or failure, or (in an [Expect]) either.
type Result string

// The results.
const (
	ResultSuccess Result = "success"
	ResultFailure Result = "failure"
	// ResultEither accepts success and failure: the caller could not know the outcome.
	ResultEither Result = "either"
)

// Expect is what a sweep case expects of a careful caller.
type Expect struct {
	// Result is the result the caller must report.
	Result Result `json:"result"`
	// Orders is the number of orders that must exist afterwards.
	Orders int `json:"orders"`
}

// Case is one failure a sweep puts the caller through: rules on a fresh fake and the outcome
// expected of a careful caller.
type Case struct {
	// Name identifies the case, such as "retryable/Throttling.User" or "after-commit/hang".
	Name string `json:"name"`
	// Description says what the fake does in this case.
	Description string `json:"description"`
	// Rules are installed on the case's fake.
	Rules []faults.Rule `json:"-"`
	// Options are added to the case's server options after [Config.Options]: the account's
	// site, the lifecycle's delays.
	Options []fake.Option `json:"-"`
	// Expect is the expected outcome.
	Expect Expect `json:"expect"`
}

// Cases derives the failure matrix from the error catalogue (spec.Errors: retryability,
// status, layer), the fault list (faults.All), the sites (spec.Sites) and the lifecycle: the clean
// case; every retryable code once; a burst and an outage of every throttling code; one
// non-retryable code of each (layer, status) class; a business error in the HTTP 200 channel
// (Success false); every transport fault; every fault and 5xx code after the order was committed;
// an account of the other site; a refunded duplicate ([faults.Outcome.Refund]); an instance that stays
// Creating; and a burst of every throttling code on the caller's QueryAvailableInstances polls.
// New codes, faults and sites join it by themselves.
//
// The lifecycle cases judge a caller that confirms its purchase as real callers do (reference,
// section 5: poll QueryAvailableInstances until Normal, GetOrderDetail until Paid). A refunded
// duplicate is the real service's answer to an order for a service the account already holds: the
// instance stays Creating, then disappears. Buying again cannot help (it is refunded too) and
// would, were the first order merely slow, buy twice; so the expected outcome is a failure and the
// one refunded order. An instance that stays Creating past the caller's wait is a failure too, with
// no second order.
func Cases() []Case {
	once := func(o faults.Outcome, times int) []faults.Rule {
		return []faults.Rule{{Match: faults.Match{Places: faults.Exact("purchase")}, Times: times, Outcome: &o}}
	}
	cases := []Case{{Name: "clean", Description: "no failure", Expect: Expect{ResultSuccess, 1}}}
	defs := spec.Errors()
	for _, d := range defs {
		if !d.Retryable {
			continue
		}
		cases = append(cases, Case{Name: "retryable/" + string(d.Code),
			Description: fmt.Sprintf("the first call answers %s (HTTP %d)", d.Code, d.HTTPStatus),
			Rules:       once(faults.Outcome{Error: d.Code}, 1), Expect: Expect{ResultSuccess, 1}})
	}
	for _, d := range defs {
		if !d.Retryable || !strings.Contains(string(d.Code), "Throttling") {
			continue
		}
		cases = append(cases,
			Case{Name: "burst/" + string(d.Code),
				Description: fmt.Sprintf("the first 3 calls answer %s", d.Code),
				Rules:       once(faults.Outcome{Error: d.Code}, 3), Expect: Expect{ResultSuccess, 1}},
			Case{Name: "outage/" + string(d.Code),
				Description: fmt.Sprintf("every call answers %s: the caller must give up in time", d.Code),
				Rules:       once(faults.Outcome{Error: d.Code}, 0), Expect: Expect{ResultFailure, 0}})
	}
	type class struct {
		layer  spec.Layer
		status int
	}
	seen := map[class]bool{}
	var body *spec.ErrorDef
	for i, d := range defs {
		if d.Retryable || seen[class{d.Layer, d.HTTPStatus}] {
			continue
		}
		seen[class{d.Layer, d.HTTPStatus}] = true
		if body == nil && d.Layer == spec.LayerBusiness {
			body = &defs[i]
		}
		cases = append(cases, Case{Name: "final/" + string(d.Code),
			Description: fmt.Sprintf("every call answers %s (HTTP %d), which no retry changes", d.Code, d.HTTPStatus),
			Rules:       once(faults.Outcome{Error: d.Code}, 0), Expect: Expect{ResultFailure, 0}})
	}
	if body != nil && !seen[class{spec.LayerBusiness, 200}] {
		cases = append(cases, Case{Name: "body-channel/" + string(body.Code),
			Description: fmt.Sprintf("every call answers HTTP 200 with Success false and Code %s", body.Code),
			Rules:       once(faults.Outcome{Error: body.Code, Status: 200}, 0), Expect: Expect{ResultFailure, 0}})
	}
	for _, f := range faults.All() {
		exp := Expect{ResultSuccess, 1}
		desc := fmt.Sprintf("the first call gets the transport fault %s", f)
		if f.Commits() {
			exp.Result = ResultEither
			desc += " after the order was committed"
		}
		cases = append(cases, Case{Name: "fault/" + string(f), Description: desc,
			Rules: once(faults.Outcome{Fault: f}, 1), Expect: exp})
	}
	for _, f := range faults.All() {
		if f.Commits() {
			continue // already after commit
		}
		cases = append(cases, Case{Name: "after-commit/" + string(f),
			Description: fmt.Sprintf("the first call places the order, then gets the transport fault %s", f),
			Rules:       once(faults.Outcome{Fault: f, AfterCommit: true}, 1), Expect: Expect{ResultEither, 1}})
	}
	for _, d := range defs {
		if d.Retryable && d.HTTPStatus >= 500 {
			cases = append(cases, Case{Name: "after-commit/" + string(d.Code),
				Description: fmt.Sprintf("the first call places the order, then answers %s (HTTP %d)", d.Code, d.HTTPStatus),
				Rules:       once(faults.Outcome{Error: d.Code, AfterCommit: true}, 1), Expect: Expect{ResultEither, 1}})
		}
	}
	cases = append(cases, siteCases()...)
	refund := faults.Outcome{Refund: true}
	cases = append(cases,
		Case{Name: "lifecycle/refunded-duplicate",
			Description: fmt.Sprintf("the order is accepted, then refunded as a duplicate: its instance stays %s for %s, then disappears", fake.StatusCreating, sweepRefundDelay),
			Rules:       once(refund, 1), Options: []fake.Option{fake.WithRefundDelay(sweepRefundDelay)}, Expect: Expect{ResultFailure, 1}},
		Case{Name: "lifecycle/slow-provisioning",
			Description: fmt.Sprintf("the instance stays %s for %s, past any caller's wait", fake.StatusCreating, sweepSlowProvisioning),
			Options:     []fake.Option{fake.WithProvisioningDelay(sweepSlowProvisioning)}, Expect: Expect{ResultFailure, 1}})
	for _, d := range defs {
		if !d.Retryable || !strings.Contains(string(d.Code), "Throttling") {
			continue
		}
		o := faults.Outcome{Error: d.Code}
		cases = append(cases, Case{Name: "read/" + string(d.Code),
			Description: fmt.Sprintf("the first 3 QueryAvailableInstances polls answer %s", d.Code),
			Rules:       []faults.Rule{{Match: faults.Match{Action: faults.Exact(spec.ActionQueryAvailableInstances)}, Times: 3, Outcome: &o}},
			Expect:      Expect{ResultSuccess, 1}})
	}
	return cases
}

// The lifecycle of a sweep case: instances are Normal after sweepProvisioning (unless
// Config.Options say otherwise), a refunded duplicate disappears after sweepRefundDelay, and a
// slow instance stays Creating for sweepSlowProvisioning.
const (
	sweepProvisioning     = 100 * time.Millisecond
	sweepRefundDelay      = 300 * time.Millisecond
	sweepSlowProvisioning = time.Hour
)

// siteCases returns a case per site other than the domestic one: the account belongs to that site,
// so the domestic endpoint answers NotApplicable; the caller switches endpoint and ProductType and
// buys once there.
func siteCases() []Case {
	var out []Case
	for _, site := range spec.Sites() {
		if site.Name == spec.SiteDomestic {
			continue
		}
		out = append(out, Case{Name: "site/" + site.Name + "-account",
			Description: fmt.Sprintf("the account belongs to the %s site (%s): the domestic endpoint answers NotApplicable", site.Name, site.Host),
			Options:     []fake.Option{fake.WithSite(site.Name)}, Expect: Expect{ResultSuccess, 1}})
	}
	return out
}

// Config configures [Sweep] and [RunSweep]. The zero value runs every case with the default
// thresholds.
type Config struct {
	// Cases, when set, is an RE2 expression: only cases whose name contains a match run.
	Cases string
	// Expect overrides the expected outcome of cases by name.
	Expect map[string]Expect
	// Thresholds are the verdicts' thresholds; the fake's hang limit is their HangBound.
	Thresholds verdict.Thresholds
	// Options are added to every case's server options (credentials, catalogue...). Instances
	// are Normal 100ms after their order unless an option here says otherwise.
	Options []fake.Option
}

// CaseResult is how a caller fared in one sweep case.
type CaseResult struct {
	// Name is the case's name.
	Name string `json:"name"`
	// Expect is the expected outcome (after overrides).
	Expect Expect `json:"expect"`
	// Result is what the caller reported; Error is its error text on failure.
	Result Result `json:"result"`
	Error  string `json:"error,omitempty"`
	// Orders is the number of orders on the case's fake afterwards.
	Orders int `json:"orders"`
	// Findings are the verdicts on the case's journal.
	Findings []verdict.Finding `json:"findings"`
	// Problems say why the case failed; empty when it passed.
	Problems []string `json:"problems,omitempty"`
	// Duration is how long the caller took.
	Duration time.Duration `json:"duration"`
}

// Passed reports whether the case met its expectation with no failing finding.
func (r CaseResult) Passed() bool { return len(r.Problems) == 0 }

// FindingNames returns the names of the failing findings, without repeats, in order.
func (r CaseResult) FindingNames() []string {
	var out []string
	for _, f := range r.Findings {
		if f.Failing() && !containsString(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// selectCases returns the cases cfg selects, with overrides applied.
func (cfg *Config) selectCases() ([]Case, error) {
	var re *regexp.Regexp
	if cfg.Cases != "" {
		var err error
		if re, err = regexp.Compile(cfg.Cases); err != nil {
			return nil, fmt.Errorf("sweep cases %q: %w", cfg.Cases, err)
		}
	}
	all := Cases()
	for name := range cfg.Expect {
		if !containsCase(all, name) {
			return nil, fmt.Errorf("sweep expect: no case %q", name)
		}
	}
	var out []Case
	for _, c := range all {
		if re != nil && !re.MatchString(c.Name) {
			continue
		}
		if e, ok := cfg.Expect[c.Name]; ok {
			c.Expect = e
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sweep cases %q select no case", cfg.Cases)
	}
	return out, nil
}

func containsCase(cs []Case, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

func (cfg *Config) options(c Case) []fake.Option {
	th := cfg.Thresholds.WithDefaults()
	opts := append([]fake.Option{fake.WithThresholds(th), fake.WithHangLimit(th.HangBound), fake.WithProvisioningDelay(sweepProvisioning)}, cfg.Options...)
	opts = append(opts, c.Options...)
	return append(opts, fake.WithRules(c.Rules...))
}

// judgeCase compares what happened on s with the case's expectation.
func judgeCase(c Case, s *fake.Server, th verdict.Thresholds, callerErr error, took time.Duration) CaseResult {
	r := CaseResult{Name: c.Name, Expect: c.Expect, Result: ResultSuccess, Orders: len(s.Orders()),
		Findings: verdict.Judge(s.Journal(), th), Duration: took}
	if r.Findings == nil {
		r.Findings = []verdict.Finding{}
	}
	if callerErr != nil {
		r.Result, r.Error = ResultFailure, callerErr.Error()
	}
	if c.Expect.Result != ResultEither && r.Result != c.Expect.Result {
		r.Problems = append(r.Problems, fmt.Sprintf("the caller reported %s, want %s", r.Result, c.Expect.Result))
	}
	if r.Orders != c.Expect.Orders {
		r.Problems = append(r.Problems, fmt.Sprintf("%d orders exist, want %d", r.Orders, c.Expect.Orders))
	}
	for _, f := range r.Findings {
		if f.Failing() {
			r.Problems = append(r.Problems, "verdict "+f.String())
		}
	}
	return r
}

// Sweep runs body once per sweep case as a subtest named after the case, each against a fresh
// fake with the case's rules, and fails the subtests where the caller's result, the number of
// orders or a verdict is wrong. body runs the code under test against s (s.Endpoint, s.URL) and
// returns the error the code reported, nil for a successful purchase; it must not call t.Parallel
// (the cases run one after the other, and Sweep returns their results). A bad cfg fails t.
func Sweep(t *testing.T, cfg Config, body func(t *testing.T, s *fake.Server) error) []CaseResult {
	t.Helper()
	cases, err := cfg.selectCases()
	if err != nil {
		t.Fatal(err)
	}
	results := make([]CaseResult, 0, len(cases))
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s := fake.NewServer(t, cfg.options(c)...)
			start := time.Now()
			callerErr := body(t, s)
			took := time.Since(start)
			s.Close() // every hung request ended and amended in the journal
			r := judgeCase(c, s, cfg.Thresholds.WithDefaults(), callerErr, took)
			for _, p := range r.Problems {
				t.Errorf("sweep %s (%s): %s", c.Name, c.Description, p)
			}
			results = append(results, r)
		})
	}
	return results
}

// RunSweep is [Sweep] outside a test: it runs run once per case against a fresh fake on a loopback
// port and returns each case's result. run returns the error the code under test reported. The
// error is for a bad cfg or a fake that did not start.
func RunSweep(ctx context.Context, cfg Config, run func(ctx context.Context, c Case, s *fake.Server) error) ([]CaseResult, error) {
	cases, err := cfg.selectCases()
	if err != nil {
		return nil, err
	}
	results := make([]CaseResult, 0, len(cases))
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		s, err := fake.New(cfg.options(c)...)
		if err != nil {
			return results, err
		}
		if err := s.Start(); err != nil {
			return results, err
		}
		start := time.Now()
		callerErr := run(ctx, c, s)
		took := time.Since(start)
		s.Close()
		results = append(results, judgeCase(c, s, cfg.Thresholds.WithDefaults(), callerErr, took))
	}
	return results, nil
}
