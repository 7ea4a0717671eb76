package contract

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// TestEveryOperationHasItsType: every operation of the spec has the generated type its success
// answer decodes into (success_types.go), so an operation added to the spec fails here until it has.
func TestEveryOperationHasItsType(t *testing.T) {
	t.Parallel()
	ops := spec.Operations()
	require.Len(t, successTypes, len(ops))
	for _, op := range ops {
		mk, ok := successTypes[op.Action]
		require.True(t, ok, op.Action)
		assert.Equal(t, "*generated."+op.Action+"Response", fmt.Sprintf("%T", mk()))
	}
}

// TestValidParamsOfEveryOperation: a valid request of every operation is built from its required
// parameters, and each value satisfies its parameter's schema.
func TestValidParamsOfEveryOperation(t *testing.T) {
	t.Parallel()
	for _, op := range spec.Operations() {
		v, why := validParams(op)
		require.Empty(t, why, op.Action)
		for _, p := range op.Params {
			if p.In != "query" || !p.Required || p.Error == "" || p.Name == "Action" || p.Name == "Version" || p.Name == "Format" {
				continue
			}
			require.True(t, v.Has(p.Name), "%s.%s", op.Action, p.Name)
			if len(p.Schema.Enum) == 0 && p.Schema.Type.Is("string") {
				assert.True(t, satisfies(v.Get(p.Name), p.Schema, p.Pattern), "%s.%s=%q", op.Action, p.Name, v.Get(p.Name))
			}
		}
		for _, rp := range op.Repeated {
			if !rp.Required {
				continue
			}
			n := 0
			for k := range v {
				if len(k) > len(rp.Prefix) && k[:len(rp.Prefix)+1] == rp.Prefix+"." {
					n++
				}
			}
			assert.Positive(t, n, "%s: the required list %s has an element", op.Action, rp.Prefix)
		}
	}
}

// TestValidValue: the values the suite makes for a parameter by its schema and name.
func TestValidValue(t *testing.T) {
	t.Parallel()
	op, ok := spec.OperationFor("DescribeInstanceBill")
	require.True(t, ok)
	for _, tc := range []struct{ param, want string }{
		{"BillingCycle", "2026-11"},
		{"IsBillingItem", "false"},
		{"MaxResults", "1"},
		{"BillOwnerId", "-1"},
		{"ProductCode", NoSuchProduct},
		{"InstanceID", noSuchInstance},
		{"OwnerId", "1000000000000000"}, // its minimum
	} {
		p, ok := op.Param(tc.param)
		require.True(t, ok, tc.param)
		got, ok := validValue(p.Name, p.Schema, p.Pattern, p.Style)
		require.True(t, ok, tc.param)
		assert.Equal(t, tc.want, got, tc.param)
	}
}
