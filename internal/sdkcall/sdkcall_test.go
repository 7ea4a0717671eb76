package sdkcall_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/internal/signing"
)

// hit is one request as the fake received it.
type hit struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
	// Who and VerifyErr are what the signing package's verifier (the gateway's rules, written
	// independently of the SDKs) says of the request's signature.
	Who       signing.Identity
	VerifyErr error
}

// fake is a loopback server with one canned reply that records every request and verifies its
// signature, nonce included: a reused nonce is a VerifyErr.
type fake struct {
	srv      *httptest.Server
	verifier *signing.Verifier
	mu       sync.Mutex
	hits     []hit // guarded by mu
}

// newFake starts a fake on 127.0.0.1 and closes it when the test ends.
func newFake(t *testing.T, reply http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{verifier: &signing.Verifier{
		Lookup:           func(ak string) (string, bool) { return akCred.AccessKeySecret, ak == akCred.AccessKeyID },
		CheckBearerToken: func(tok string) (string, bool) { return "bearer-user", tok == "bearer-abc" },
		Nonces:           signing.NewNonceCache(0, 0),
	}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		who, verr := f.verifier.Verify(signing.RequestFromHTTP(r, body))
		f.mu.Lock()
		f.hits = append(f.hits, hit{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body), who, verr})
		f.mu.Unlock()
		reply(w, r)
	}))
	t.Cleanup(func() {
		// Drop connections first so that hanging handlers return and an
		// abandoned call cannot keep Close waiting.
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// addr is the endpoint to hand to sdkcall.Call.
func (f *fake) addr() string { return f.srv.Listener.Addr().String() }

// requests returns a copy of the recorded requests.
func (f *fake) requests() []hit {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hit(nil), f.hits...)
}

// reply answers with a fixed status, content type and body.
func reply(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Acs-Request-Id", "REQ-1")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

const ctJSON = "application/json;charset=utf-8"

// hang never answers; it returns once the client gives up and closes the
// connection, or the fake is torn down.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

var (
	akCred = sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret"}

	bodySuccess = `{"RequestId":"REQ-1","Success":true,"Code":"Success","Message":"Successful!",` +
		`"Data":{"OrderId":"214567890120123","InstanceId":"i-bp1abc"}}`
	bodySuccessXML = `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>REQ-1</RequestId>` +
		`<Success>true</Success><Code>Success</Code><Message>Successful!</Message>` +
		`<Data><OrderId>214567890120123</OrderId><InstanceId>i-bp1abc</InstanceId></Data></CreateInstanceResponse>`
	recommend400 = "https://api.aliyun.com/troubleshoot?q=InvalidParameter&product=BssOpenApi&requestId=REQ-400"
	body400      = `{"RequestId":"REQ-400","HostId":"business.aliyuncs.com","Code":"InvalidParameter",` +
		`"Message":"This request contain some invalid parameter","Recommend":"` + recommend400 + `"}`
	body503 = `{"RequestId":"REQ-503","HostId":"business.aliyuncs.com","Code":"ServiceUnavailable",` +
		`"Message":"The request has failed due to a temporary failure of the server."}`
	bodyThrottled = `{"RequestId":"REQ-TH","HostId":"business.aliyuncs.com","Code":"Throttling.User",` +
		`"Message":"Request was denied due to user flow control."}`
	bodyNotSuccess = `{"RequestId":"REQ-F","Success":false,"Code":"ProductNotFind","Message":"product not found"}`
	bodyTruncated  = `{"RequestId":"REQ-T","Success":true,"Code":"Succ`
	bodyHTML       = `<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>`
	bodyXMLError   = `<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>REQ-X</RequestId>` +
		`<HostId>business.aliyuncs.com</HostId><Code>InvalidParameter</Code>` +
		`<Message>This request contain some invalid parameter</Message>` +
		`<Recommend><![CDATA[` + recommend400 + `]]></Recommend></Error>`
	bodyNumericRequestID400 = `{"RequestId":12345,"Code":"InvalidParameter","Message":"bad"}`
	bodyNumbers200          = `{"RequestId":12345,"Success":true,"Code":"Success",` +
		`"Data":{"OrderId":214567890120123456,"InstanceId":"i-1"}}`
)

// view is the comparable part of an Outcome (ErrMessage is checked by
// substring, Err by kind).
type view struct {
	OK         bool
	Success    bool
	Code       string
	RequestID  string
	OrderID    string
	InstanceID string
	HTTPStatus int
	ErrKind    sdkcall.ErrKind
	ErrCode    string
	ErrStatus  int
	Recommend  string
}

func viewOf(o sdkcall.Outcome) view {
	return view{o.OK, o.Success, o.Code, o.RequestID, o.OrderID, o.InstanceID, o.HTTPStatus,
		o.ErrKind, o.ErrCode, o.ErrStatus, o.ErrRecommend}
}

// expect is one client's expected result for a scenario.
type expect struct {
	view
	msg  string // substring of ErrMessage
	hits int    // requests the fake saw
}

var (
	okSuccess = view{OK: true, Success: true, Code: "Success", RequestID: "REQ-1",
		OrderID: "214567890120123", InstanceID: "i-bp1abc", HTTPStatus: 200}
	doa400 = expect{view{ErrKind: sdkcall.SDKError, ErrCode: "InvalidParameter", ErrStatus: 400,
		RequestID: "REQ-400", Recommend: recommend400},
		"code: 400, This request contain some invalid parameter request id: REQ-400", 1}
	doa503 = expect{view{ErrKind: sdkcall.SDKError, ErrCode: "ServiceUnavailable", ErrStatus: 503, RequestID: "REQ-503"},
		"code: 503, The request has failed", 1}
	unsupported = expect{view{ErrKind: sdkcall.Unsupported}, "unsupported", 0}
)

// TestOutcomes checks the normalised Outcome of every client against the
// behaviour in reference §3 (ACS) and §4.3 (DOA).
func TestOutcomes(t *testing.T) {
	t.Parallel()
	fast := 300 * time.Millisecond
	tests := []struct {
		name  string
		reply http.HandlerFunc
		req   sdkcall.Request
		want  map[sdkcall.Client]expect
	}{
		{
			name:  "success JSON",
			reply: reply(200, ctJSON, bodySuccess),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {okSuccess, "", 1},
				sdkcall.DOAV3: {okSuccess, "", 1},
				sdkcall.DOAV1: {okSuccess, "", 1},
			},
		},
		{
			name:  "success XML",
			reply: reply(200, "text/xml;charset=utf-8", bodySuccessXML),
			req:   sdkcall.Request{Format: "XML"},
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {okSuccess, "", 1},
				sdkcall.DOAV3: unsupported,
				sdkcall.DOAV1: {okSuccess, "", 1},
			},
		},
		{
			name:  "empty 200 body",
			reply: reply(200, ctJSON, ""),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {view{OK: true, HTTPStatus: 200}, "", 1},
				sdkcall.DOAV3: {view{OK: true, HTTPStatus: 200}, "", 1},
				sdkcall.DOAV1: {view{OK: true, HTTPStatus: 200}, "", 1},
			},
		},
		{
			name:  "400 JSON error",
			reply: reply(400, ctJSON, body400),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ServerError, ErrCode: "InvalidParameter", ErrStatus: 400,
					RequestID: "REQ-400", Recommend: recommend400}, "This request contain some invalid parameter", 1},
				sdkcall.DOAV3: doa400,
				sdkcall.DOAV1: doa400,
			},
		},
		{
			name:  "503 without retry",
			reply: reply(503, ctJSON, body503),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ServerError, ErrCode: "ServiceUnavailable", ErrStatus: 503,
					RequestID: "REQ-503"}, "temporary failure", 1},
				sdkcall.DOAV3: doa503,
				sdkcall.DOAV1: doa503,
			},
		},
		{
			name:  "503 with AutoRetry MaxRetries=2",
			reply: reply(503, ctJSON, body503),
			req:   sdkcall.Request{AutoRetry: true, MaxRetries: 2},
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ServerError, ErrCode: "ServiceUnavailable", ErrStatus: 503,
					RequestID: "REQ-503"}, "temporary failure", 3},
				sdkcall.DOAV3: {doa503.view, doa503.msg, 3},
				sdkcall.DOAV1: {doa503.view, doa503.msg, 3},
			},
		},
		{
			// DOA raises ThrottlingError internally; it surfaces as SDKError.
			name:  "400 Throttling.User",
			reply: reply(400, ctJSON, bodyThrottled),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ServerError, ErrCode: "Throttling.User", ErrStatus: 400,
					RequestID: "REQ-TH"}, "user flow control", 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.SDKError, ErrCode: "Throttling.User", ErrStatus: 400,
					RequestID: "REQ-TH"}, "code: 400, Request was denied due to user flow control. request id: REQ-TH", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.SDKError, ErrCode: "Throttling.User", ErrStatus: 400,
					RequestID: "REQ-TH"}, "code: 400, Request was denied due to user flow control. request id: REQ-TH", 1},
			},
		},
		{
			name:  "200 Success=false is not an error",
			reply: reply(200, ctJSON, bodyNotSuccess),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {view{OK: true, Code: "ProductNotFind", RequestID: "REQ-F", HTTPStatus: 200}, "", 1},
				sdkcall.DOAV3: {view{OK: true, Code: "ProductNotFind", RequestID: "REQ-F", HTTPStatus: 200}, "", 1},
				sdkcall.DOAV1: {view{OK: true, Code: "ProductNotFind", RequestID: "REQ-F", HTTPStatus: 200}, "", 1},
			},
		},
		{
			name:  "200 truncated JSON",
			reply: reply(200, ctJSON, bodyTruncated),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ClientError, ErrCode: "SDK.JsonUnmarshalError", ErrStatus: 200},
					"Failed to unmarshal response", 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.Decode}, "unexpected EOF", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.Decode}, "unexpected EOF", 1},
			},
		},
		{
			name:  "502 HTML",
			reply: reply(502, "text/html", bodyHTML),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {view{ErrKind: sdkcall.ServerError, ErrStatus: 502}, bodyHTML, 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.Decode}, "invalid character '<'", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.Decode}, "invalid character '<'", 1},
			},
		},
		{
			// Only the V3 response path parses text/xml;charset=utf-8
			// errors; DOA's legacy DoRPCRequest path always expects JSON.
			name:  "400 XML Error",
			reply: reply(400, "text/xml;charset=utf-8", bodyXMLError),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{ErrKind: sdkcall.ServerError, ErrStatus: 400}, bodyXMLError, 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.SDKError, ErrCode: "InvalidParameter", ErrStatus: 400,
					RequestID: "REQ-X", Recommend: recommend400}, "request id: REQ-X", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.Decode}, "invalid character '<'", 1},
			},
		},
		{
			name:  "400 non-string RequestId",
			reply: reply(400, ctJSON, bodyNumericRequestID400),
			want: map[sdkcall.Client]expect{
				// ACS NewServerError does requestId.(string): recovered panic.
				sdkcall.ACS: {view{ErrKind: sdkcall.Other}, "interface conversion", 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.SDKError, ErrCode: "InvalidParameter", ErrStatus: 400,
					RequestID: "12345"}, "request id: 12345", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.SDKError, ErrCode: "InvalidParameter", ErrStatus: 400,
					RequestID: "12345"}, "request id: 12345", 1},
			},
		},
		{
			name:  "200 numeric RequestId and OrderId",
			reply: reply(200, ctJSON, bodyNumbers200),
			want: map[sdkcall.Client]expect{
				sdkcall.ACS: {view{OK: true, Success: true, Code: "Success", RequestID: "12345",
					OrderID: "214567890120123456", InstanceID: "i-1", HTTPStatus: 200}, "", 1},
				sdkcall.DOAV3: {view{OK: true, Success: true, Code: "Success", RequestID: "12345",
					OrderID: "214567890120123456", InstanceID: "i-1", HTTPStatus: 200}, "", 1},
				sdkcall.DOAV1: {view{OK: true, Success: true, Code: "Success", RequestID: "12345",
					OrderID: "214567890120123456", InstanceID: "i-1", HTTPStatus: 200}, "", 1},
			},
		},
		{
			name:  "slower than ReadTimeout",
			reply: hang,
			req:   sdkcall.Request{ReadTimeout: fast},
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {view{ErrKind: sdkcall.Transport}, "Client.Timeout exceeded", 1},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.Transport}, "Client.Timeout exceeded", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.Transport}, "Client.Timeout exceeded", 1},
			},
		},
		{
			// ACS retries timeouts; DOA's RetryOptions only match SDK
			// errors by code, so a transport error is never retried.
			name:  "slower than ReadTimeout with AutoRetry MaxRetries=1",
			reply: hang,
			req:   sdkcall.Request{ReadTimeout: fast, AutoRetry: true, MaxRetries: 1},
			want: map[sdkcall.Client]expect{
				sdkcall.ACS:   {view{ErrKind: sdkcall.ClientError, ErrCode: "SDK.TimeoutError"}, "The request timed out 2 times", 2},
				sdkcall.DOAV3: {view{ErrKind: sdkcall.Transport}, "Client.Timeout exceeded", 1},
				sdkcall.DOAV1: {view{ErrKind: sdkcall.Transport}, "Client.Timeout exceeded", 1},
			},
		},
	}
	for _, tc := range tests {
		for _, c := range sdkcall.Clients() {
			want, ok := tc.want[c]
			if !ok {
				t.Fatalf("%s: no expectation for %s", tc.name, c)
			}
			t.Run(tc.name+"/"+string(c), func(t *testing.T) {
				t.Parallel()
				f := newFake(t, tc.reply)
				req := tc.req
				req.ProductCode = "rds"
				if req.ReadTimeout == 0 {
					req.ReadTimeout = 5 * time.Second // never hang a DOA call
				}
				got := sdkcall.Call(context.Background(), c, f.addr(), akCred, req)

				assert.Equal(t, want.view, viewOf(got))
				assert.Contains(t, got.ErrMessage, want.msg)
				assert.Len(t, f.requests(), want.hits)
				if got.OK {
					assert.NoError(t, got.Err)
				} else {
					assert.Error(t, got.Err)
				}
			})
		}
	}
}

