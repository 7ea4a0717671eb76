package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// TestOrderBudgetSkipsCases: with an order budget, the cases that would place orders beyond it are
// skipped (not failed) and reported as skipped in text, JSON and JUnit; the cases that cannot buy
// still run. The README's example (--max-orders 12 --product rtc?... against a non-loopback
// endpoint) passes.
func TestOrderBudgetSkipsCases(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(12), fake.WithCredentials(testKeyID, testSecret))
	target, resolve := remoteTarget(srv.Endpoint())
	rtc, err := contract.ParseProduct("rtc?SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal")
	require.NoError(t, err)
	rep, err := contract.Check(context.Background(), target, contract.WithSeed(12), contract.WithMaxOrders(12),
		contract.WithProducts(rtc), contract.WithResolver(resolve))
	require.NoError(t, err)
	require.False(t, rep.Loopback, rep.LoopbackReason)
	assert.True(t, rep.OK(), "findings %v, stopped %q", rep.Findings(), rep.Stopped)
	assert.Empty(t, rep.Stopped, "the budget skips cases, it does not stop the run")
	assert.LessOrEqual(t, rep.OrderRequests, 12)
	assert.LessOrEqual(t, len(srv.Orders()), 12)
	assert.Equal(t, orderIDs(srv), ledgerIDs(rep))

	counts := rep.Counts()
	assert.Positive(t, counts[contract.StatusSkipped], "the generated valid orders exceed 12")
	assert.Zero(t, counts[contract.StatusNotRun])
	assert.Zero(t, counts[contract.StatusFail])
	ranAfterSkip := false
	skipped := 0
	for _, c := range rep.Cases {
		switch {
		case c.Status == contract.StatusSkipped:
			skipped++
			assert.Contains(t, c.Reason, "order budget", c.Name)
		case skipped > 0 && c.Status == contract.StatusPass:
			ranAfterSkip = true // a case that cannot buy, after the budget was spent
		}
	}
	assert.True(t, ranAfterSkip, "cases that cannot buy still run once the budget is spent")

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "RESULT: conformant")
	assert.Regexp(t, `cases: \d+ passed, 0 failed, \d+ not applicable, \d+ skipped`, text.String())
	assert.Contains(t, text.String(), "== skipped (order budget): ")
	assert.NotContains(t, text.String(), "STOPPED")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	assert.Contains(t, js.String(), `"status": "skipped"`)
	var back contract.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, counts, back.Counts())

	var junit bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&junit))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &doc))
	assert.Zero(t, doc.Failures)
	assert.Equal(t, counts[contract.StatusSkipped]+counts[contract.StatusNotApplicable], doc.Skipped)
	assert.Equal(t, len(rep.Cases), doc.Tests)
	assert.True(t, strings.Contains(junit.String(), `message="skipped: `), "a skipped testcase says why")
}
