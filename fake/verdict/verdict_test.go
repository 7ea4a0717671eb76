package verdict_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/verdict"
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
func ent(seq uint64, ms int, q string, status int, code string, mod ...func(*journal.Entry)) journal.Entry {
	vals, _ := url.ParseQuery(q)
	e := journal.Entry{Seq: seq, Time: vt0.Add(time.Duration(ms) * time.Millisecond), Method: "POST", Path: "/", Query: q,
		Action: "CreateInstance", Places: "purchase", AccessKeyID: "ak", ClientToken: vals.Get("ClientToken"), Status: status, Code: code}
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
func read(e *journal.Entry) {
	v, _ := url.ParseQuery(e.Query)
	e.Action, e.Places = v.Get("Action"), ""
	e.Reads = map[string]string{"QueryAvailableInstances": "instances", "GetOrderDetail": "orders"}[e.Action]
}

// at sets the site the request reached, as the fake's request path records it.
func at(site string) func(*journal.Entry) { return func(e *journal.Entry) { e.Site = site } }

// hostID sets an answer body naming a HostId, which the judge must not read the site from.
func hostID(h string) func(*journal.Entry) {
	return func(e *journal.Entry) {
		e.ResponseBody = `{"RequestId":"r","HostId":"` + h + `","Code":"` + e.Code + `"}`
	}
}

func fault(f string) func(*journal.Entry) {
	return func(e *journal.Entry) { e.Fault, e.Aborted, e.Status, e.Code = f, true, 0, "" }
}
func placed(id string) func(*journal.Entry) { return func(e *journal.Entry) { e.OrderID = id } }
func replayed(id string) func(*journal.Entry) {
	return func(e *journal.Entry) { e.OrderID, e.Replayed = id, true }
}
func held(d time.Duration, note string) func(*journal.Entry) {
	return func(e *journal.Entry) { e.Held, e.Note = d, note }
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
		entries []journal.Entry
		th      verdict.Thresholds
		want    []want
	}{
		{"clean", []journal.Entry{ent(1, 0, order("a"), 200, ok, placed("o1"))}, verdict.Thresholds{}, nil},
		{"duplicate order after a reset without a token", []journal.Entry{
			ent(1, 0, order(""), 0, "", fault("reset"), placed("o1")),
			ent(2, 500, order(""), 200, ok, placed("o2")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictDuplicateOrder, []uint64{1, 2}}}},
		{"duplicate order under a new token after a 5xx", []journal.Entry{
			ent(1, 0, order("a"), 503, "ServiceUnavailable", placed("o1")),
			ent(2, 500, order("b"), 200, ok, placed("o2")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictDuplicateOrder, []uint64{1, 2}}}},
		{"same token after a hang: replayed, no duplicate", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), placed("o1"), held(time.Second, "the client gave up after 1s")),
			ent(2, 1200, order("a"), 200, ok, replayed("o1")),
		}, verdict.Thresholds{}, nil},
		{"two deliberate orders, nothing unknown in between", []journal.Entry{
			ent(1, 0, order(""), 200, ok, placed("o1")),
			ent(2, 10, order(""), 200, ok, placed("o2")),
		}, verdict.Thresholds{}, nil},
		{"re-bought under a new token after a poll saw Creating", []journal.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read),
			ent(3, 60, order("b"), 200, ok, placed("o2")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictDuplicateOrder, []uint64{1, 2, 3}}}},
		{"polled, then confirmed with the same token: replayed", []journal.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read),
			ent(3, 60, order("a"), 200, ok, replayed("o1")),
		}, verdict.Thresholds{}, nil},
		{"a read of another caller between two orders", []journal.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 50, poll("i1"), 200, ok, read, func(e *journal.Entry) { e.AccessKeyID = "other" }),
			ent(3, 60, order("b"), 200, ok, placed("o2")),
		}, verdict.Thresholds{}, nil},
		{"order reads after a 5xx are not orders", []journal.Entry{
			ent(1, 0, detail("o1"), 503, "ServiceUnavailable", read, placed("o1")),
			ent(2, 500, detail("o1"), 200, ok, read, placed("o1")),
			ent(3, 900, detail("o1"), 200, ok, read, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"no backoff after a throttled poll", []journal.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 10, poll("i1"), 400, throttled, read),
			ent(3, 20, poll("i1"), 200, ok, read),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoBackoff, []uint64{2, 3}}}},
		{"a storm of throttled polls", append([]journal.Entry{ent(1, 0, order("a"), 200, ok, placed("o1"))},
			ent(2, 200, poll("i1"), 400, throttled, read), ent(3, 400, poll("i1"), 400, throttled, read),
			ent(4, 600, poll("i1"), 400, throttled, read), ent(5, 800, poll("i1"), 400, throttled, read)),
			verdict.Thresholds{MaxRetries: 2}, []want{{verdict.VerdictRetryStorm, []uint64{2, 3, 4, 5}}}},
		{"NotApplicable, then the same request and token on the other site, a success", []journal.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", at(spec.SiteDomestic), hostID("business.aliyuncs.com")),
			ent(2, 10, order("a"), 200, ok, placed("o1"), at(spec.SiteInternational)),
		}, verdict.Thresholds{}, nil},
		{"a move to the other site whatever the answer, then a repeat there", []journal.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", at(spec.SiteDomestic)),
			ent(2, 10, order("a"), 400, "InvalidParameter", at(spec.SiteInternational)),
			ent(3, 20, order("a"), 400, "InvalidParameter", at(spec.SiteInternational)),
		}, verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{2, 3}}}},
		{"Account.NotExists on the international site, back to the domestic one", []journal.Entry{
			ent(1, 0, poll("i1"), 400, "Account.NotExists", read, at(spec.SiteInternational)),
			ent(2, 10, poll("i1"), 200, ok, read, at(spec.SiteDomestic)),
		}, verdict.Thresholds{}, nil},
		{"NotApplicable, then the same request on the same site", []journal.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", at(spec.SiteDomestic)),
			ent(2, 10, order("a"), 400, "NotApplicable", at(spec.SiteDomestic)),
		}, verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"answers' HostIds are not the site the journal recorded", []journal.Entry{
			ent(1, 0, order("a"), 400, "NotApplicable", at(spec.SiteDomestic), hostID("business.aliyuncs.com")),
			ent(2, 10, order("a"), 400, "NotApplicable", at(spec.SiteDomestic), hostID("business.ap-southeast-1.aliyuncs.com")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"retried a non-retryable code", []journal.Entry{
			ent(1, 0, order("a"), 400, "InvalidParameter"),
			ent(2, 1000, order("a"), 400, "InvalidParameter"),
		}, verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"a signature error, resent with a new signature", []journal.Entry{
			ent(1, 0, order("a", "Signature", "x"), 400, "SignatureDoesNotMatch"),
			ent(2, 1000, order("a", "Signature", "y", "Timestamp", "later"), 400, "SignatureDoesNotMatch"),
		}, verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"a corrected request after a non-retryable code", []journal.Entry{
			ent(1, 0, order("a", "Period", "0"), 400, "InvalidParameter"),
			ent(2, 10, order("a", "Period", "1"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"no backoff after throttling", []journal.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 99, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoBackoff, []uint64{1, 2}}}},
		{"backoff of 100ms is enough", []journal.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 100, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"a configured gap", []journal.Entry{
			ent(1, 0, order("a"), 400, throttled),
			ent(2, 300, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{MinBackoff: time.Second}, []want{{verdict.VerdictNoBackoff, []uint64{1, 2}}}},
		{"no backoff after a proxy 502", []journal.Entry{
			ent(1, 0, order("a"), 502, "", func(e *journal.Entry) { e.Fault = "proxy502" }),
			ent(2, 5, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoBackoff, []uint64{1, 2}}}},
		{"an immediate confirmation after a reset is fine", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("reset")),
			ent(2, 5, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"retry storm", storm(4), verdict.Thresholds{MaxRetries: 2}, []want{{verdict.VerdictRetryStorm, []uint64{1, 2, 3, 4}}, {verdict.VerdictGaveUpOnRetryable, []uint64{4}}}},
		{"retries within the bound", storm(3), verdict.Thresholds{MaxRetries: 2}, []want{{verdict.VerdictGaveUpOnRetryable, []uint64{3}}}},
		{"no timeout: held past the bound", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(16*time.Second, "the client gave up after 16s")),
			ent(2, 16000, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoTimeout, []uint64{1}}}},
		{"the old Go SDK's default read timeout (10 s), as measured", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(10004*time.Millisecond, "the client gave up after 10.004s")),
			ent(2, 10010, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"a 10 s timeout on a loaded machine", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(12*time.Second, "the client gave up after 12s")),
			ent(2, 12000, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		{"no timeout (darabonba without ReadTimeout): held until the default hang limit", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(15*time.Second, "the client held a hung request for 15s without timing out: it has no timeout")),
			ent(2, 15000, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoTimeout, []uint64{1}}}},
		{"a configured bound below the SDK's default", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(10004*time.Millisecond, "the client gave up after 10.004s")),
			ent(2, 10010, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{HangBound: 10 * time.Second}, []want{{verdict.VerdictNoTimeout, []uint64{1}}}},
		{"no timeout: the fake's hang limit ended it", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(2*time.Second, "the client held a hung request for 2s without timing out: it has no timeout")),
			ent(2, 2000, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictNoTimeout, []uint64{1}}}},
		{"a timeout within the bound", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("hang"), held(9*time.Second, "the client gave up after 9s")),
			ent(2, 9000, order("a"), 200, ok, placed("o1")),
		}, verdict.Thresholds{}, nil},
		// The contract suite's requests (User-Agent token bsskit-contract/, alone or after an SDK's
		// agent) are wrong on purpose: left out, while the same requests from anyone else are judged.
		{"the contract suite", repeated("bsskit-contract/devel", 1), verdict.Thresholds{}, nil},
		{"the contract suite after an SDK's agent", repeated("AlibabaCloud (linux; amd64) Golang/1.26 Core/1.63.107 bsskit-contract/1.4.0", 1), verdict.Thresholds{}, nil},
		{"the contract suite, a lower-case header key", repeated("", 1, func(e *journal.Entry) {
			e.Header = http.Header{"user-agent": {"bsskit-contract/devel"}}
		}), verdict.Thresholds{}, nil},
		{"an SDK's agent", repeated("AlibabaCloud (linux; amd64) Golang/1.26 Core/1.63.107", 1), verdict.Thresholds{},
			[]want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"the suite's product name without a version is not its token", repeated("bsskit-contract", 1), verdict.Thresholds{},
			[]want{{verdict.VerdictRetriedNonRetryable, []uint64{1, 2}}}},
		{"a caller between the suite's requests", slices.Concat(repeated("bsskit-contract/devel", 1), repeated("my-app/2", 3), repeated("bsskit-contract/devel", 5)),
			verdict.Thresholds{}, []want{{verdict.VerdictRetriedNonRetryable, []uint64{3, 4}}}},
		{"token reused for another order", []journal.Entry{
			ent(1, 0, order("a"), 200, ok, placed("o1")),
			ent(2, 10, order("a", "Parameter.2.Code", "BillType", "Parameter.2.Value", "traffic"), 200, ok, replayed("o1")),
		}, verdict.Thresholds{}, []want{{verdict.VerdictTokenReused, []uint64{1, 2}}}},
		{"gave up on a retryable code", []journal.Entry{ent(1, 0, order("a"), 400, throttled)}, verdict.Thresholds{},
			[]want{{verdict.VerdictGaveUpOnRetryable, []uint64{1}}}},
		{"gave up after an unknown outcome that placed the order", []journal.Entry{
			ent(1, 0, order("a"), 0, "", fault("reset"), placed("o1"))}, verdict.Thresholds{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, f := range verdict.Judge(tt.entries, tt.th) {
				got = append(got, want{f.Name, f.Seqs})
				assert.NotEmpty(t, f.Message)
				assert.Equal(t, f.Name != verdict.VerdictGaveUpOnRetryable, f.Failing(), f.Name)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("Judge (-want +got):\n%s", diff)
			}
		})
	}
}