// TestPanicIsObservable checks the recovered ACS panic in detail.
func TestPanicIsObservable(t *testing.T) {
	t.Parallel()
	f := newFake(t, reply(400, ctJSON, bodyNumericRequestID400))
	got := sdkcall.Call(context.Background(), sdkcall.ACS, f.addr(), akCred, sdkcall.Request{ProductCode: "rds"})

	var pe *sdkcall.PanicError
	require.ErrorAs(t, got.Err, &pe)
	assert.Equal(t, sdkcall.ACS, pe.Client)
	assert.Equal(t, sdkcall.Other, got.ErrKind)
	assert.Contains(t, got.ErrMessage, "interface {} is float64, not string")
}

// TestRequestShape captures what each client puts on the wire.
func TestRequestShape(t *testing.T) {
	t.Parallel()
	base := sdkcall.Request{
		ProductCode:      "rds",
		ProductType:      "rds_intl",
		SubscriptionType: "Subscription",
		ClientToken:      "token-123",
		RenewalStatus:    "AutoRenewal",
		Logistics:        `{"zipCode":"0000"}`,
		Period:           12,
		RenewPeriod:      1,
		OwnerID:          1234567890123456789,
		Parameters: []sdkcall.Param{
			{Code: "Region", Value: "cn-hangzhou"},
			{Code: "Name", Value: "a b*c~d/e+f=g&h中"},
		},
	}
	business := map[string]string{
		"ProductCode":       "rds",
		"ProductType":       "rds_intl",
		"SubscriptionType":  "Subscription",
		"ClientToken":       "token-123",
		"RenewalStatus":     "AutoRenewal",
		"Logistics":         `{"zipCode":"0000"}`,
		"Period":            "12",
		"RenewPeriod":       "1",
		"OwnerId":           "1234567890123456789",
		"Parameter.1.Code":  "Region",
		"Parameter.1.Value": "cn-hangzhou",
		"Parameter.2.Code":  "Name",
		"Parameter.2.Value": "a b*c~d/e+f=g&h中",
	}
	sts := sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret", SecurityToken: "STS.tok/en+="}
	bearer := sdkcall.Credentials{BearerToken: "bearer-abc"}

	tests := []struct {
		name   string
		client sdkcall.Client
		cred   sdkcall.Credentials
		method string
		format string
		query  map[string]string // exact values; "" means present and empty
		absent []string          // query keys that must not be sent
		header map[string]string // exact header values
		noHdr  []string          // headers that must not be sent
		prefix map[string]string // header value prefixes
	}{
		{
			name: "ACS AK POST JSON", client: sdkcall.ACS, cred: akCred, method: "POST",
			query: map[string]string{"Action": "CreateInstance", "Version": "2017-12-14", "Format": "JSON",
				"RegionId": "cn-hangzhou", "AccessKeyId": "testAKID", "SignatureMethod": "HMAC-SHA1",
				"SignatureVersion": "1.0", "SignatureType": ""},
			absent: []string{"SecurityToken", "BearerToken"},
			header: map[string]string{"X-Acs-Action": "CreateInstance", "X-Acs-Version": "2017-12-14",
				"X-Acs-Credentials-Provider": "static_ak", "Content-Type": "application/x-www-form-urlencoded"},
		},
		{
			name: "ACS GET XML", client: sdkcall.ACS, cred: akCred, method: "GET", format: "XML",
			query: map[string]string{"Action": "CreateInstance", "Format": "XML"},
		},
		{
			name: "ACS STS", client: sdkcall.ACS, cred: sts, method: "POST",
			query:  map[string]string{"SecurityToken": "STS.tok/en+=", "AccessKeyId": "testAKID"},
			header: map[string]string{"X-Acs-Credentials-Provider": "static_sts"},
		},
		{
			name: "ACS bearer", client: sdkcall.ACS, cred: bearer, method: "POST",
			query:  map[string]string{"BearerToken": "bearer-abc", "SignatureType": "BEARERTOKEN", "AccessKeyId": ""},
			header: map[string]string{"X-Acs-Credentials-Provider": "bearer_token"},
		},
		{
			name: "DOA v3 AK POST", client: sdkcall.DOAV3, cred: akCred, method: "POST",
			absent: []string{"Action", "Version", "Format", "Timestamp", "SignatureNonce", "AccessKeyId",
				"RegionId", "Signature", "SignatureType"},
			header: map[string]string{"X-Acs-Action": "CreateInstance", "X-Acs-Version": "2017-12-14",
				"Accept": "application/json", "X-Acs-Credentials-Provider": "static_ak"},
			noHdr:  []string{"Content-Type", "X-Acs-Security-Token"},
			prefix: map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders="},
		},
		{
			name: "DOA v3 GET", client: sdkcall.DOAV3, cred: akCred, method: "GET",
			absent: []string{"Action", "Format"},
			header: map[string]string{"X-Acs-Action": "CreateInstance"},
		},
		{
			name: "DOA v3 STS", client: sdkcall.DOAV3, cred: sts, method: "POST",
			absent: []string{"SecurityToken"},
			header: map[string]string{"X-Acs-Security-Token": "STS.tok/en+=", "X-Acs-Accesskey-Id": "testAKID"},
		},
		{
			name: "DOA v3 bearer", client: sdkcall.DOAV3, cred: bearer, method: "POST",
			query:  map[string]string{"SignatureType": "BEARERTOKEN"},
			absent: []string{"BearerToken"},
			header: map[string]string{"X-Acs-Bearer-Token": "bearer-abc"},
			noHdr:  []string{"Authorization"},
		},
		{
			name: "DOA v1 AK POST", client: sdkcall.DOAV1, cred: akCred, method: "POST",
			query: map[string]string{"Action": "CreateInstance", "Version": "2017-12-14", "Format": "json",
				"AccessKeyId": "testAKID", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0"},
			absent: []string{"RegionId", "SignatureType", "SecurityToken"},
			header: map[string]string{"X-Acs-Action": "CreateInstance", "X-Acs-Version": "2017-12-14"},
			noHdr:  []string{"Authorization"},
		},
		{
			name: "DOA v1 GET XML", client: sdkcall.DOAV1, cred: akCred, method: "GET", format: "XML",
			query: map[string]string{"Action": "CreateInstance", "Format": "XML"},
		},
		{
			name: "DOA v1 STS", client: sdkcall.DOAV1, cred: sts, method: "POST",
			query: map[string]string{"SecurityToken": "STS.tok/en+="},
		},
		{
			name: "DOA v1 bearer", client: sdkcall.DOAV1, cred: bearer, method: "POST",
			query:  map[string]string{"BearerToken": "bearer-abc", "SignatureType": "BEARERTOKEN"},
			absent: []string{"Signature", "AccessKeyId"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			canned := reply(200, ctJSON, bodySuccess)
			if tc.format == "XML" {
				canned = reply(200, "text/xml;charset=utf-8", bodySuccessXML)
			}
			f := newFake(t, canned)
			req := base
			req.Method, req.Format = tc.method, tc.format
			req.ReadTimeout = 5 * time.Second
			got := sdkcall.Call(context.Background(), tc.client, f.addr(), tc.cred, req)
			require.True(t, got.OK, "outcome: %+v", got)
			assert.Equal(t, "214567890120123", got.OrderID)

			hits := f.requests()
			require.Len(t, hits, 1)
			h := hits[0]
			assert.Equal(t, tc.method, h.Method)
			assert.Equal(t, "/", h.Path)
			assert.Empty(t, h.Body, "everything travels in the query")
			for k, v := range business {
				assert.Equal(t, []string{v}, h.Query[k], "query %s", k)
			}
			for k, v := range tc.query {
				assert.Equal(t, []string{v}, h.Query[k], "query %s", k)
			}
			for _, k := range tc.absent {
				assert.NotContains(t, h.Query, k, "query %s", k)
			}
			for k, v := range tc.header {
				assert.Equal(t, v, h.Header.Get(k), "header %s", k)
			}
			for _, k := range tc.noHdr {
				assert.Empty(t, h.Header.Values(k), "header %s", k)
			}
			for k, p := range tc.prefix {
				assert.True(t, strings.HasPrefix(h.Header.Get(k), p), "header %s = %q", k, h.Header.Get(k))
			}
			for k := range h.Query {
				if strings.HasPrefix(k, "Parameter.") {
					assert.Contains(t, business, k, "unexpected repeated key")
				}
			}
			// The signature verifies under the gateway's rules, as the scheme the client must use.
			want := signing.Identity{Scheme: signing.SchemeV1, AccessKeyID: "testAKID", Principal: "testAKID", SecurityToken: tc.cred.SecurityToken}
			switch {
			case tc.cred.BearerToken != "":
				want = signing.Identity{Scheme: signing.SchemeBearer, Principal: "bearer-user"}
			case tc.client == sdkcall.DOAV3:
				want.Scheme = signing.SchemeV3
			}
			require.NoError(t, h.VerifyErr)
			got1 := h.Who
			got1.Nonce, got1.Time = "", time.Time{}
			assert.Equal(t, want, got1)
			if want.Scheme != signing.SchemeBearer {
				assert.NotEmpty(t, h.Who.Nonce, "a signed request carries a nonce")
				assert.WithinDuration(t, time.Now(), h.Who.Time, time.Minute, "signed now")
			}
		})
	}
}

// TestUnsetFieldsAreNotSent checks that zero values never reach the wire.
func TestUnsetFieldsAreNotSent(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, reply(200, ctJSON, bodySuccess))
			req := sdkcall.Request{ProductCode: "rds", ReadTimeout: 5 * time.Second,
				Parameters: []sdkcall.Param{{Code: "OnlyCode"}}}
			got := sdkcall.Call(context.Background(), c, f.addr(), akCred, req)
			require.True(t, got.OK, "outcome: %+v", got)
			q := f.requests()[0].Query
			for _, k := range []string{"Period", "RenewPeriod", "OwnerId", "ClientToken", "ProductType",
				"SubscriptionType", "RenewalStatus", "Logistics", "Parameter.1.Value"} {
				assert.NotContains(t, q, k)
			}
			assert.Equal(t, "OnlyCode", q.Get("Parameter.1.Code"))
		})
	}
}

