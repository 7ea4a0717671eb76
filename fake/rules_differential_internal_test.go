package fake

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/bsskit/bsskit/fake/faults"
	redisstore "github.com/bsskit/bsskit/fake/internal/store/redis"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/spec"
)

// countingRand counts the draws of the engine's random source and keeps the last probability draw,
// so the test knows whether the Go engine drew the rule's probability for a call, and what it drew.
type countingRand struct {
	r    *rand.Rand
	n    int
	last float64
}

func (c *countingRand) Float64() float64     { c.n++; c.last = c.r.Float64(); return c.last }
func (c *countingRand) Int64N(n int64) int64 { c.n++; return c.r.Int64N(n) }

// TestRuleEnginesAgree: the Lua rule engine of the shared store (decideScript) and the Go engine
// (faults.Engine over its Counters) decide every call of random rules and call sequences alike: whether the rule
// fires, its Sequence step, over Calls, Times, Sequence, RateLimit, Window and Probability. The
// probability is drawn by the Go engine only when a call gets that far; the Lua engine is given
// that draw's outcome (and a random one when the Go engine did not draw), never the Go engine's
// verdict, so the two must agree on every other condition and on when the draw matters.
func TestRuleEnginesAgree(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	rs, err := redisstore.Open(r.URL(0), "differential", 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rs.Close() })
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	env := 0
	rapid.Check(t, func(t *rapid.T) {
		env++
		rule := faults.Rule{ID: "r" + strconv.Itoa(env), Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}}
		rule.Calls = faults.Calls{
			First: rapid.IntRange(0, 4).Draw(t, "first"),
			Nth:   rapid.IntRange(0, 4).Draw(t, "nth"),
			After: rapid.IntRange(0, 4).Draw(t, "after"),
			Every: rapid.IntRange(0, 3).Draw(t, "every"),
		}
		rule.Times = rapid.IntRange(0, 3).Draw(t, "times")
		if rapid.Bool().Draw(t, "sequence") {
			rule.Outcome = nil
			for range rapid.IntRange(1, 3).Draw(t, "steps") {
				rule.Sequence = append(rule.Sequence, faults.Outcome{Error: spec.CodeServiceUnavailable})
			}
		}
		if rapid.Bool().Draw(t, "rate") {
			rule.RateLimit = &faults.RateLimit{PerSecond: rapid.IntRange(1, 3).Draw(t, "perSecond")}
		}
		if rapid.Bool().Draw(t, "window") {
			w := &faults.Window{
				After: time.Duration(rapid.IntRange(0, 3000).Draw(t, "windowAfterMs")) * time.Millisecond,
				For:   time.Duration(rapid.IntRange(0, 5000).Draw(t, "windowForMs")) * time.Millisecond,
			}
			if rapid.Bool().Draw(t, "from") {
				w.From = t0.Add(time.Duration(rapid.IntRange(0, 4000).Draw(t, "fromMs")) * time.Millisecond)
			}
			if rapid.Bool().Draw(t, "until") {
				w.Until = t0.Add(time.Duration(rapid.IntRange(1000, 8000).Draw(t, "untilMs")) * time.Millisecond)
			}
			rule.Window = w
		}
		if rapid.Bool().Draw(t, "probability") {
			p := rapid.SampledFrom([]float64{0, 0.3, 0.5, 0.9, 1}).Draw(t, "p")
			rule.Probability = &p
		}
		if _, err := faults.Compile(rule); err != nil {
			t.Skip("invalid combination:", err)
		}

		counters := faults.NewMemoryCounters()
		rnd := &countingRand{r: rand.New(rand.NewPCG(uint64(env), 7))}
		engine := faults.NewEngine(counters, rnd)
		_, err := engine.Add(t0, "", rule)
		require.NoError(t, err)
		req := &faults.Request{Action: spec.ActionCreateInstance}
		require.NoError(t, rs.SaveRules(currentVer(t, rs), []byte("rules"), 0, []string{rule.ID}, nil, t0))
		ver := currentVer(t, rs)

		now := t0
		for call := range rapid.IntRange(1, 25).Draw(t, "calls") {
			now = now.Add(time.Duration(rapid.IntRange(0, 12).Draw(t, "step100ms")) * 100 * time.Millisecond) // coarse: calls land on the bounds
			before := rnd.n
			d, err := engine.Decide(req, now)
			require.NoError(t, err)
			drew := rnd.n > before
			// The script is given the probability's draw, not the Go engine's verdict: every other
			// condition it decides itself.
			pass := true
			if p := rule.Probability; p != nil {
				if drew {
					pass = rnd.last < *p
				} else {
					pass = rapid.Bool().Draw(t, "passUndrawn")
				}
			}
			args := appendRuleArgs([]any{ver, now.UnixMicro(), rs.Key(""), "", int64(1000)}, &rule, pass)
			verdict, id, step, err := rs.Decide(args)
			require.NoError(t, err)
			require.NotEqual(t, int64(-1), verdict, "rules version")
			if (verdict == 1) != (d != nil) {
				t.Fatalf("call %d at +%v: Lua fired %v, Go fired %v (Go drew the probability: %v)", call+1,
					now.Sub(t0), verdict == 1, d != nil, drew)
			}
			if d != nil {
				require.Equal(t, rule.ID, id)
				if len(rule.Sequence) > 0 {
					require.Equal(t, rule.Sequence[step], d.Outcome, "call %d: Sequence step", call+1)
				}
			}
		}
		cs, err := rs.RuleCounters([]string{rule.ID})
		require.NoError(t, err)
		states, err := counters.States([]string{rule.ID})
		require.NoError(t, err)
		goCounts := [3]uint64{states[0].Matched, states[0].Fired, uint64(states[0].Step)}
		require.Equal(t, goCounts, cs[0], "matched, fired, step")
	})
}

// currentVer returns the environment's rules version.
func currentVer(t *rapid.T, rs *redisstore.Store) int64 {
	ver, _, _, err := rs.LoadRules()
	require.NoError(t, err)
	return ver
}
