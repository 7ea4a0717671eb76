package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/sdkcall"
)

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestTransportFaultsThroughNetHTTP observes every transport fault through a plain net/http client.
func TestTransportFaultsThroughNetHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		outcome    faults.Outcome
		timeout    time.Duration
		check      func(t *testing.T, r rawResult)
		wantOrders int
		wantStatus int // the journal's status
		// wantAborted: the answer was broken off (journal's Aborted)
		wantAborted bool
	}{
		{
			name: "hang until the client times out", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultHang}, timeout: 200 * time.Millisecond,
			check: func(t *testing.T, r rawResult) {
				assert.True(t, isTimeout(r.err), "%v", r.err)
				assert.ErrorContains(t, r.err, "Client.Timeout exceeded while awaiting headers")
			},
		},
		{
			name: "hang after commit", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultHang, AfterCommit: true}, timeout: 200 * time.Millisecond,
			check:      func(t *testing.T, r rawResult) { assert.True(t, isTimeout(r.err), "%v", r.err) },
			wantOrders: 1,
		},
		{
			name: "reset", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultReset}, timeout: 5 * time.Second,
			check: func(t *testing.T, r rawResult) { assert.ErrorIs(t, r.err, syscall.ECONNRESET) },
		},
		{
			name: "reset after commit", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultReset, AfterCommit: true}, timeout: 5 * time.Second,
			check:      func(t *testing.T, r rawResult) { assert.ErrorIs(t, r.err, syscall.ECONNRESET) },
			wantOrders: 1,
		},
		{
			name: "empty reply", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultEmpty}, timeout: 5 * time.Second,
			check: func(t *testing.T, r rawResult) { assert.ErrorIs(t, r.err, io.EOF) },
		},
		{
			name: "empty body", outcome: faults.Outcome{Fault: faults.FaultEmptyBody}, timeout: 5 * time.Second, wantStatus: 200,
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				assert.Equal(t, 200, r.status)
				assert.Empty(t, r.body)
				var se *json.SyntaxError
				assert.ErrorAs(t, json.Unmarshal(r.body, new(any)), &se)
			},
		},
		{
			name: "truncated body", wantAborted: true, outcome: faults.Outcome{Fault: faults.FaultTruncate}, timeout: 5 * time.Second, wantOrders: 1, wantStatus: 200,
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				assert.Equal(t, 200, r.status)
				assert.ErrorIs(t, r.readErr, io.ErrUnexpectedEOF)
			},
		},
		{
			name: "malformed JSON", outcome: faults.Outcome{Fault: faults.FaultMalformed}, timeout: 5 * time.Second, wantOrders: 1, wantStatus: 200,
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				require.NoError(t, r.readErr)
				var se *json.SyntaxError
				assert.ErrorAs(t, json.Unmarshal(r.body, new(any)), &se)
				assert.True(t, strings.HasPrefix(string(r.body), `{"RequestId":`), "%s", r.body)
			},
		},
		{
			name: "HTML 502 from a proxy", outcome: faults.Outcome{Fault: faults.FaultProxy502}, timeout: 5 * time.Second, wantStatus: 502,
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				assert.Equal(t, http.StatusBadGateway, r.status)
				assert.Contains(t, string(r.body), "502 Bad Gateway")
				assert.ErrorContains(t, json.Unmarshal(r.body, new(any)), "invalid character '<'")
			},
		},
		{
			name: "slow body past the timeout", timeout: 500 * time.Millisecond, wantOrders: 1, wantStatus: 200,
			outcome: faults.Outcome{Fault: faults.FaultSlowBody, ChunkBytes: 16, ChunkDelay: 200 * time.Millisecond},
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				assert.True(t, isTimeout(r.readErr), "%v", r.readErr)
				assert.ErrorContains(t, r.readErr, "while reading body")
			},
		},
		{
			name: "slow body within the timeout", timeout: 5 * time.Second, wantOrders: 1, wantStatus: 200,
			outcome: faults.Outcome{Fault: faults.FaultSlowBody, ChunkBytes: 64, ChunkDelay: 5 * time.Millisecond},
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				require.NoError(t, r.readErr)
				assert.NoError(t, json.Unmarshal(r.body, new(any)))
			},
		},
		{
			name: "latency within the timeout", timeout: 5 * time.Second, wantOrders: 1, wantStatus: 200,
			outcome: faults.Outcome{Latency: &faults.Latency{Fixed: 30 * time.Millisecond}},
			check: func(t *testing.T, r rawResult) {
				require.NoError(t, r.err)
				assert.Equal(t, 200, r.status)
			},
		},
		{
			name: "latency past the timeout", wantAborted: true, timeout: 100 * time.Millisecond,
			outcome: faults.Outcome{Latency: &faults.Latency{Min: 2 * time.Second, Max: 3 * time.Second}},
			check:   func(t *testing.T, r rawResult) { assert.True(t, isTimeout(r.err), "%v", r.err) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(3))
			ids, err := srv.Faults().Add(faults.Rule{Outcome: &tt.outcome})
			require.NoError(t, err)
			id := ids[0]
			start := time.Now()
			r := send(srv, tt.timeout, faultParams())
			tt.check(t, r)
			if tt.outcome.Latency != nil && tt.outcome.Latency.Fixed > 0 {
				assert.GreaterOrEqual(t, time.Since(start), tt.outcome.Latency.Fixed)
			}
			// The server finishes the exchange after the client has given up: poll the journal.
			j := waitJournal(srv, 1)
			require.Len(t, j, 1)
			assert.Equal(t, id, j[0].Rule)
			assert.Equal(t, tt.wantStatus, j[0].Status)
			assert.Equal(t, tt.wantAborted, j[0].Aborted, "the journal says whether the answer was broken off")
			if tt.outcome.Fault != "" {
				assert.Equal(t, string(tt.outcome.Fault), j[0].Fault)
			}
			assert.Len(t, srv.Orders(), tt.wantOrders)
			if tt.wantOrders == 1 {
				assert.Equal(t, srv.Orders()[0].OrderID, j[0].OrderID, "the journal names the order the caller never saw")
			}
		})
	}
}

