package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

// injectWay puts one rule with outcome o into a fresh server by one of the three ways in, and
// returns the server.
type injectWay struct {
	name  string
	start func(t *testing.T, o faults.Outcome) *fake.Server
}

func injectWays() []injectWay {
	return []injectWay{
		{"go", func(t *testing.T, o faults.Outcome) *fake.Server {
			srv := fake.NewServer(t, fake.WithSeed(1))
			_, err := srv.Faults().Add(faults.Rule{ID: "injected", Outcome: &o})
			require.NoError(t, err)
			return srv
		}},
		{"scenario", func(t *testing.T, o faults.Outcome) *fake.Server {
			text := fmt.Sprintf("seed: 1\nrules:\n  - id: injected\n    outcome:\n      error: %q\n", o.Error)
			if o.Status != 0 {
				text += fmt.Sprintf("      status: %d\n", o.Status)
			}
			if o.Channel != "" {
				text += fmt.Sprintf("      channel: %s\n", o.Channel)
			}
			if o.Message != "" {
				text += fmt.Sprintf("      message: %q\n", o.Message)
			}
			sc, err := faults.ParseScenario([]byte(text))
			require.NoError(t, err)
			return fake.NewServer(t, fake.WithScenario(sc))
		}},
		{"admin", func(t *testing.T, o faults.Outcome) *fake.Server {
			srv := fake.NewServer(t, fake.WithSeed(1))
			out := map[string]any{"error": o.Error}
			if o.Status != 0 {
				out["status"] = o.Status
			}
			if o.Channel != "" {
				out["channel"] = o.Channel
			}
			if o.Message != "" {
				out["message"] = o.Message
			}
			body, err := json.Marshal(map[string]any{"id": "injected", "outcome": out})
			require.NoError(t, err)
			status, ans := adminDo(t, srv, http.MethodPost, "/__admin/faults", string(body))
			require.Equal(t, http.StatusCreated, status, "%v", ans)
			return srv
		}},
	}
}

// TestEveryCatalogueCodeThroughEveryWayAndSDK injects every catalogued error code, at its
// catalogue status and as HTTP 200 Success=false, through the Go API, a scenario file and the admin
// API, and checks what each official SDK returns.
func TestEveryCatalogueCodeThroughEveryWayAndSDK(t *testing.T) {
	t.Parallel()
	for _, def := range spec.Errors() {
		for _, way := range injectWays() {
			for _, status := range []int{0, http.StatusOK} {
				name := fmt.Sprintf("%s/%s/status=%d", def.Code, way.name, status)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					srv := way.start(t, faults.Outcome{Error: def.Code, Status: status})
					for _, c := range sdkcall.Clients() {
						t.Run(string(c), func(t *testing.T) { // one server; the journal below counts every client
							out := sdkcall.Call(context.Background(), c, srv.Endpoint(), faultCreds, faultRequest(10*time.Second))
							if status == http.StatusOK || def.Channel == spec.ChannelBody {
								// The body channel: HTTP 200, which no SDK raises, Success false and
								// a non-empty Message (an empty one reads as success to real callers).
								assert.True(t, out.OK, "%s: %v", c, out.Err)
								assert.Equal(t, http.StatusOK, out.HTTPStatus, "%s", c)
								assert.False(t, out.Success, "%s", c)
								assert.Equal(t, string(def.Code), out.Code, "%s", c)
								assert.NotEmpty(t, out.Message, "%s", c)
								return
							}
							want := sdkcall.SDKError
							if c == sdkcall.ACS {
								want = sdkcall.ServerError
							}
							assert.Equal(t, want, out.ErrKind, "%s: %v", c, out.Err)
							assert.Equal(t, string(def.Code), out.ErrCode, "%s", c)
							assert.Equal(t, def.HTTPStatus, out.ErrStatus, "%s", c)
						})
					}
					j := waitJournal(srv, len(sdkcall.Clients()))
					for _, e := range j {
						assert.Equal(t, "injected", e.Rule)
						assert.Equal(t, string(def.Code), e.Code)
					}
					assert.Empty(t, srv.Orders(), "an injected error places no order")
					srv.Faults().AssertUsed(t)
				})
			}
		}
	}
}

// TestStatusAndMessageOverride checks that a rule can change the catalogue's status and message.
func TestStatusAndMessageOverride(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSpecCheck(nil))
	_, err := srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: spec.CodeInternalError, Status: 500, Message: "boom"}})
	require.NoError(t, err)
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel() // the rule answers every call
			out := sdkcall.Call(context.Background(), c, srv.Endpoint(), faultCreds, faultRequest(10*time.Second))
			assert.Equal(t, 500, out.ErrStatus, "%s", c)
			assert.Equal(t, "InternalError", out.ErrCode, "%s", c)
			assert.Contains(t, out.ErrMessage, "boom", "%s", c)
		})
	}
}

// TestSDKRetriesMeetASequence drives ACS's and DOA's own retries into a "fail, fail, succeed"
// sequence: both end with the order, after three attempts.
func TestSDKRetriesMeetASequence(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "flaky", Sequence: []faults.Outcome{
				{Error: spec.CodeServiceUnavailable}, {Error: spec.CodeServiceUnavailable}, {Pass: true},
			}}))
			req := faultRequest(10 * time.Second)
			req.AutoRetry, req.MaxRetries = true, 2
			out := sdkcall.Call(context.Background(), c, srv.Endpoint(), faultCreds, req)
			require.True(t, out.OK, "%v", out.Err)
			assert.NotEmpty(t, out.OrderID)
			assert.Equal(t, uint64(3), srv.RequestCount())
			srv.Faults().AssertUsed(t)
		})
	}
}
