package caller_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/examples/caller"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/sweep"
)

// calls returns the journal's calls of one action, oldest first.
func calls(s *fake.Server, action string) []journal.Entry {
	var out []journal.Entry
	for _, e := range s.Journal() {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// TestCarefulCallerConfirmsLikeRealCallers: the careful caller polls QueryAvailableInstances by
// its InstanceId until Normal and GetOrderDetail until Paid; moves to the international site with
// the same ClientToken on NotApplicable; backs off from throttled polls; and reports a refunded
// duplicate or an instance that stays Creating as a failure without buying again.
func TestCarefulCallerConfirmsLikeRealCallers(t *testing.T) {
	t.Parallel()
	cfg := sweepConfig()
	cfg.Cases = "^(clean|site/.*|lifecycle/.*|read/Throttling.User)$"
	// Creating for 500ms, so that the first poll sees Creating even on a loaded machine.
	cfg.Options = append(cfg.Options, fake.WithProvisioningDelay(500*time.Millisecond))
	p := caller.Careful()
	checks := map[string]func(t *testing.T, s *fake.Server, err error){
		"clean": func(t *testing.T, s *fake.Server, err error) {
			require.NoError(t, err)
			orders := s.Orders()
			require.Len(t, orders, 1)
			polls := calls(s, "QueryAvailableInstances")
			require.GreaterOrEqual(t, len(polls), 2, "the instance is Creating for 500ms: the caller polls until Normal")
			for _, e := range polls {
				assert.Contains(t, e.Query, "InstanceIDs="+orders[0].InstanceID)
			}
			assert.Contains(t, polls[0].ResponseBody, `"Creating"`)
			assert.Contains(t, polls[len(polls)-1].ResponseBody, `"Normal"`)
			details := calls(s, "GetOrderDetail")
			require.NotEmpty(t, details)
			assert.Contains(t, details[len(details)-1].ResponseBody, `"Paid"`)
			assert.Greater(t, details[0].Seq, polls[len(polls)-1].Seq, "the order is read once the instance is Normal")
		},
		"site/international-account": func(t *testing.T, s *fake.Server, err error) {
			require.NoError(t, err)
			buys := calls(s, "CreateInstance")
			require.Len(t, buys, 2)
			assert.Equal(t, "NotApplicable", buys[0].Code)
			assert.Equal(t, "Success", buys[1].Code)
			assert.Equal(t, buys[0].ClientToken, buys[1].ClientToken, "the same ClientToken on the other site")
			orders := s.Orders()
			require.Len(t, orders, 1)
			assert.Equal(t, "rtc_intl", orders[0].ProductType)
			assert.NotEmpty(t, calls(s, "GetOrderDetail"), "confirmed on the international site")
		},
		"lifecycle/refunded-duplicate": func(t *testing.T, s *fake.Server, err error) {
			require.Error(t, err)
			assert.Contains(t, err.Error(), "refunded")
			assert.Len(t, calls(s, "CreateInstance"), 1, "no second purchase")
		},
		"lifecycle/slow-provisioning": func(t *testing.T, s *fake.Server, err error) {
			require.Error(t, err)
			assert.Contains(t, err.Error(), "still Creating")
			assert.Len(t, calls(s, "CreateInstance"), 1, "no second purchase")
		},
		"read/Throttling.User": func(t *testing.T, s *fake.Server, err error) {
			require.NoError(t, err)
			polls := calls(s, "QueryAvailableInstances")
			require.Greater(t, len(polls), 3)
			for i := 1; i <= 3; i++ {
				assert.Equal(t, "Throttling.User", polls[i-1].Code)
				assert.GreaterOrEqual(t, polls[i].Time.Sub(polls[i-1].Time), p.Backoff, "poll %d backs off", i)
			}
		},
	}
	results := sweep.Sweep(t, cfg, func(t *testing.T, s *fake.Server) error {
		err := p.Buy(t.Context(), target(s))
		name := strings.TrimPrefix(t.Name(), "TestCarefulCallerConfirmsLikeRealCallers/")
		check, ok := checks[name]
		require.True(t, ok, "no check for case %s", name)
		check(t, s, err)
		return err
	})
	assert.Len(t, results, len(checks))
}
