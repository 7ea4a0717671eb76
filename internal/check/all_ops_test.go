package check_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// Every operation of the spec compiles, each on its own first use, and a request without its
// required parameters is refused with MissingParameter naming one of them.
func TestEveryOperationCompiles(t *testing.T) {
	t.Parallel()
	ops := spec.Operations()
	require.GreaterOrEqual(t, len(ops), 100)
	for _, op := range ops {
		t.Run(op.Action, func(t *testing.T) {
			t.Parallel()
			c, err := check.SharedFor(op.Action)
			require.NoError(t, err)
			again, err := check.SharedFor(op.Action)
			require.NoError(t, err)
			assert.Same(t, c, again, "compiled once")
			var required []string
			for _, p := range op.Params {
				if p.Required && p.In == "query" && p.Error != "" {
					required = append(required, p.Name)
				}
			}
			_, viol := c.Request(url.Values{})
			if len(required) == 0 {
				hasRequiredList := false
				for _, r := range op.Repeated {
					hasRequiredList = hasRequiredList || r.Required
				}
				if !hasRequiredList && len(op.Rules) == 0 {
					assert.Nil(t, viol, "no parameter is required")
				}
				return
			}
			require.NotNil(t, viol)
			assert.Equal(t, spec.CodeMissingParameter, viol.Code)
			assert.Contains(t, required, viol.Param)
		})
	}
	_, err := check.SharedFor("NoSuchAction")
	assert.Error(t, err)
}

// Lists of values travel as Prefix.n (TagResources' ResourceId.n), lists of objects as
// Prefix.n.Field (its Tag.n.Key).
func TestRepeatedStyles(t *testing.T) {
	t.Parallel()
	c, err := check.SharedFor("TagResources")
	require.NoError(t, err)
	base := func() url.Values {
		return url.Values{"ResourceType": {"instance"}, "ResourceId.1": {"i-1"}, "ResourceId.3": {"i-3"}, "Tag.1.Key": {"k"}, "Tag.1.Value": {"v"}}
	}
	tests := []struct {
		name  string
		edit  func(url.Values)
		code  spec.Code
		param string
	}{
		{"valid", func(url.Values) {}, "", ""},
		{"a field on a list of values", func(v url.Values) { v.Set("ResourceId.2.Key", "x") }, spec.CodeInvalidParameter, "ResourceId.2.Key"},
		{"index beyond the list's maximum", func(v url.Values) { v.Set("ResourceId.51", "x") }, spec.CodeInvalidParameter, "ResourceId.51"},
		{"index zero", func(v url.Values) { v.Set("ResourceId.0", "x") }, spec.CodeInvalidParameter, "ResourceId.0"},
		{"the required list absent", func(v url.Values) { v.Del("ResourceId.1"); v.Del("ResourceId.3") }, spec.CodeMissingParameter, "ResourceId.1"},
		{"a required field absent", func(v url.Values) { v.Del("Tag.1.Key") }, spec.CodeMissingParameter, "Tag.1.Key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := base()
			tt.edit(v)
			_, viol := c.Request(v)
			if tt.code == "" {
				assert.Nil(t, viol)
				return
			}
			require.NotNil(t, viol)
			assert.Equal(t, tt.code, viol.Code)
			assert.Equal(t, tt.param, viol.Param)
		})
	}
}

// A boolean is "true" or "false", and a JSON-encoded parameter (x-bss-style json) must parse.
func TestBooleanAndJSONParameters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		base   url.Values
		param  string
		value  string
		bad    bool
	}{
		{"DescribeInstanceBill", url.Values{"BillingCycle": {"2026-11"}}, "IsBillingItem", "true", false},
		{"DescribeInstanceBill", url.Values{"BillingCycle": {"2026-11"}}, "IsBillingItem", "maybe", true},
		{"QuerySkuPriceList", url.Values{"CommodityCode": {"c"}, "PriceEntityCode": {"p"}, "PageSize": {"10"}}, "PriceFactorConditionMap", `{"a":["b"]}`, false},
		{"QuerySkuPriceList", url.Values{"CommodityCode": {"c"}, "PriceEntityCode": {"p"}, "PageSize": {"10"}}, "PriceFactorConditionMap", "{bsskit", true},
	}
	for _, tt := range tests {
		t.Run(tt.action+"/"+tt.value, func(t *testing.T) {
			t.Parallel()
			c, err := check.SharedFor(tt.action)
			require.NoError(t, err)
			_, viol := c.Request(tt.base)
			require.Nil(t, viol, "the base is valid")
			v := url.Values{tt.param: {tt.value}}
			for k, vs := range tt.base {
				v[k] = vs
			}
			_, viol = c.Request(v)
			if !tt.bad {
				assert.Nil(t, viol)
				return
			}
			require.NotNil(t, viol)
			assert.Equal(t, spec.CodeInvalidParameter, viol.Code)
			assert.Equal(t, tt.param, viol.Param)
		})
	}
}
