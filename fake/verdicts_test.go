package fake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/spec"
)

var vt0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// order is the query of an rtc order with the given ClientToken and volatile parameters that
// change per sending (they must not make two sendings different requests).
func order(token string, extra ...string) string {
	v := url.Values{"Action": {"CreateInstance"}, "ProductCode": {"rtc"}, "SubscriptionType": {"PayAsYouGo"},
		"Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"},
		"SignatureNonce": {time.Now().String()}, "Signature": {"REDACTED"}}
	if token != "" {
		v.Set("ClientToken", token)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

// ent builds a journal entry: request seq at vt0+ms with query q, answered status and code.
func ent(seq uint64, ms int, q string, status int, code string, mod ...func(*fake.Entry)) fake.Entry {
	vals, _ := url.ParseQuery(q)
	e := fake.Entry{Seq: seq, Time: vt0.Add(time.Duration(ms) * time.Millisecond), Method: "POST", Path: "/", Query: q,
		Action: "CreateInstance", AccessKeyID: "ak", ClientToken: vals.Get("ClientToken"), Status: status, Code: code}
	for _, m := range mod {
		m(&e)
	}
	return e
}

// poll is the query of a QueryAvailableInstances call for one instance; detail of a
// GetOrderDetail call for one order. Their entries take the read modifier.
func poll(instance string) string {
	return url.Values{"Action": {"QueryAvailableInstances"}, "ProductCode": {"rtc"}, "InstanceIDs": {instance},
		"SignatureNonce": {time.Now().String()}}.Encode()
}
func detail(orderID string) string {
	return url.Values{"Action": {"GetOrderDetail"}, "OrderId": {orderID}, "SignatureNonce": {time.Now().String()}}.Encode()
}
func read(e *fake.Entry) {
	v, _ := url.ParseQuery(e.Query)
	e.Action = v.Get("Action")
}

// host sets the answer's HostId: the site the request reached.
func host(h string) func(*fake.Entry) {
	return func(e *fake.Entry) { e.ResponseBody = `{"RequestId":"r","HostId":"` + h + `","Code":"` + e.Code + `"}` }
}

func fault(f fake.Fault) func(*fake.Entry) {
	return func(e *fake.Entry) { e.Fault, e.Aborted, e.Status, e.Code = string(f), true, 0, "" }
}
func placed(id string) func(*fake.Entry) { return func(e *fake.Entry) { e.OrderID = id } }
func replayed(id string) func(*fake.Entry) {
	return func(e *fake.Entry) { e.OrderID, e.Replayed = id, true }
}
func held(d time.Duration, note string) func(*fake.Entry) {
	return func(e *fake.Entry) { e.Held, e.Note = d, note }
}

type want struct {
	name string
	seqs []uint64
}

// TestJudge: each verdict is found where it applies, with the requests that prove it, and not
// where a careful caller did the same thing right.
func TestJudge(t *testing.T) {
	t.Parallel()
	const ok, throttled = "Success", "Throttling.User"
	tests := []struct {
		name    string
		entries []fake.Entry
		th      fake.Thresholds
		want    []want
	}{
		{"clean", []fake.Entry{ent(1, 0, order("a"), 200, ok, placed("o1"))}, fake.Thresholds{}, nil},
		{"duplicate order after a reset without a token", []fake.Entry{
			ent(1, 0, order(""), 0, "", fault(fake.FaultReset), placed("o1")),
			ent(2, 500, order(""), 200, ok, placed("o2")),
		}, fake.Thresholds{}, []want{{fake.VerdictDuplicateOrder, []uint64{1, 2}}}},
		{"duplicate order under a new token after a 5xx", []fake.Entry{
			ent(1, 0, order("a"), 503, "ServiceUnavailable", placed("o1")),
			ent(2, 500, order("b"), 200, ok, placed("o2")),
		}, fake.Thresholds{}, []want{{fake.VerdictDuplicateOrder, []uint64{1, 2}}}},
		{"same token after a hang: replayed, no duplicate", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultHang), placed("o1"), held(time.Second, "the client gave up after 1s")),
			ent(2, 1200, order("a"), 200, ok, replayed("o1")),
		}, fake.Thresholds{}, nil},
		{"two deliberate orders, nothing unknown in between", []fake.Entry{
			ent(1, 0, order(""), 200, ok, placed("o1")),
			ent(2, 10, order(""), 200, ok, placed("o2")),
		}, fake.Thresholds{}, nil},
		{"re-bought under a new token after a poll saw Creating", []fake.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read),
			ent(3, 60, order("b"), 200, ok, placed("o2")),
		}, fake.Thresholds{}, []want{{fake.VerdictDuplicateOrder, []uint64{1, 2, 3}}}},
		{"polled, then confirmed with the same token: replayed", []fake.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read),
			ent(3, 60, order("a"), 200, ok, replayed("o1")),
		}, fake.Thresholds{}, nil},
		{"a read of another caller between two orders", []fake.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read, func(e *fake.Entry) { e.AccessKeyID = "other" }),
			ent(3, 60, order("b"), 200, ok, placed("o2")),
		}, fake.Thresholds{}, nil},
		{"order reads after a 5xx are not orders", []fake.Entry{
			ent(1, 0, detail("o1"), 503, "ServiceUnavailable", read, placed("o1")),
			ent(2, 500, detail("o1"), 200, ok, read, placed("o1")),
			ent(3, 900, detail("o1"), 200, ok, read, placed("o1")),
		}, fake.Thresholds{}, nil},
		{"no backoff after a throttled poll", []fake.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 10, poll("i1"), 400, throttled, read),
			ent(3, 20, poll("i1"), 200, ok, read),
		}, fake.Thresholds{}, []want{{fake.VerdictNoBackoff, []uint64{2, 3}}}},
		{"a storm of throttled polls", append([]fake.Entry{ent(1, 0, order("a"), 200, ok, placed("o1"))},
			ent(2, 200, poll("i1"), 400, throttled, read), ent(3, 400, poll("i1"), 400, throttled, read),
			ent(4, 600, poll("i1"), 400, throttled, read), ent(5, 800, poll("i1"), 400, throttled, read)),
			fake.Thresholds{MaxRetries: 2}, []want{{fake.VerdictRetryStorm, []uint64{2, 3, 4, 5}}}},
		{"NotApplicable, then the same request on the other site", []fake.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", host("business.aliyuncs.com")),
			ent(2, 10, order("a"), 200, ok, placed("o1"), host("business.ap-southeast-1.aliyuncs.com")),
		}, fake.Thresholds{}, nil},
		{"NotApplicable, then the same request on the same site", []fake.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", host("business.aliyuncs.com")),
			ent(2, 10, order("a"), 400, "NotApplicable", host("business.aliyuncs.com")),
		}, fake.Thresholds{}, []want{{fake.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"retried a non-retryable code", []fake.Entry{
			ent(1, 0, order("a"), 400, "InvalidParameter"),
			ent(2, 1000, order("a"), 400, "InvalidParameter"),
		}, fake.Thresholds{}, []want{{fake.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"a signature error, resent with a new signature", []fake.Entry{
			ent(1, 0, order("a", "Signature", "x"), 400, "SignatureDoesNotMatch"),
			ent(2, 1000, order("a", "Signature", "y", "Timestamp", "later"), 400, "SignatureDoesNotMatch"),
		}, fake.Thresholds{}, []want{{fake.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"a corrected request after a non-retryable code", []fake.Entry{
			ent(1, 0, order("a", "Period", "0"), 400, "InvalidParameter"),
			ent(2, 10, order("a", "Period", "1"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, nil},
		{"no backoff after throttling", []fake.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 99, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, []want{{fake.VerdictNoBackoff, []uint64{1, 2}}}},
		{"backoff of 100ms is enough", []fake.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 100, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, nil},
		{"a configured gap", []fake.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 300, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{MinBackoff: time.Second}, []want{{fake.VerdictNoBackoff, []uint64{1, 2}}}},
		{"no backoff after a proxy 502", []fake.Entry{
			ent(1, 0, order("a"), 502, "", func(e *fake.Entry) { e.Fault = string(fake.FaultProxy502) }),
			ent(2, 5, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, []want{{fake.VerdictNoBackoff, []uint64{1, 2}}}},
		{"an immediate confirmation after a reset is fine", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultReset)),
			ent(2, 5, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, nil},
		{"retry storm", storm(4), fake.Thresholds{MaxRetries: 2}, []want{{fake.VerdictRetryStorm, []uint64{1, 2, 3, 4}}, {fake.VerdictGaveUpOnRetryable, []uint64{4}}}},
		{"retries within the bound", storm(3), fake.Thresholds{MaxRetries: 2}, []want{{fake.VerdictGaveUpOnRetryable, []uint64{3}}}},
		{"no timeout: held past the bound", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultHang), held(11*time.Second, "the client gave up after 11s")),
			ent(2, 11000, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, []want{{fake.VerdictNoTimeout, []uint64{1}}}},
		{"no timeout: the fake's hang limit ended it", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultHang), held(2*time.Second, "the client held a hung request for 2s without timing out: it has no timeout")),
			ent(2, 2000, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, []want{{fake.VerdictNoTimeout, []uint64{1}}}},
		{"a timeout within the bound", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultHang), held(9*time.Second, "the client gave up after 9s")),
			ent(2, 9000, order("a"), 200, ok, placed("o1")),
		}, fake.Thresholds{}, nil},
		{"token reused for another order", []fake.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 10, order("a", "Parameter.2.Code", "BillType", "Parameter.2.Value", "traffic"), 200, ok, replayed("o1")),
		}, fake.Thresholds{}, []want{{fake.VerdictTokenReused, []uint64{1, 2}}}},
		{"gave up on a retryable code", []fake.Entry{ent(1, 0, order("a"), 400, throttled)}, fake.Thresholds{},
			[]want{{fake.VerdictGaveUpOnRetryable, []uint64{1}}}},
		{"gave up after an unknown outcome that placed the order", []fake.Entry{
			ent(1, 0, order("a"), 0, "", fault(fake.FaultReset), placed("o1"))}, fake.Thresholds{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, f := range fake.Judge(tt.entries, tt.th) {
				got = append(got, want{f.Name, f.Seqs})
				assert.NotEmpty(t, f.Message)
				assert.Equal(t, f.Name != fake.VerdictGaveUpOnRetryable, f.Failing(), f.Name)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("Judge (-want +got):\n%s", diff)
			}
		})
	}
}

