package mutants

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// Result is the contract suite's verdict on one mutant (or on a baseline, the unmodified fake).
type Result struct {
	// Mutant is the mutant; a baseline has Wrap nil and a Name that starts with "baseline".
	Mutant Mutant
	// Killed: the suite failed the mutant and named the expected check. For a baseline: the
	// suite passed it with zero findings.
	Killed bool
	// FailedChecks are the checks with findings.
	FailedChecks []contract.CheckName
	// Findings counts the findings.
	Findings int
	// Err is set when the run could not start.
	Err error
	// Report is the run's report.
	Report *contract.Report
}

// Baselines returns the unmodified fake, without and with signature verification, and with the
// catalogue of state-produced errors ([StateCatalog]).
func Baselines() []Mutant {
	return []Mutant{
		{Name: "baseline", Deviation: "none: the unmodified fake"},
		{Name: "baseline-credentials", Deviation: "none: the unmodified fake verifying signatures", Credentials: true},
		{Name: "baseline-state-catalog", Deviation: "none: the unmodified fake with a product that opens once and validates on the commodity channel", Fake: []fake.Option{fake.WithCatalog(StateCatalog())}},
	}
}

// Evaluate runs the contract suite against m, a fake seeded with seed, with contract.WithSeed(seed)
// and opts, and judges it.
func Evaluate(ctx context.Context, m Mutant, seed uint64, sig contract.SignatureVersion, opts ...contract.Option) Result {
	ts, _, err := Start(m, fake.WithSeed(seed))
	if err != nil {
		return Result{Mutant: m, Err: err}
	}
	defer ts.Close()
	target := m.Target(ts.URL)
	target.Signature = sig
	target.Client = ts.Client()
	rep, err := contract.Check(ctx, target, append([]contract.Option{contract.WithSeed(seed)}, opts...)...)
	res := Result{Mutant: m, Err: err, Report: rep}
	if rep == nil {
		return res
	}
	res.FailedChecks = rep.FailedChecks()
	res.Findings = len(rep.Findings())
	if m.Wrap == nil {
		res.Killed = rep.OK() && res.Findings == 0 && err == nil
	} else {
		res.Killed = !rep.OK() && slices.Contains(res.FailedChecks, m.Expect)
	}
	return res
}

// KillRate evaluates the baselines and every mutant and writes a table to w. ok is true when both
// baselines pass and every mutant is killed; rate is killed mutants over mutants.
func KillRate(ctx context.Context, w io.Writer, seed uint64, sig contract.SignatureVersion, opts ...contract.Option) (rate float64, ok bool) {
	ok = true
	for _, b := range Baselines() {
		r := Evaluate(ctx, b, seed, sig, opts...)
		status := "PASS"
		if !r.Killed {
			status = "FAIL"
			ok = false
		}
		fmt.Fprintf(w, "%-28s %s  %d findings %s%s\n", b.Name, status, r.Findings, checks(r.FailedChecks), errText(r.Err))
	}
	all := All()
	killed := 0
	for _, m := range all {
		r := Evaluate(ctx, m, seed, sig, opts...)
		status := "survived"
		if r.Killed {
			status = "killed"
			killed++
		} else {
			ok = false
		}
		fmt.Fprintf(w, "%-28s %-8s want %-18s got %s  (%s)%s\n", m.Name, status, m.Expect, checks(r.FailedChecks), m.Deviation, errText(r.Err))
	}
	rate = float64(killed) / float64(len(all))
	fmt.Fprintf(w, "kill rate: %d/%d = %.0f%%\n", killed, len(all), 100*rate)
	return rate, ok
}

func checks(cs []contract.CheckName) string {
	if len(cs) == 0 {
		return "[]"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "  error: " + err.Error()
}
