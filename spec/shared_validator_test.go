package spec_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// The shared validator routes like a fresh one, on any host: by Action for "/", by path
// otherwise; an unknown path or method is not routed.
func TestSharedValidatorRoutes(t *testing.T) {
	t.Parallel()
	shared, err := spec.SharedValidator()
	require.NoError(t, err)
	again, err := spec.SharedValidator()
	require.NoError(t, err)
	assert.Same(t, shared, again)
	fresh, err := spec.NewValidator()
	require.NoError(t, err)
	tests := []struct {
		name, method, target string
		ok                   bool
	}{
		{"CreateInstance", http.MethodPost, "http://127.0.0.1:1/?ProductCode=rtc&SubscriptionType=PayAsYouGo", true},
		{"a generated operation, missing its required parameter", http.MethodPost, "http://127.0.0.1:2/?Action=RefundInstance&ProductCode=rtc", false},
		{"a generated operation", http.MethodPost, "http://127.0.0.1:2/?Action=RefundInstance&ProductCode=rtc&InstanceId=i-1", true},
		{"a bad enum of a generated operation", http.MethodGet, "http://[::1]:3/?Action=SetRenewal&InstanceIDs=i-1&ProductCode=rtc&RenewalStatus=Sometimes", false},
		{"unknown path", http.MethodPost, "http://127.0.0.1:1/nowhere", false},
		{"unknown method", http.MethodDelete, "http://127.0.0.1:1/QueryAccountBalance", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range []*spec.Validator{shared, fresh} {
				r := httptest.NewRequest(tt.method, tt.target, nil)
				r.Header.Set("X-Acs-Version", spec.Version)
				err := v.ValidateRequest(context.Background(), r)
				if tt.ok {
					assert.NoError(t, err)
				} else {
					assert.Error(t, err)
				}
			}
		})
	}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:1/nowhere", nil)
	assert.True(t, errors.Is(shared.ValidateRequest(context.Background(), r), spec.ErrNotRouted))
}
