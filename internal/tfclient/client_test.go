package tfclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

const (
	keyID  = "LTAItfclientTestKey"
	secret = "tfclient-test-secret"
)

var cred = signing.Credentials{AccessKeyID: keyID, AccessKeySecret: secret}

// tfOrder is the body the provider sends for a pay-as-you-go product: ProductType empty but sent.
func tfOrder(token string) map[string]any {
	return map[string]any{
		"ProductCode":      "rtc",
		"ProductType":      "",
		"SubscriptionType": "PayAsYouGo",
		"Parameter": []map[string]any{
			{"Code": "ServiceType", "Value": "universal"},
			{"Code": "BillType", "Value": "traffic"},
		},
		"ClientToken": token,
	}
}

// TestCreateInstanceAsTerraform: the fake, verifying signatures, accepts CreateInstance exactly as
// the Terraform provider sends it, and the request on the wire has every trait of that caller.
func TestCreateInstanceAsTerraform(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
	c := &Client{Endpoint: srv.Endpoint(), Credentials: cred}
	token := ClientToken("CreateInstance", time.Unix(1764480000, 0), "0f8fad5b-d9cb-469f-a165-70867728950e")
	require.Len(t, token, 64)

	body, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder(token))
	require.NoError(t, err)
	assert.Equal(t, "Success", body["Code"])
	assert.Equal(t, true, body["Success"])
	data, ok := body["Data"].(map[string]any)
	require.True(t, ok, "Data is an object: %v", body)
	orders := srv.Orders()
	require.Len(t, orders, 1)
	assert.Equal(t, orders[0].InstanceID, data["InstanceId"])
	assert.Equal(t, orders[0].OrderID, data["OrderId"])
	assert.Equal(t, token, orders[0].ClientToken)
	assert.Equal(t, "", orders[0].ProductType)
	assert.Equal(t, []fake.Param{{N: 1, Code: "ServiceType", Value: "universal"}, {N: 2, Code: "BillType", Value: "traffic"}}, orders[0].Parameters)

	j := srv.Journal()
	require.Len(t, j, 1)
	e := j[0]
	q, err := url.ParseQuery(e.Query)
	require.NoError(t, err)
	form, err := url.ParseQuery(e.Body)
	require.NoError(t, err)
	assert.Equal(t, "json", q.Get("Format"), "Format in lower case")
	assert.Equal(t, "CreateInstance", q.Get("Action"))
	assert.Equal(t, "HMAC-SHA1", q.Get("SignatureMethod"))
	for _, name := range []string{"RegionId", "ProductCode", "ClientToken"} {
		assert.NotContains(t, q, name, "query")
	}
	for _, name := range []string{"RegionId", "Action", "Signature", "Format"} {
		assert.NotContains(t, form, name, "form body")
	}
	assert.Contains(t, form, "ProductType")
	assert.Equal(t, "", form.Get("ProductType"), "the empty ProductType is sent")
	assert.Contains(t, e.Body, "ProductType=&")
	assert.Equal(t, "CreateInstance", e.Header.Get("X-Acs-Action"))
	assert.Equal(t, spec.Version, e.Header.Get("X-Acs-Version"))
	assert.Equal(t, "application/x-www-form-urlencoded", e.Header.Get("Content-Type"))
	assert.Equal(t, "JSON", e.Format, "the fake negotiated JSON from Format=json")
}

