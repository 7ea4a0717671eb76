package fake_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

// TestUncataloguedCodesThroughEveryWayAndSDK injects codes nobody has catalogued yet, with an
// explicit channel, status and message, and a catalogued code moved to the other channel, through
// the Go API, a scenario file and the admin API, from both sites, and checks what every official
// SDK gets.
func TestUncataloguedCodesThroughEveryWayAndSDK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		outcome    faults.Outcome
		wantStatus int
		wantMsg    string
	}{
		{"body channel", faults.Outcome{Error: "ORDER.NOT_YET_LISTED", Channel: spec.ChannelBody, Message: "新的错误 not yet listed"}, 200, "新的错误 not yet listed"},
		{"http channel", faults.Outcome{Error: "Gateway.NotYetListed", Channel: spec.ChannelHTTP, Status: 429, Message: "slow down"}, 429, "slow down"},
		{"body channel by status", faults.Outcome{Error: "X.Y", Channel: spec.ChannelBody, Status: 200, Message: "m"}, 200, "m"},
		{"catalogued body code on the http channel", faults.Outcome{Error: spec.CodePayInsufficientBalance, Channel: spec.ChannelHTTP}, 400, "insufficient"},
		{"catalogued http code on the body channel", faults.Outcome{Error: spec.CodeThrottling, Channel: spec.ChannelBody}, 200, "throttling"},
	}
	for _, tt := range tests {
		for _, way := range injectWays() {
			t.Run(tt.name+"/"+way.name, func(t *testing.T) {
				t.Parallel()
				srv := way.start(t, tt.outcome)
				for i, c := range sdkcall.Clients() {
					ep, host := srv.Endpoint(), "business.aliyuncs.com"
					if i%2 == 1 {
						ep, host = srv.InternationalEndpoint(), "business.ap-southeast-1.aliyuncs.com"
					}
					out := sdkcall.Call(context.Background(), c, ep, faultCreds, faultRequest(10*time.Second))
					if tt.wantStatus == http.StatusOK {
						require.True(t, out.OK, "%s: %+v", c, out)
						assert.Equal(t, http.StatusOK, out.HTTPStatus)
						assert.False(t, out.Success, "%s", c)
						assert.Equal(t, string(tt.outcome.Error), out.Code, "%s", c)
						assert.Contains(t, strings.ToLower(out.Message), strings.ToLower(tt.wantMsg), "%s", c)
					} else {
						require.False(t, out.OK, "%s: %+v", c, out)
						assert.Equal(t, tt.wantStatus, out.ErrStatus, "%s", c)
						assert.Equal(t, string(tt.outcome.Error), out.ErrCode, "%s", c)
						assert.Contains(t, strings.ToLower(out.ErrMessage), strings.ToLower(tt.wantMsg), "%s", c)
					}
					_, body := lastAnswer(t, srv)
					assert.Equal(t, host, body["HostId"], "%s", c)
					assert.NotEmpty(t, body["Recommend"], "%s", c)
				}
				assert.Empty(t, srv.Orders())
			})
		}
	}
}

// Rules with a code outside the catalogue must say how to answer it; every problem is reported.
func TestUncataloguedCodeRuleProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		outcome faults.Outcome
		want    []string
	}{
		{"misspelt catalogued code", faults.Outcome{Error: "NotApplicabel"},
			[]string{`outcome.error: "NotApplicabel" is not a catalogued error code`, "set channel"}},
		{"no message", faults.Outcome{Error: "A.B", Channel: spec.ChannelBody},
			[]string{`outcome.message: error "A.B" is not in the catalogue: set its message`}},
		{"http without status", faults.Outcome{Error: "A.B", Channel: spec.ChannelHTTP, Message: "m"},
			[]string{`outcome.status: error "A.B" is not in the catalogue: the http channel needs a status`}},
		{"no channel", faults.Outcome{Error: "A.B", Message: "m"},
			[]string{`outcome.channel: error "A.B" is not in the catalogue: set its channel`}},
		{"status against channel", faults.Outcome{Error: "A.B", Channel: spec.ChannelBody, Status: 500, Message: "m"},
			[]string{"outcome.status: status 500 disagrees with channel body"}},
		{"unknown channel", faults.Outcome{Error: spec.CodeThrottling, Channel: "smoke"},
			[]string{`outcome.channel: "smoke" is neither http nor body`}},
		{"channel without error", faults.Outcome{Pass: true, Channel: spec.ChannelBody},
			[]string{"outcome.channel: channel needs error"}},
		{"code with a space", faults.Outcome{Error: "A B", Channel: spec.ChannelBody, Message: "m"},
			[]string{`outcome.error: "A B" is not a catalogued error code`, "printable ASCII"}},
		{"code too long", faults.Outcome{Error: spec.Code(strings.Repeat("X", 65)), Channel: spec.ChannelBody, Message: "m"},
			[]string{"at most 64 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.New()
			require.NoError(t, err)
			_, err = srv.Faults().Add(faults.Rule{Outcome: &tt.outcome})
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	// In a scenario file, with the line and column of each problem.
	_, err := faults.ParseScenario([]byte("rules:\n  - outcome:\n      error: A.B\n      channel: http\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2:5: rules[0].outcome.status")
	assert.Contains(t, err.Error(), "line 2:5: rules[0].outcome.message")
}