// TestRefused checks requests that Call rejects without any network traffic: those that could
// reach a server point at a live fake, which must see nothing, and the message says why.
func TestRefused(t *testing.T) {
	t.Parallel()
	const live = "<fake>" // replaced by the fake's address
	tests := []struct {
		name     string
		client   sdkcall.Client
		endpoint string
		req      sdkcall.Request
		why      string // substring of ErrMessage
	}{
		{"unknown client", "sdk-x", live, sdkcall.Request{}, `unknown client "sdk-x"`},
		{"real endpoint", sdkcall.ACS, "business.aliyuncs.com", sdkcall.Request{}, `"business.aliyuncs.com" is not a loopback address`},
		{"real endpoint DOA", sdkcall.DOAV3, "business.aliyuncs.com:80", sdkcall.Request{}, "is not a loopback address"},
		{"a name that only starts like localhost", sdkcall.ACS, "localhost.example.com:80", sdkcall.Request{}, "is not a loopback address"},
		{"URL not host:port", sdkcall.DOAV1, "http://" + live, sdkcall.Request{}, "is not host:port"},
		{"empty endpoint", sdkcall.ACS, "", sdkcall.Request{}, "is not host:port"},
		{"non-loopback IP", sdkcall.ACS, "10.0.0.1:80", sdkcall.Request{}, `"10.0.0.1:80" is not a loopback address`},
		{"unspecified IP", sdkcall.ACS, "0.0.0.0:80", sdkcall.Request{}, "is not a loopback address"},
		{"XML from DOA v3", sdkcall.DOAV3, live, sdkcall.Request{Format: "xml"}, "cannot ask for XML"},
		{"bad format", sdkcall.ACS, live, sdkcall.Request{Format: "YAML"}, `Format "YAML"`},
		{"bad method", sdkcall.DOAV1, live, sdkcall.Request{Method: "PUT"}, `Method "PUT"`},
		{"negative ReadTimeout", sdkcall.ACS, live, sdkcall.Request{ReadTimeout: -time.Second}, "negative ReadTimeout"},
		{"negative MaxRetries", sdkcall.DOAV3, live, sdkcall.Request{MaxRetries: -1}, "MaxRetries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, reply(200, ctJSON, bodySuccess))
			tc.req.ProductCode = "rds"
			got := sdkcall.Call(context.Background(), tc.client, strings.ReplaceAll(tc.endpoint, live, f.addr()), akCred, tc.req)
			assert.Equal(t, sdkcall.Unsupported, got.ErrKind)
			assert.ErrorIs(t, got.Err, sdkcall.ErrUnsupported)
			assert.Contains(t, got.ErrMessage, tc.why)
			assert.False(t, got.OK)
			assert.Empty(t, f.requests(), "refused before any traffic")
		})
	}
}