// TestSignatureCoversQueryAndBody: the one V1 signature covers the query and the form body: a
// body or a query changed after signing, or a wrong secret, is refused with SignatureDoesNotMatch,
// raised as tea-rpc raises 4xx answers.
func TestSignatureCoversQueryAndBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		secret string
		edit   func(t *testing.T, q url.Values, form url.Values)
		want   spec.Code
	}{
		{"untouched", secret, nil, ""},
		{"wrong secret", "not-the-secret", nil, spec.CodeSignatureDoesNotMatch},
		{"body changed", secret, func(_ *testing.T, _, form url.Values) { form.Set("SubscriptionType", "Subscription") }, spec.CodeSignatureDoesNotMatch},
		{"empty body value dropped", secret, func(_ *testing.T, _, form url.Values) { form.Del("ProductType") }, spec.CodeSignatureDoesNotMatch},
		{"query changed", secret, func(_ *testing.T, q, _ url.Values) { q.Set("SignatureNonce", "another-nonce") }, spec.CodeSignatureDoesNotMatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
			c := &Client{Endpoint: srv.URL(), Credentials: signing.Credentials{AccessKeyID: keyID, AccessKeySecret: tc.secret}}
			req, err := c.NewRequest(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-"+strings.ReplaceAll(tc.name, " ", "-")))
			require.NoError(t, err)
			if tc.edit != nil {
				raw, err := io.ReadAll(req.Body)
				require.NoError(t, err)
				form, err := url.ParseQuery(string(raw))
				require.NoError(t, err)
				q := req.URL.Query()
				tc.edit(t, q, form)
				req.URL.RawQuery = encode(q)
				b := encode(form)
				req.Body = io.NopCloser(strings.NewReader(b))
				req.ContentLength = int64(len(b))
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			j := srv.Journal()
			require.Len(t, j, 1)
			if tc.want == "" {
				assert.Equal(t, 200, resp.StatusCode)
				assert.Len(t, srv.Orders(), 1)
				return
			}
			assert.Equal(t, string(tc.want), j[0].Code)
			assert.Empty(t, srv.Orders())
		})
	}
	t.Run("error as tea-rpc raises it", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
		c := &Client{Endpoint: srv.Endpoint(), Credentials: signing.Credentials{AccessKeyID: keyID, AccessKeySecret: "wrong"}}
		_, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-raise"))
		var e *Error
		require.True(t, errors.As(err, &e), "want *Error, got %v", err)
		assert.Equal(t, 400, e.StatusCode)
		assert.Equal(t, string(spec.CodeSignatureDoesNotMatch), e.Code)
		assert.NotEmpty(t, e.RequestID)
		assert.NotEmpty(t, e.HostID)
		assert.Equal(t, "code: 400, "+e.Message+" request id: "+e.RequestID, err.Error())
		assert.Empty(t, srv.Orders())
	})
}

// TestBodyChannelIsNotAnError: like tea-rpc, the client returns an HTTP 200 error body as a body,
// not as an error: the caller must judge it.
func TestBodyChannelIsNotAnError(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
	_, err := srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: spec.CodeInvalidConfigCode, Status: 200, Message: "模块非法"}})
	require.NoError(t, err)
	c := &Client{Endpoint: srv.Endpoint(), Credentials: cred}
	body, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-body"))
	require.NoError(t, err)
	assert.Equal(t, false, body["Success"])
	assert.Equal(t, string(spec.CodeInvalidConfigCode), body["Code"])
	assert.Equal(t, "模块非法", body["Message"])
	assert.Empty(t, srv.Orders())
}

// TestClientToken: the provider's token shape, cut to 64 characters.
func TestClientToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		action, id, want string
	}{
		{"CreateInstance", "0f8fad5b-d9cb-469f-a165-70867728950e", "TF-CreateInstance-1764480000-0f8fad5b-d9cb-469f-a165-70867728950"},
		{"Buy", "abc", "TF-Buy-1764480000-abc"},
	} {
		t.Run(tc.action, func(t *testing.T) {
			t.Parallel()
			got := ClientToken(tc.action, time.Unix(1764480000, 0), tc.id)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), 64)
		})
	}
}

