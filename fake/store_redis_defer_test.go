package fake_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// TestSharedStoreDeferredRuleStage checks the CreateInstance calls that no rule matches, whose rule
// stage (rules version and nonce) the order's script settles in the same round trip as the order:
// a rule installed through another replica meanwhile still answers, and a used nonce is refused,
// whichever way the call leaves CreateInstance (the order, a replay, an invalid parameter, a
// business error), and a refused call places nothing.
func TestSharedStoreDeferredRuleStage(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	creds := signing.Credentials{AccessKeyID: "deferAK", AccessKeySecret: "deferSecret"}
	signed := func(p url.Values, nonce string) url.Values {
		signing.SignV1(http.MethodPost, p, creds, time.Now(), nonce)
		return p
	}
	ways := []struct {
		name   string
		params func() url.Values
		code   string // answered without rules or nonce replays
	}{
		{"a new order", func() url.Values { return with(valid(), "ClientToken", "") }, "Success"},
		{"a replayed ClientToken", func() url.Values { return with(valid(), "ClientToken", "kept") }, "Success"},
		{"an invalid parameter", func() url.Values { return with(valid(), "SubscriptionType", "Forever") }, "InvalidParameter"},
		{"a business error", func() url.Values { return with(valid(), "ProductCode", "ecs") }, "NotApplicable"},
	}
	for i, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			reps := replicas(t, 2, r.URL(0), "defer-"+string(rune('a'+i)), fake.WithCredentials(creds.AccessKeyID, creds.AccessKeySecret))
			// The ClientToken "kept" has its order before the calls under test.
			first := storeCall(reps[1], signed(with(valid(), "ClientToken", "kept"), "setup"))
			require.NoError(t, first.err)
			require.Equal(t, "Success", first.code(), "%v", first.body)

			// Without rules: the way's own answer, which records the nonce for every replica.
			rp := storeCall(reps[0], signed(w.params(), "n1"))
			require.NoError(t, rp.err)
			assert.Equal(t, w.code, rp.code(), "%v", rp.body)
			orders := len(reps[0].Orders())
			for _, s := range reps {
				again := storeCall(s, signed(w.params(), "n1"))
				require.NoError(t, again.err)
				assert.Equal(t, string(spec.CodeSignatureNonceUsed), again.code(), "%v", again.body)
			}
			assert.Len(t, reps[1].Orders(), orders, "a refused call places nothing")

			// reps[0] matched its last call against no rules; a rule installed through reps[1]
			// answers its next call all the same, and counts it.
			ids, err := reps[1].Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}})
			require.NoError(t, err)
			rp = storeCall(reps[0], signed(w.params(), "n2"))
			require.NoError(t, rp.err)
			assert.Equal(t, string(spec.CodeThrottlingUser), rp.code(), "%v", rp.body)
			assert.Equal(t, []faults.RuleStat{{ID: ids[0], Matched: 1, Fired: 1, Used: true}}, statsOf(t, reps[1]))
			assert.Len(t, reps[1].Orders(), orders, "a call a rule answered places nothing")
		})
	}
}
