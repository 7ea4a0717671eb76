package sdkcall_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/bsskit/bsskit/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDarabonbaThrottlingErrorType pins what darabonba-openapi returns for a Throttling.User answer,
// the claim of the spec's error catalogue and of the README: it builds an *openapi.ThrottlingError,
// but by default (Client.DisableSDKError unset) converts it to *tea.SDKError before returning,
// for V3 and V1 signatures alike; only client.DisableSDKError = tea.Bool(true) lets the ThrottlingError through.
func TestDarabonbaThrottlingErrorType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		signature        string // "" (V3, the default) or "v2" (V1)
		disableSDKError  bool
		wantSDKError     bool
		wantThrottlingEr bool
	}{
		{name: "V3 default config", wantSDKError: true},
		{name: "V1 default config", signature: "v2", wantSDKError: true},
		{name: "V3 DisableSDKError", disableSDKError: true, wantThrottlingEr: true},
		{name: "V1 DisableSDKError", signature: "v2", disableSDKError: true, wantThrottlingEr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json;charset=utf-8")
				w.Header().Set("x-acs-request-id", "REQ-TH")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(bodyThrottled))
			}))
			t.Cleanup(srv.Close)
			endpoint := strings.TrimPrefix(srv.URL, "http://")
			cfg := &openapi.Config{
				Endpoint:        tea.String(endpoint),
				Protocol:        tea.String("http"),
				AccessKeyId:     tea.String("ak"),
				AccessKeySecret: tea.String("secret"),
				RegionId:        tea.String("cn-hangzhou"),
				ReadTimeout:     tea.Int(10_000),
				NoProxy:         tea.String(endpoint),
			}
			if tt.signature != "" {
				cfg.SignatureAlgorithm = tea.String(tt.signature)
			}
			client, err := openapi.NewClient(cfg)
			require.NoError(t, err)
			if tt.disableSDKError {
				client.DisableSDKError = tea.Bool(true) // a Client field; Config has no such option
			}
			params := &openapi.Params{
				Action: tea.String("CreateInstance"), Version: tea.String("2017-12-14"), Protocol: tea.String("HTTP"),
				Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"), Pathname: tea.String("/"),
				ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
			}
			query := map[string]*string{"ProductCode": tea.String("rtc"), "SubscriptionType": tea.String("PayAsYouGo")}
			_, err = client.CallApi(params, &openapi.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
			require.Error(t, err)

			var sdkErr *tea.SDKError
			var thrErr *openapi.ThrottlingError
			assert.Equal(t, tt.wantSDKError, errors.As(err, &sdkErr), "*tea.SDKError? got %T: %v", err, err)
			assert.Equal(t, tt.wantThrottlingEr, errors.As(err, &thrErr), "*openapi.ThrottlingError? got %T: %v", err, err)
			switch {
			case sdkErr != nil:
				assert.Equal(t, "Throttling.User", tea.StringValue(sdkErr.Code))
				assert.Equal(t, http.StatusBadRequest, tea.IntValue(sdkErr.StatusCode))
			case thrErr != nil:
				assert.Equal(t, "Throttling.User", tea.StringValue(thrErr.Code))
				assert.Equal(t, http.StatusBadRequest, tea.IntValue(thrErr.StatusCode))
			}
		})
	}
	t.Run("the spec says so", func(t *testing.T) {
		t.Parallel()
		def, ok := spec.Lookup(spec.CodeThrottlingUser)
		require.True(t, ok)
		assert.Contains(t, def.Description, "*tea.SDKError", "x-bss-errors Throttling.User must name the error type darabonba really returns")
	})
}
