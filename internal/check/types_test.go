package check_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// Every operation's parameters are checked by type: booleans are true or false, integers are
// integers, and a JSON-encoded parameter (x-bss-style json) is JSON of its x-bss-json-schema.
func TestParameterTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action, param, value string
		ok                   bool
	}{
		{"QueryBill", "IsHideZeroCharge", "true", true},
		{"QueryBill", "IsHideZeroCharge", "false", true},
		{"QueryBill", "IsHideZeroCharge", "yes", false},
		{"QueryBill", "IsHideZeroCharge", "1", false},
		{"QueryBill", "PageNum", "2", true},
		{"QueryBill", "PageNum", "two", false},
		{"QueryBill", "PageNum", "2.5", false},
		{"CreateSavingsPlansInstance", "ExtendMap", `{"a":"b"}`, true},
		{"CreateSavingsPlansInstance", "ExtendMap", `{}`, true},
		{"CreateSavingsPlansInstance", "ExtendMap", `{"a":1}`, false},
		{"CreateSavingsPlansInstance", "ExtendMap", `["a"]`, false},
		{"CreateSavingsPlansInstance", "ExtendMap", `{"a":`, false},
		{"CreateSavingsPlansInstance", "ExtendMap", `a=b`, false},
		{"QuerySkuPriceList", "PriceFactorConditionMap", `{"f":["x","y"]}`, true},
		{"QuerySkuPriceList", "PriceFactorConditionMap", `{"f":"x"}`, false},
		{"QuerySkuPriceList", "PriceFactorConditionMap", `{"f":[1]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.param+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			c, err := check.SharedFor(tt.action)
			require.NoError(t, err)
			params, err := synth.Request(tt.action, 1) // the operation's required parameters
			require.NoError(t, err)
			_, viol := c.Request(params)
			require.Nil(t, viol, "the minimal request is valid")
			params.Set(tt.param, tt.value)
			_, viol = c.Request(params)
			if tt.ok {
				assert.Nil(t, viol)
				return
			}
			require.NotNil(t, viol)
			assert.Equal(t, spec.CodeInvalidParameter, viol.Code)
			assert.Equal(t, tt.param, viol.Param)
		})
	}
}