// storm is n throttled sendings of one request, 200ms apart.
func storm(n int) []journal.Entry {
	var es []journal.Entry
	for i := range n {
		es = append(es, ent(uint64(i+1), 200*i, order("a"), 400, "Throttling.User"))
	}
	return es
}

// TestJudgeFailGaveUp: FailGaveUp turns gave-up-on-retryable into a failing finding.
func TestJudgeFailGaveUp(t *testing.T) {
	t.Parallel()
	fs := verdict.Judge(storm(1), verdict.Thresholds{FailGaveUp: true})
	require.Len(t, fs, 1)
	assert.True(t, fs[0].Failing())
	assert.Equal(t, verdict.SeverityError, fs[0].Severity)
}

// agent sets the request's User-Agent.
func agent(ua string) func(*journal.Entry) {
	return func(e *journal.Entry) { e.Header = http.Header{"User-Agent": {ua}} }
}

// repeated is a request sent twice, from seq on, after InvalidParameter, with User-Agent ua.
func repeated(ua string, seq uint64, mod ...func(*journal.Entry)) []journal.Entry {
	mod = append([]func(*journal.Entry){agent(ua)}, mod...)
	return []journal.Entry{
		ent(seq, int(seq)*10, order("a"), 400, "InvalidParameter", mod...),
		ent(seq+1, int(seq)*10+5, order("a"), 400, "InvalidParameter", mod...),
	}
}
