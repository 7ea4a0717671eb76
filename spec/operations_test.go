package spec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// The whole API is in the spec: the metadata's 96 operations and the four only the old Go SDK
// has, each with a response schema, an Action the Action enumeration names, and the hand-written
// three first and unchanged in kind.
func TestEveryOperationIsInTheSpec(t *testing.T) {
	t.Parallel()
	ops := spec.Operations()
	require.Len(t, ops, 100)
	assert.Equal(t, spec.ActionCreateInstance, ops[0].Action)
	sources := map[string]int{}
	enum := spec.Doc().Components.Schemas["Action"].Value.Enum
	for _, op := range ops {
		sources[op.Source]++
		assert.Contains(t, enum, op.Action)
		assert.Equal(t, []string{"POST"}, op.Methods[:1], op.Action)
		item := spec.Doc().Paths.Value(op.Path)
		require.NotNil(t, item, op.Action)
		mt := item.Post.Responses.Status(200).Value.Content.Get("text/xml")
		require.NotNil(t, mt, "%s answers XML too", op.Action)
	}
	assert.Equal(t, map[string]int{"": 3, "metadata": 93, "sdk": 4}, sources)
	for _, a := range []string{"EnableBillGeneration", "SaveUserCredit", "SetCreditLabelAction", "DescribeInstanceAmortizedCostByAmortizationPeriodDate"} {
		op, ok := spec.OperationFor(a)
		require.True(t, ok, a)
		assert.Equal(t, "sdk", op.Source, a)
	}
	op, ok := spec.OperationFor("RenewChangeInstance")
	require.True(t, ok, "the metadata's operation the SDK lacks")
	assert.Equal(t, "metadata", op.Source)
	read, ok := spec.OperationFor("QueryAccountBalance")
	require.True(t, ok)
	assert.True(t, read.ReadOnly)
	write, ok := spec.OperationFor("RefundInstance")
	require.True(t, ok)
	assert.False(t, write.ReadOnly)
}

// Issue 20's decisions for the lifecycle writes are in the spec: required flags the metadata
// misses, SetRenewal's conditional parameters, and the codes each Action answers.
func TestLifecycleWriteDecisions(t *testing.T) {
	t.Parallel()
	required := func(action, param string) bool {
		op, ok := spec.OperationFor(action)
		require.True(t, ok, action)
		p, ok := op.Param(param)
		require.True(t, ok, "%s.%s", action, param)
		return p.Required
	}
	assert.True(t, required("RefundInstance", "InstanceId"))
	assert.True(t, required("RefundInstance", "ProductCode"))
	assert.True(t, required("ModifyInstance", "InstanceId"))
	assert.True(t, required("RenewInstance", "RenewPeriod"))
	assert.False(t, required("SetRenewal", "RenewalPeriod"), "only with AutoRenewal")
	sr, _ := spec.OperationFor("SetRenewal")
	var requires []string
	for _, r := range sr.Rules {
		if r.When != nil && r.When.Param == "RenewalStatus" && r.When.Equals == "AutoRenewal" {
			requires = append(requires, r.Require)
		}
	}
	assert.ElementsMatch(t, []string{"RenewalPeriod", "RenewalPeriodUnit"}, requires)
	mi, _ := spec.OperationFor("ModifyInstance")
	require.Len(t, mi.Repeated, 1)
	assert.Equal(t, "Parameter", mi.Repeated[0].Prefix)

	codes := func(action string) []spec.Code {
		var out []spec.Code
		for _, d := range spec.ErrorsFor(action) {
			if len(d.Actions) > 0 {
				out = append(out, d.Code)
			}
		}
		return out
	}
	assert.Subset(t, codes("RefundInstance"), []spec.Code{"ResourceNotExists", "ExistRefundingOrderError", "ResourceStatusError", "RESOURCE_NOT_FOUND", "InvalidParameter"})
	assert.Subset(t, codes("SetRenewal"), []spec.Code{"NotApplicable", "MissingParameter", "InvalidParameter", "ResourceNotExists"})
	assert.Subset(t, codes("ModifyInstance"), []spec.Code{"SYSTEM.CONCURRENT_OPERATE", "ResourceNotExists"})
	assert.Subset(t, codes("RenewInstance"), []spec.Code{"ResourceNotExists", "ResourceStatusError"})
	assert.Subset(t, codes("ReleaseInstance"), []spec.Code{"IdempotentParameterMismatch", "ResourceNotExists"})
	assert.NotContains(t, codes("QueryAccountBalance"), spec.Code("ExistRefundingOrderError"))
	// Gateway codes name no Action: every Action may answer them.
	assert.Contains(t, spec.ErrorsFor("QueryAccountBalance"), spec.MustLookup(spec.CodeSignatureDoesNotMatch))
}

// The cleaning is recorded: a dirty code appears clean, sourced "metadata" with a note.
func TestCleanedCodesSayWhatWasCleaned(t *testing.T) {
	t.Parallel()
	d, ok := spec.Lookup("ORDER.ACCOUNT_STATUS_ILLEGAL")
	require.True(t, ok, "the code the metadata writes with a trailing tab")
	assert.Equal(t, spec.SourceMetadata, d.Kind())
	assert.Contains(t, d.Source, "blanks removed")
	_, ok = spec.Lookup("400")
	assert.False(t, ok, "an HTTP status listed as a code is not a code")
	odd, ok := spec.Lookup("ORDER.INST_HAS_UNPAID_ORDER")
	require.True(t, ok)
	assert.Equal(t, spec.ChannelBody, odd.Channel, "listed under 405: an order code, on the body channel")
	assert.Contains(t, odd.Source, "HTTP 405")
}

// A JSON-encoded parameter says so (x-bss-style json); a plain one has no style.
func TestParamStyle(t *testing.T) {
	t.Parallel()
	op, ok := spec.OperationFor("QuerySkuPriceList")
	require.True(t, ok)
	p, ok := op.Param("PriceFactorConditionMap")
	require.True(t, ok)
	assert.Equal(t, "json", p.Style)
	p, ok = op.Param("PageSize")
	require.True(t, ok)
	assert.Empty(t, p.Style)
}
