package synth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// Every operation's minimal request passes the operation's compiled request rules, is the same
// for the same seed, and holds each required parameter: without any one of them the rules refuse
// it.
func TestEveryRequestIsValid(t *testing.T) {
	t.Parallel()
	for _, op := range spec.Operations() {
		t.Run(op.Action, func(t *testing.T) {
			t.Parallel()
			c, err := check.SharedFor(op.Action)
			require.NoError(t, err)
			params, err := synth.Request(op.Action, 5)
			require.NoError(t, err)
			_, viol := c.Request(params)
			require.Nil(t, viol, "%v", params)
			again, err := synth.Request(op.Action, 5)
			require.NoError(t, err)
			assert.Equal(t, params, again)
			for name := range params {
				without := cloneWithout(params, name)
				_, viol := c.Request(without)
				require.NotNil(t, viol, "without %s", name)
				assert.Equal(t, spec.CodeMissingParameter, viol.Code, "without %s", name)
			}
		})
	}
	_, err := synth.Request("NoSuchAction", 1)
	assert.Error(t, err)
}

func cloneWithout(v map[string][]string, name string) map[string][]string {
	out := map[string][]string{}
	for k, vs := range v {
		if k != name {
			out[k] = vs
		}
	}
	return out
}
