package contract

import (
	"strings"
	"testing"
)

// Run runs [Check] against target and reports one subtest per case: a failed case fails its
// subtest with its findings; a case that is not applicable, skipped (order budget) or not run is
// skipped with its reason.
// It fails the test if the run cannot start, and returns the report.
func Run(t *testing.T, target Target, opts ...Option) *Report {
	t.Helper()
	rep, err := Check(t.Context(), target, opts...)
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	for _, w := range rep.Warnings {
		t.Logf("contract: WARNING: %s", w)
	}
	for _, c := range rep.Cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			switch c.Status {
			case StatusNotApplicable, StatusNotRun, StatusSkipped:
				t.Skipf("%s: %s", c.Status, c.Reason)
			case StatusFail:
				var b strings.Builder
				for _, f := range c.Findings {
					b.WriteString("\n" + string(f.Check) + ": " + f.Message)
					if f.Exchange >= 0 && f.Exchange < len(c.Exchanges) {
						b.WriteString("\n    " + c.Exchanges[f.Exchange].Curl)
					}
				}
				if c.Repro != "" {
					b.WriteString("\nreproduce: " + c.Repro)
				}
				t.Errorf("%s%s", c.Doc, b.String())
			}
		})
	}
	if rep.Stopped != "" {
		t.Errorf("contract: run stopped: %s", rep.Stopped)
	}
	for _, l := range rep.Ledger {
		if l.Unexpected {
			t.Errorf("contract: unexpected order %s (%s) placed by case %s", l.OrderID, l.InstanceID, l.Case)
		}
		if l.Status == OrderOutcomeUnknown {
			t.Errorf("contract: outcome unknown: case %s, product %s, ClientToken %s: %s; %s", l.Case, l.ProductCode, orDash(l.ClientToken), l.Lost, l.Resolution)
		}
	}
	return rep
}