// storm is n throttled sendings of one request, 200ms apart.
func storm(n int) []fake.Entry {
	var es []fake.Entry
	for i := range n {
		es = append(es, ent(uint64(i+1), 200*i, order("a"), 400, "Throttling.User"))
	}
	return es
}

// TestJudgeFailGaveUp: FailGaveUp turns gave-up-on-retryable into a failing finding.
func TestJudgeFailGaveUp(t *testing.T) {
	t.Parallel()
	fs := fake.Judge(storm(1), fake.Thresholds{FailGaveUp: true})
	require.Len(t, fs, 1)
	assert.True(t, fs[0].Failing())
	assert.Equal(t, fake.SeverityError, fs[0].Severity)
}

// TestVerdictsUseTheFakesClock: no-backoff is judged on the journal's times, which come from the
// fake's clock: the same two requests are a finding or not depending on how far the clock moved.
func TestVerdictsUseTheFakesClock(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		gap  time.Duration
		want []string
	}{{50 * time.Millisecond, []string{fake.VerdictNoBackoff}}, {200 * time.Millisecond, nil}} {
		t.Run(tt.gap.String(), func(t *testing.T) {
			t.Parallel()
			clock := fake.NewManualClock(vt0)
			srv := fake.NewServer(t, fake.WithClock(clock))
			srv.FailNext(spec.CodeThrottlingUser)
			params := with(valid(), "ClientToken", "tok-1")
			require.Equal(t, http.StatusBadRequest, call(t, srv, params).Status)
			clock.Advance(tt.gap)
			require.Equal(t, http.StatusOK, call(t, srv, params).Status)
			var names []string
			for _, f := range srv.Verdicts() {
				names = append(names, f.Name)
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

// TestAdminVerdicts: GET /__admin/verdicts lists the findings and the thresholds in force.
func TestAdminVerdicts(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithThresholds(fake.Thresholds{MaxRetries: 3}))
	srv.FailAlways(spec.CodeInvalidParameter)
	call(t, srv, valid())
	call(t, srv, valid())
	a := do(t, srv, http.MethodGet, "/__admin/verdicts", "", nil)
	require.Equal(t, http.StatusOK, a.Status)
	var got struct {
		Thresholds fake.Thresholds `json:"thresholds"`
		Findings   []fake.Finding  `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &got))
	assert.Equal(t, 3, got.Thresholds.MaxRetries)
	assert.Equal(t, 100*time.Millisecond, got.Thresholds.MinBackoff)
	require.Len(t, got.Findings, 1)
	assert.Equal(t, fake.VerdictRetriedNonRetryable, got.Findings[0].Name)
	assert.Equal(t, []uint64{1, 2}, got.Findings[0].Seqs)
}