// TestFlatten: the wire strings of business parameters.
func TestFlatten(t *testing.T) {
	t.Parallel()
	got := Flatten(map[string]any{
		"ProductType": "", "AutoPay": true, "Period": 12, "Big": int64(1) << 40, "Nil": nil,
		"Parameter": []map[string]any{{"Code": "A", "Value": "1"}, {"Code": "B", "Value": false}},
		"Tag":       []map[string]string{{"Key": "k"}},
		"Logistics": map[string]any{"Name": "n"},
		"Ratio":     1.5,
	})
	want := url.Values{
		"ProductType": {""}, "AutoPay": {"true"}, "Period": {"12"}, "Big": {"1099511627776"},
		"Parameter.1.Code": {"A"}, "Parameter.1.Value": {"1"}, "Parameter.2.Code": {"B"}, "Parameter.2.Value": {"false"},
		"Tag.1.Key": {"k"}, "Logistics.Name": {"n"}, "Ratio": {"1.5"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Flatten (-want +got):\n%s", diff)
	}
}

// TestBadEndpoint: an endpoint that is no base URL is an error, not a panic.
func TestBadEndpoint(t *testing.T) {
	t.Parallel()
	c := &Client{Endpoint: "http://%zz"}
	_, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, nil)
	require.Error(t, err)
}

// TestNewParametersAsTerraformSends: PricingCycle (an integer: 1 year, 2 month, 3 day) and
// Logistics (a JSON object) in the form body, as the current SDKs send them, are validated.
func TestNewParametersAsTerraformSends(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		extra map[string]any
		want  spec.Code // "" for success
	}{
		{"PricingCycle 1", map[string]any{"PricingCycle": 1}, ""},
		{"PricingCycle 2", map[string]any{"PricingCycle": 2}, ""},
		{"PricingCycle 3", map[string]any{"PricingCycle": 3}, ""},
		{"PricingCycle 4", map[string]any{"PricingCycle": 4}, spec.CodeInvalidParameter},
		{"PricingCycle 0", map[string]any{"PricingCycle": 0}, spec.CodeInvalidParameter},
		{"PricingCycle not a number", map[string]any{"PricingCycle": "month"}, spec.CodeInvalidParameter},
		{"Logistics object", map[string]any{"Logistics": `{"Name":"Zhang San","Address":"1 Road"}`}, ""},
		{"Logistics not JSON", map[string]any{"Logistics": "1 Road"}, spec.CodeInvalidParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
			c := &Client{Endpoint: srv.Endpoint(), Credentials: cred}
			body := tfOrder("tok-" + strings.ReplaceAll(tc.name, " ", "-"))
			for k, v := range tc.extra {
				body[k] = v
			}
			_, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, body)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Len(t, srv.Orders(), 1)
				return
			}
			var e *Error
			require.True(t, errors.As(err, &e), "want *Error, got %v", err)
			assert.Equal(t, string(tc.want), e.Code)
			assert.Contains(t, e.Message, strings.Fields(tc.name)[0])
			assert.Empty(t, srv.Orders())
		})
	}
}

// TestSecurityToken: with STS credentials the SecurityToken goes in the query, signed, and the
// fake accepts it; a token changed after signing is refused.
func TestSecurityToken(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
	sts := signing.Credentials{AccessKeyID: keyID, AccessKeySecret: secret, SecurityToken: "CAIS-sts-token"}
	c := &Client{Endpoint: srv.Endpoint(), Credentials: sts}
	_, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-sts"))
	require.NoError(t, err)
	req, err := c.NewRequest(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-sts-2"))
	require.NoError(t, err)
	assert.Equal(t, "CAIS-sts-token", req.URL.Query().Get("SecurityToken"))
	q := req.URL.Query()
	q.Set("SecurityToken", "CAIS-other-token")
	req.URL.RawQuery = encode(q)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	j := srv.Journal()
	require.Len(t, j, 2)
	assert.Equal(t, "Success", j[0].Code)
	assert.Equal(t, string(spec.CodeSignatureDoesNotMatch), j[1].Code)
	assert.Len(t, srv.Orders(), 1)
}