// TestLoopbackForms checks the endpoint spellings Call accepts: each call reaches the fake.
func TestLoopbackForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, host string }{
		{"IPv4 literal", "127.0.0.1"},
		{"localhost", "localhost"},
		{"localhost in capitals", "LOCALHOST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, reply(200, ctJSON, bodySuccess))
			_, port, err := net.SplitHostPort(f.addr())
			require.NoError(t, err)
			got := sdkcall.Call(context.Background(), sdkcall.DOAV3, net.JoinHostPort(tc.host, port), akCred,
				sdkcall.Request{ProductCode: "rds", ReadTimeout: 5 * time.Second})
			assert.True(t, got.OK, "%+v", got)
			hits := f.requests()
			require.Len(t, hits, 1)
			assert.NoError(t, hits[0].VerifyErr, "signed for the host it was sent to")
		})
	}
}

// TestConnectionRefused points every client at a closed loopback port.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			got := sdkcall.Call(context.Background(), c, addr, akCred,
				sdkcall.Request{ProductCode: "rds", ReadTimeout: time.Second})
			assert.Equal(t, sdkcall.Transport, got.ErrKind, "outcome: %+v", got)
			assert.Contains(t, got.ErrMessage, "refused")
		})
	}
}

// TestContextEndsCall checks that ctx bounds a call even without
// ReadTimeout (ACS default is 10 s, DOA has none).
func TestContextEndsCall(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, hang)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			got := sdkcall.Call(ctx, c, f.addr(), akCred, sdkcall.Request{ProductCode: "rds"})
			assert.Equal(t, sdkcall.Transport, got.ErrKind, "outcome: %+v", got)
			assert.True(t, errors.Is(got.Err, context.DeadlineExceeded), "err: %v", got.Err)
		})
	}
	t.Run("already cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		got := sdkcall.Call(ctx, sdkcall.ACS, "127.0.0.1:1", akCred, sdkcall.Request{})
		assert.ErrorIs(t, got.Err, context.Canceled)
		assert.Equal(t, sdkcall.Transport, got.ErrKind)
	})
}

