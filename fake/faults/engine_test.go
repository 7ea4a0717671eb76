package faults_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

var t0 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func request(action, places string) *faults.Request {
	return &faults.Request{Action: action, Places: places, Param: func(string) string { return "" },
		Header: func(string) string { return "" }, ParamKeys: func() []string { return nil }}
}

// fired returns the ID of the rule that fired for each of n calls ("" for none).
func fired(t *testing.T, e *faults.Engine, req *faults.Request, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		d, err := e.Decide(req, t0)
		require.NoError(t, err)
		if d != nil {
			out[i] = d.RuleID
		}
	}
	return out
}

// TestEngine: rules are checked in order and the first that fires shapes the call; each counts the
// calls that reach it; Remove, Clear and Reset change what fires next; Stats is the usage.
func TestEngine(t *testing.T) {
	t.Parallel()
	e := faults.NewEngine(faults.NewMemoryCounters(), rand.New(rand.NewPCG(1, 2)))
	ids, err := e.Add(t0, "", faults.FailNext(spec.CodeInternalError),
		faults.Rule{ID: "buys", Match: faults.Match{Places: faults.Exact("purchase")}, Sequence: []faults.Outcome{{Pass: true}, {Fault: faults.FaultReset}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"rule-1", "buys"}, ids)

	buy, read := request("CreateInstance", "purchase"), request("QueryAvailableInstances", "")
	assert.Equal(t, []string{"rule-1", "buys", "buys", ""}, fired(t, e, buy, 4))
	assert.Equal(t, []string{""}, fired(t, e, read, 1), "the buying rule does not match a read")
	stats, err := e.Stats()
	require.NoError(t, err)
	assert.Equal(t, []faults.RuleStat{{ID: "rule-1", Matched: 5, Fired: 1, Used: true}, {ID: "buys", Matched: 3, Fired: 2, Used: true}}, stats)

	require.NoError(t, e.Reset(t0))
	assert.Equal(t, []string{"rule-1", "buys"}, fired(t, e, buy, 2), "Reset restarts the counters")
	require.NoError(t, e.Remove("rule-1"))
	assert.ErrorIs(t, e.Remove("rule-1"), faults.ErrNoRule)
	assert.Equal(t, []string{"buys", ""}, fired(t, e, buy, 2))
	require.NoError(t, e.Clear())
	assert.Zero(t, e.Len())

	_, err = e.Add(t0, "rules", faults.FailNext(spec.CodeInternalError), faults.FailAlways("Nope"))
	var re *faults.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "rules[1].outcome.error", re.Path)
	assert.Zero(t, e.Len(), "all or none")
}

// failingCounters is a store that cannot be reached.
type failingCounters struct{ faults.Counters }

func (failingCounters) Update([]string, func([]*faults.State)) error { return errors.New("down") }

// TestEngineReportsCounterErrors: a store that cannot count makes Decide fail, not fire or pass.
func TestEngineReportsCounterErrors(t *testing.T) {
	t.Parallel()
	e := faults.NewEngine(failingCounters{faults.NewMemoryCounters()}, rand.New(rand.NewPCG(1, 2)))
	_, err := e.Add(t0, "", faults.FailAlways(spec.CodeInternalError))
	require.NoError(t, err)
	d, err := e.Decide(request("CreateInstance", "purchase"), t0)
	assert.Nil(t, d)
	assert.EqualError(t, err, "down")
}

// The engine over counters kept in memory: the first call of every Action fails, then every call
// that buys is throttled past 2 a second.
func ExampleEngine() {
	e := faults.NewEngine(faults.NewMemoryCounters(), rand.New(rand.NewPCG(1, 2)))
	if _, err := e.Add(t0, "", faults.FailNext(spec.CodeServiceUnavailable),
		faults.Rule{ID: "flow", Match: faults.Match{Places: faults.Exact("purchase")}, RateLimit: &faults.RateLimit{PerSecond: 2}}); err != nil {
		panic(err)
	}
	buy := request("CreateInstance", "purchase")
	for i := range 4 {
		d, err := e.Decide(buy, t0.Add(time.Duration(i)*time.Millisecond))
		if err != nil {
			panic(err)
		}
		if d == nil {
			fmt.Println(i, "answered normally")
			continue
		}
		fmt.Println(i, d.RuleID, d.Outcome.Error)
	}
	// Output:
	// 0 rule-1 ServiceUnavailable
	// 1 answered normally
	// 2 answered normally
	// 3 flow Throttling.User
}