// TestTransportFaultsThroughSDKs records what each official SDK makes of each transport fault.
func TestTransportFaultsThroughSDKs(t *testing.T) {
	t.Parallel()
	type want struct {
		kind   sdkcall.ErrKind
		code   string
		status int
	}
	all := func(w want) map[sdkcall.Client]want {
		return map[sdkcall.Client]want{sdkcall.ACS: w, sdkcall.DOAV3: w, sdkcall.DOAV1: w}
	}
	tests := []struct {
		fault faults.Fault
		want  map[sdkcall.Client]want
		msg   string // in every client's ErrMessage
	}{
		{faults.FaultHang, all(want{kind: sdkcall.Transport}), "Client.Timeout exceeded while awaiting headers"},
		{faults.FaultReset, all(want{kind: sdkcall.Transport}), "connection reset by peer"},
		{faults.FaultEmpty, all(want{kind: sdkcall.Transport}), "EOF"},
		// Neither SDK notices an empty 200: the call "succeeds" with every field empty.
		{faults.FaultEmptyBody, all(want{kind: sdkcall.None}), ""},
		{faults.FaultTruncate, all(want{kind: sdkcall.Decode}), "unexpected EOF"},
		{faults.FaultMalformed, map[sdkcall.Client]want{
			sdkcall.ACS:   {kind: sdkcall.ClientError, code: "SDK.JsonUnmarshalError", status: 200},
			sdkcall.DOAV3: {kind: sdkcall.Decode},
			sdkcall.DOAV1: {kind: sdkcall.Decode},
		}, ""},
		{faults.FaultProxy502, map[sdkcall.Client]want{
			sdkcall.ACS:   {kind: sdkcall.ServerError, status: 502},
			sdkcall.DOAV3: {kind: sdkcall.Decode},
			sdkcall.DOAV1: {kind: sdkcall.Decode},
		}, ""},
		{faults.FaultSlowBody, all(want{kind: sdkcall.Transport}), "while reading body"},
	}
	for _, tt := range tests {
		for _, c := range sdkcall.Clients() {
			t.Run(string(tt.fault)+"/"+string(c), func(t *testing.T) {
				t.Parallel()
				o := faults.Outcome{Fault: tt.fault}
				if tt.fault == faults.FaultSlowBody {
					o.ChunkDelay = 300 * time.Millisecond
				}
				srv := fake.NewServer(t, fake.WithRules(faults.Rule{Outcome: &o}))
				timeout := 10 * time.Second // generous: only hang and slowBody should end in a timeout
				if tt.fault == faults.FaultHang || tt.fault == faults.FaultSlowBody {
					timeout = 600 * time.Millisecond
				}
				out := sdkcall.Call(context.Background(), c, srv.Endpoint(), faultCreds, faultRequest(timeout))
				w := tt.want[c]
				assert.Equal(t, w.kind, out.ErrKind, "%v", out.Err)
				assert.Equal(t, w.code, out.ErrCode)
				assert.Equal(t, w.status, out.ErrStatus)
				assert.Contains(t, out.ErrMessage, tt.msg)
				if w.kind == sdkcall.None {
					assert.False(t, out.Success)
					assert.Empty(t, out.OrderID)
				}
			})
		}
	}
}

// TestHangIsReleasedByClose checks that Close does not wait for a client that never gives up.
func TestHangIsReleasedByClose(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"Close", "Shutdown"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "hang", Outcome: &faults.Outcome{Fault: faults.FaultHang}}))
			done := make(chan rawResult, 1)
			go func() { done <- send(srv, 0, faultParams()) }() // no client timeout at all
			require.Eventually(t, func() bool { return statsOf(t, srv)[0].Fired == 1 }, 5*time.Second, time.Millisecond)
			start := time.Now()
			if how == "Close" {
				srv.Close()
			} else {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				require.NoError(t, srv.Shutdown(ctx))
			}
			assert.Less(t, time.Since(start), 2*time.Second)
			select {
			case r := <-done:
				assert.Error(t, r.err)
			case <-time.After(5 * time.Second):
				t.Fatal("the hung client was not released")
			}
		})
	}
}
