package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// tfPost sends CreateInstance the way the Terraform provider's tea-rpc client does
// (shared/reference/real-consumers.md section 1): the common parameters in the query, the
// business parameters in a form body with empty values kept, one V1 signature over both merged,
// Format=json in lower case, no RegionId, x-acs-action and x-acs-version headers.
func tfPost(t *testing.T, ep, akID, secret string, nonce int, business url.Values) (int, map[string]any) {
	t.Helper()
	query := url.Values{
		"Action": {"CreateInstance"}, "Format": {"json"}, "Version": {"2017-12-14"},
		"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}, "SignatureNonce": {fmt.Sprintf("tf-nonce-%d-%d", time.Now().UnixNano(), nonce)},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "AccessKeyId": {akID},
	}
	merged := maps.Clone(query)
	maps.Copy(merged, business)
	query.Set("Signature", signing.V1Signature(signing.V1StringToSign(http.MethodPost, merged), secret))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+ep+"/?"+query.Encode(), strings.NewReader(business.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-acs-action", "CreateInstance")
	req.Header.Set("x-acs-version", "2017-12-14")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json;charset=utf-8", resp.Header.Get("Content-Type"))
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "%s", raw)
	return resp.StatusCode, m
}

func TestRequestsAsRealCallersSendThem(t *testing.T) {
	t.Parallel()
	const ak, secret = "tf-ak", "tf-secret"
	srv := fake.NewServer(t, fake.WithCredentials(ak, secret))
	token := tfToken(7)
	require.Len(t, token, 64)
	base := func(kv ...string) url.Values {
		v := url.Values{
			"ProductCode": {"rtc"}, "ProductType": {""}, "SubscriptionType": {"PayAsYouGo"},
			"ClientToken": {token}, "Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"},
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	status, body := tfPost(t, srv.Endpoint(), ak, secret, 1, base("PricingCycle", "2", "Logistics", ""))
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, true, body["Success"])
	data := body["Data"].(map[string]any)
	orderID := data["OrderId"]
	assert.IsType(t, "", orderID, "OrderId is a string")
	assert.NotEmpty(t, data["InstanceId"])
	// The retry with the same token (a new nonce and signature) replays the order.
	status, body = tfPost(t, srv.Endpoint(), ak, secret, 2, base("PricingCycle", "2", "Logistics", ""))
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, orderID, body["Data"].(map[string]any)["OrderId"])
	require.Len(t, srv.Orders(), 1)
	assert.Equal(t, token, srv.Orders()[0].ClientToken)

	tests := []struct {
		name      string
		kv        []string
		wantCode  spec.Code
		wantParam string
	}{
		{"PricingCycle year", []string{"PricingCycle", "1"}, "", ""},
		{"PricingCycle day", []string{"PricingCycle", "3"}, "", ""},
		{"PricingCycle 4", []string{"PricingCycle", "4"}, spec.CodeInvalidParameter, "PricingCycle"},
		{"PricingCycle 0", []string{"PricingCycle", "0"}, spec.CodeInvalidParameter, "PricingCycle"},
		{"PricingCycle a word", []string{"PricingCycle", "month"}, spec.CodeInvalidParameter, "PricingCycle"},
		{"Logistics a JSON object", []string{"Logistics", ` {"cityCode":"330100","zipCode":"0000"} `}, "", ""},
		{"Logistics not JSON", []string{"Logistics", "Hangzhou"}, spec.CodeInvalidParameter, "Logistics"},
		{"Logistics an array", []string{"Logistics", `["330100"]`}, spec.CodeInvalidParameter, "Logistics"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := base(append([]string{"ClientToken", tfToken(100 + i)}, tt.kv...)...)
			status, body := tfPost(t, srv.Endpoint(), ak, secret, 10+i, v)
			if tt.wantCode == "" {
				assert.Equal(t, http.StatusOK, status, "%v", body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, string(tt.wantCode), body["Code"])
			assert.Contains(t, body["Message"], tt.wantParam)
			assert.Equal(t, "business.aliyuncs.com", body["HostId"])
		})
	}
}
