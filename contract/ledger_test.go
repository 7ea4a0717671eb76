package contract_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// placedIDs returns the OrderIds of the ledger's orders that exist, sorted.
func placedIDs(r *contract.Report) []string {
	var ids []string
	for _, l := range r.Ledger {
		if l.Status == contract.OrderPlaced {
			ids = append(ids, l.OrderID)
		}
	}
	slices.Sort(ids)
	return ids
}

// realProducts matches the order-capable requests of a run against the fake's default catalogue.
var realProducts = faults.Regexp(`^(rtc|sas|ddos)$`)

// TestLedgerListsOrdersWhoseAnswerWasLost: with each fault that loses the answer of an order (a
// body cut short or undecodable, a connection reset or closed, a hang broken off, a server error
// after the order was stored) on every third order-capable call, the ledger lists every order the
// fake holds, by OrderId, after resolving the lost answers by repeating their requests with the
// same ClientToken; nothing stays unknown, and the text report says so at the top.
func TestLedgerListsOrdersWhoseAnswerWasLost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		outcome faults.Outcome
	}{
		{"truncate", faults.Outcome{Fault: faults.FaultTruncate}},
		{"malformed", faults.Outcome{Fault: faults.FaultMalformed}},
		{"reset", faults.Outcome{Fault: faults.FaultReset, AfterCommit: true}},
		{"reset-before-commit", faults.Outcome{Fault: faults.FaultReset}},
		{"empty", faults.Outcome{Fault: faults.FaultEmpty, AfterCommit: true}},
		{"emptyBody", faults.Outcome{Fault: faults.FaultEmptyBody, AfterCommit: true}},
		{"proxy502", faults.Outcome{Fault: faults.FaultProxy502, AfterCommit: true}},
		{"hang", faults.Outcome{Fault: faults.FaultHang, AfterCommit: true}},
		{"503-after-commit", faults.Outcome{Error: spec.CodeServiceUnavailable, AfterCommit: true}},
		{"500-after-commit", faults.Outcome{Error: spec.CodeInternalError, Status: 500, AfterCommit: true}},
		{"InternalError-400-after-commit", faults.Outcome{Error: spec.CodeInternalError, AfterCommit: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			outcome := tc.outcome
			srv := fake.NewServer(t, fake.WithSeed(31), fake.WithHangLimit(20*time.Millisecond),
				fake.WithRules(faults.Rule{ID: "lose", Match: faults.Match{ProductCode: realProducts}, Calls: faults.Calls{Every: 3}, Outcome: &outcome}))
			rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(31), contract.WithGenerated(6))
			require.NoError(t, err)

			var want []string
			for _, o := range srv.Orders() {
				want = append(want, o.OrderID)
			}
			slices.Sort(want)
			require.NotEmpty(t, want)
			if diff := cmp.Diff(want, placedIDs(rep)); diff != "" {
				t.Errorf("ledger against the fake's orders (-fake +ledger):\n%s", diff)
			}
			placed, unknown := rep.LedgerCounts()
			assert.Equal(t, len(want), placed)
			assert.Zero(t, unknown, "every lost answer is resolved")
			resolved := 0
			for _, l := range rep.Ledger {
				assert.NotEqual(t, contract.OrderOutcomeUnknown, l.Status, "%+v", l)
				if l.Resolution != "" {
					resolved++
					assert.Contains(t, l.Resolution, "repeated with ClientToken "+l.ClientToken)
					assert.NotEmpty(t, l.ClientToken)
					assert.NotEmpty(t, l.ProductCode)
					assert.NotEmpty(t, l.Case)
				}
			}
			assert.Positive(t, resolved, "the fault lost some answers")
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text))
			lines := strings.SplitN(text.String(), "\n", 3)
			assert.Equal(t, strings.Join([]string{strconv.Itoa(len(want)), "orders placed, 0 outcomes unknown"}, " "), lines[1])
		})
	}
}

// TestLedgerUnresolvedOutcome: when every order-capable answer is lost, repeating does not help:
// each request stays "outcome unknown" with its ClientToken, product and case, the fake's every
// order is among them by ClientToken, and the text report's first lines say how many.
func TestLedgerUnresolvedOutcome(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(32),
		fake.WithRules(faults.Rule{ID: "lose-all", Match: faults.Match{ProductCode: realProducts}, Outcome: &faults.Outcome{Fault: faults.FaultTruncate}}))
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(32), contract.WithGenerated(2))
	require.NoError(t, err)
	tokens := map[string]contract.LedgerEntry{}
	for _, l := range rep.Ledger {
		require.Equal(t, contract.OrderOutcomeUnknown, l.Status, "%+v", l)
		assert.NotEmpty(t, l.ProductCode)
		assert.NotEmpty(t, l.Case)
		assert.Contains(t, l.Lost, "body cut short")
		assert.Contains(t, l.Resolution, "(attempt 3): answer lost again")
		tokens[l.ClientToken] = l
	}
	require.NotEmpty(t, srv.Orders())
	for _, o := range srv.Orders() {
		require.NotEmpty(t, o.ClientToken)
		assert.Contains(t, tokens, o.ClientToken, "order %s is in the ledger by its ClientToken", o.OrderID)
	}
	placed, unknown := rep.LedgerCounts()
	assert.Zero(t, placed)
	assert.Equal(t, len(rep.Ledger), unknown)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "\n0 orders placed, "+strconv.Itoa(unknown)+" outcomes unknown\n")
}
