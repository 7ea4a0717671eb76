package fake_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/sdkcall"
)

// faultCreds are the credentials the fault tests give the SDKs (the fake does not verify them).
var faultCreds = sdkcall.Credentials{AccessKeyID: "faultAKID", AccessKeySecret: "faultSecret"}

// faultRequest is a valid pay-as-you-go rtc order with the given read timeout.
func faultRequest(timeout time.Duration) sdkcall.Request {
	return sdkcall.Request{
		ProductCode:      "rtc",
		SubscriptionType: "PayAsYouGo",
		Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}},
		ReadTimeout:      timeout,
	}
}

// faultParams are the query parameters of a valid rtc order, as the old SDK sends them.
func faultParams(kv ...string) url.Values {
	v := url.Values{
		"Action":            {"CreateInstance"},
		"Version":           {"2017-12-14"},
		"Format":            {"JSON"},
		"AccessKeyId":       {"faultAKID"},
		"ProductCode":       {"rtc"},
		"SubscriptionType":  {"PayAsYouGo"},
		"Parameter.1.Code":  {"ServiceType"},
		"Parameter.1.Value": {"universal"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

// rawResult is what a plain net/http client got.
type rawResult struct {
	status  int
	body    []byte
	err     error // from Do
	readErr error // from reading the body
}

// send posts params with a fresh net/http client (no connection reuse) and the given timeout.
func send(srv *fake.Server, timeout time.Duration, params url.Values) rawResult {
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	defer c.CloseIdleConnections()
	resp, err := c.Post(srv.URL()+"/?"+params.Encode(), "application/x-www-form-urlencoded", nil)
	if err != nil {
		return rawResult{err: err}
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(resp.Body)
	return rawResult{status: resp.StatusCode, body: body, readErr: rerr}
}

// mustSend is send that fails the test on a transport error and decodes a JSON body.
func mustSend(t *testing.T, srv *fake.Server, params url.Values) (int, map[string]any) {
	t.Helper()
	r := send(srv, 5*time.Second, params)
	require.NoError(t, r.err)
	require.NoError(t, r.readErr)
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body %q", r.body)
	return r.status, m
}

// adminDo sends an admin request and decodes the JSON answer.
func adminDo(t *testing.T, srv *fake.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL()+path, bytes.NewBufferString(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "body %q", raw)
	return resp.StatusCode, m
}

// statuses sends n requests and returns the status of each (0 for a transport error).
func statuses(srv *fake.Server, n int, params url.Values) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = send(srv, 5*time.Second, params).status
	}
	return out
}

// waitJournal polls until the journal holds n entries (an exchange is journaled just after its
// answer is sent, so a client can be faster than the journal) and returns it in arrival order.
func waitJournal(srv *fake.Server, n int) []journal.Entry {
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		j := srv.Journal()
		if len(j) >= n || time.Now().After(deadline) {
			slices.SortFunc(j, func(a, b journal.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
			return j
		}
		<-tick.C
	}
}
