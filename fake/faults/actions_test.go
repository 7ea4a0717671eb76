package faults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// A rule for one Action may inject only a code that Action answers: its catalogue's codes, the
// gateway's and its parameters' validation codes. A code it never answers is an error naming the
// Action's codes, in the outcome or in a step of a sequence; a rule for any Action, an Action the
// spec does not have, or a code outside the catalogue is not checked.
func TestRuleCodesTheActionAnswers(t *testing.T) {
	t.Parallel()
	forAction := func(action string, code spec.Code) faults.Rule {
		r := faults.FailNext(code)
		r.Match.Action = faults.Exact(action)
		return r
	}
	tests := []struct {
		name string
		rule faults.Rule
		want string // "" for a valid rule
	}{
		{"a gateway code on any Action", forAction("QueryBill", spec.CodeServiceUnavailable), ""},
		{"a code the catalogue gives the Action", forAction("RenewInstance", spec.CodeMissingParameter), ""},
		{"a validation code of the Action's parameters", forAction("QueryBill", spec.CodeMissingParameter), ""},
		{"a code the Action never answers", forAction("QueryAccountBalance", spec.CodeInvalidModuleCode),
			`QueryAccountBalance never answers "InvalidModuleCode": its codes are `},
		{"in a sequence", faults.Rule{Match: faults.Match{Action: faults.Exact("QueryBill")},
			Sequence: []faults.Outcome{{Pass: true}, {Error: spec.CodeInvalidModuleCode}}},
			`sequence[1].error: QueryBill never answers "InvalidModuleCode"`},
		{"no Action", faults.FailNext(spec.CodeInvalidModuleCode), ""},
		{"an Action by prefix", faults.Rule{Match: faults.Match{Action: faults.Prefix("Query")}, Outcome: &faults.Outcome{Error: spec.CodeInvalidModuleCode}}, ""},
		{"an Action the spec lacks", forAction("NoSuchAction", spec.CodeInvalidModuleCode), ""},
		{"a code outside the catalogue", faults.Rule{Match: faults.Match{Action: faults.Exact("QueryBill")},
			Outcome: &faults.Outcome{Error: "My.Code", Channel: spec.ChannelBody, Message: "mine"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := faults.Compile(tt.rule)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), string(spec.CodeServiceUnavailable), "the message lists the Action's codes")
		})
	}
}
