package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `bsskit serve` prints the domestic URL first, as before, and the international site's URL on the
// second line; both serve one state.
func TestServeBothSites(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	codeCh := make(chan int, 1)
	go func() {
		codeCh <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--intl-addr", "127.0.0.1:0", "--accounts", "../../testdata/accounts/sites.yaml", "--catalog", "../../testdata/catalogs/sites.yaml"}, pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-codeCh:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	rd := bufio.NewReader(pr)
	first, err := rd.ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	second, err := rd.ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	domestic, intl := urlRE.FindString(first), urlRE.FindString(second)
	require.NotEmpty(t, domestic, first)
	require.NotEmpty(t, intl, second)
	assert.Contains(t, second, "business.ap-southeast-1.aliyuncs.com")
	assert.NotEqual(t, domestic, intl)

	call := func(base, ak, token string, kv ...string) (int, map[string]any) {
		q := url.Values{"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"json"}, "AccessKeyId": {ak},
			"ProductCode": {"vipcloudfw"}, "ProductType": {"cfw_elasticity_public_intl"}, "SubscriptionType": {"PayAsYouGo"},
			"Parameter.1.Code": {"CfwAccountIntlNum"}, "Parameter.1.Value": {"1"}, "ClientToken": {token}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		resp, err := http.Post(base+"/?"+q.Encode(), "", nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return resp.StatusCode, m
	}
	status, body := call(domestic, "ak-intl", "tok-1", "ProductType", "cfw_elasticity_public_cn")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "NotApplicable", body["Code"])
	assert.Equal(t, "business.aliyuncs.com", body["HostId"])
	status, body = call(intl, "ak-intl", "tok-1")
	require.Equal(t, http.StatusOK, status, "%v", body)
	status, body = call(intl, "ak-china", "tok-2")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "business.ap-southeast-1.aliyuncs.com", body["HostId"])
	// The catalogue's state-produced errors on the body channel: opened once, commodity channel,
	// and the international account's payment limit (500; 12 months of sas cost 360, 24 cost 720).
	for _, tc := range []struct {
		kv   []string
		code string
	}{
		{nil, "ORDER.OPEND"},
		{[]string{"Parameter.1.Value", "3"}, "COMMODITY.INVALID_COMPONENT"},
		{[]string{"ProductCode", "sas", "ProductType", "", "SubscriptionType", "Subscription", "Period", "24", "Parameter.1.Code", "Version", "Parameter.1.Value", "level2"}, "PAY.AMOUNT_LIMIT_EXCEEDED"},
	} {
		status, body = call(intl, "ak-intl", "tok-3-"+tc.code, tc.kv...)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, tc.code, body["Code"], "%v", body)
		assert.Equal(t, false, body["Success"])
		assert.NotEmpty(t, body["Message"])
	}

	// One state: the order placed on the international site is in the domestic admin API.
	resp, err := http.Get(domestic + "/__admin/orders")
	require.NoError(t, err)
	defer resp.Body.Close()
	var orders []struct{ ClientToken, AccountID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&orders))
	require.Len(t, orders, 1)
	assert.Equal(t, "tok-1", orders[0].ClientToken)
	assert.Equal(t, "1000000000000002", orders[0].AccountID)
}

func TestServeIntlAddrNeedsAdminTokenBeyondLoopback(t *testing.T) {
	t.Setenv("BSSKIT_ADMIN_TOKEN", "")
	_, err := parseServeFlags([]string{"--intl-addr", "0.0.0.0:0"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--intl-addr 0.0.0.0:0 is not a loopback address")
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:0", cfg.intlAddr)
}
