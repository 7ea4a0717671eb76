package fake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// TestReadsHonourTheSite: the read calls answer an account only on its own site. An international
// account on the domestic site gets NotApplicable (how callers probe their site with
// QueryAvailableInstances); a domestic account on the international site gets "account not exists"
// (the Terraform provider's record); each body's HostId is the site called.
func TestReadsHonourTheSite(t *testing.T) {
	t.Parallel()
	srv := siteServer(t)
	tests := []struct {
		name, action, endpoint, accessKey string
		extra                             url.Values
		wantStatus                        int
		wantCode                          spec.Code
		wantHostID                        string
	}{
		{"query: international account, domestic site", "QueryAvailableInstances", srv.Endpoint(), intlCreds.AccessKeyID, nil, 400, spec.CodeNotApplicable, domesticHost},
		{"query: domestic account, international site", "QueryAvailableInstances", srv.InternationalEndpoint(), cnCreds.AccessKeyID, nil, 400, spec.CodeAccountNotExists, intlHost},
		{"query: domestic account, domestic site", "QueryAvailableInstances", srv.Endpoint(), cnCreds.AccessKeyID, nil, 200, "", ""},
		{"query: international account, international site", "QueryAvailableInstances", srv.InternationalEndpoint(), intlCreds.AccessKeyID, nil, 200, "", ""},
		{"order: domestic account, international site", "GetOrderDetail", srv.InternationalEndpoint(), cnCreds.AccessKeyID, url.Values{"OrderId": {"123"}}, 400, spec.CodeAccountNotExists, intlHost},
		{"order: international account, domestic site", "GetOrderDetail", srv.Endpoint(), intlCreds.AccessKeyID, url.Values{"OrderId": {"123"}}, 400, spec.CodeNotApplicable, domesticHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := url.Values{"Action": {tt.action}, "Version": {"2017-12-14"}, "Format": {"JSON"}, "AccessKeyId": {tt.accessKey}}
			for k, v := range tt.extra {
				params[k] = v
			}
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+tt.endpoint+"/?"+params.Encode(), nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, tt.wantStatus, resp.StatusCode, "%s", raw)
			if tt.wantCode == "" {
				return
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal(raw, &m))
			assert.Equal(t, string(tt.wantCode), m["Code"])
			assert.Equal(t, tt.wantHostID, m["HostId"])
			assert.Equal(t, spec.MustLookup(tt.wantCode).Message, m["Message"])
		})
	}
}