// TestNoCredentials: DOA refuses locally; ACS sends an empty AccessKeyId
// rather than falling back to its default provider chain.
func TestNoCredentials(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, reply(200, ctJSON, bodySuccess))
			got := sdkcall.Call(context.Background(), c, f.addr(), sdkcall.Credentials{},
				sdkcall.Request{ProductCode: "rds", ReadTimeout: 5 * time.Second})
			if c == sdkcall.ACS {
				require.True(t, got.OK, "outcome: %+v", got)
				require.Len(t, f.requests(), 1)
				assert.Equal(t, []string{""}, f.requests()[0].Query["AccessKeyId"])
				return
			}
			assert.Equal(t, sdkcall.SDKError, got.ErrKind)
			assert.Equal(t, "InvalidCredentials", got.ErrCode)
			assert.Empty(t, f.requests())
		})
	}
}

// TestConcurrentCallsShareEndpoint runs many calls against one fake at once;
// with -race this guards the SDKs' shared HTTP client state.
func TestConcurrentCallsShareEndpoint(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, reply(200, ctJSON, bodySuccess))
			const n = 8
			var wg sync.WaitGroup
			outs := make([]sdkcall.Outcome, n)
			for i := range n {
				wg.Go(func() {
					outs[i] = sdkcall.Call(context.Background(), c, f.addr(), akCred,
						sdkcall.Request{ProductCode: "rds", ReadTimeout: 5 * time.Second})
				})
			}
			wg.Wait()
			for _, o := range outs {
				assert.True(t, o.OK, "outcome: %+v", o)
			}
			// Each call is signed on its own: every signature verifies and no nonce repeats
			// (the fake's verifier rejects a reused nonce).
			hits := f.requests()
			require.Len(t, hits, n)
			nonces := map[string]bool{}
			for _, h := range hits {
				assert.NoError(t, h.VerifyErr)
				nonces[h.Who.Nonce] = true
			}
			assert.Len(t, nonces, n, "distinct nonces")
		})
	}
}

// TestErrKindString covers the names used in test output.
func TestErrKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "None", sdkcall.None.String())
	assert.Equal(t, "Unsupported", sdkcall.Unsupported.String())
	assert.Equal(t, "ErrKind(42)", sdkcall.ErrKind(42).String())
}
