package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// TestAdminToken: against a fake that needs an admin token, a run without it says the admin API is
// present but refused and reports no false failure (the authentication and order cases, which need
// the admin API's answers, are not applicable with that reason); with the token it learns the
// catalogue and the verification setting and runs every case.
func TestAdminToken(t *testing.T) {
	t.Parallel()
	const token = "contract-admin-token"
	srv, err := fake.New(fake.WithSeed(21), fake.WithAdminToken(token))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { srv.Close() })
	target := contract.Target{URL: srv.URL()}
	var withToken *contract.Report

	for _, tc := range []struct {
		name     string
		opts     []contract.Option
		refused  string
		products []string
	}{
		{"no token", nil, "admin API present but refused (401): pass --admin-token", nil},
		{"wrong token", []contract.Option{contract.WithAdminToken("not-it")}, "admin API present but refused (401): the admin token given", nil},
		{"token", []contract.Option{contract.WithAdminToken(token)}, "", []string{"rtc", "sas", "ddos"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := contract.Check(context.Background(), target, append(tc.opts, contract.WithSeed(21), contract.WithGenerated(2))...)
			require.NoError(t, err)
			assert.True(t, rep.OK(), "failed checks: %v", rep.FailedChecks())
			assert.Equal(t, tc.products, rep.Products)
			auth, ok := rep.Case("auth/bad-signature")
			require.True(t, ok)
			order, ok := rep.Case("order/post-json")
			require.True(t, ok)
			if tc.refused == "" {
				withToken = rep
				assert.Empty(t, rep.Warnings)
				assert.Contains(t, rep.VerifiesReason, "GET /__admin/health says verifiesSignatures=false")
				assert.Equal(t, contract.StatusPass, order.Status)
				return
			}
			require.Len(t, rep.Warnings, 1)
			assert.Contains(t, rep.Warnings[0], tc.refused)
			assert.Equal(t, contract.StatusNotApplicable, auth.Status)
			assert.Contains(t, auth.Reason, tc.refused)
			assert.Equal(t, contract.StatusNotApplicable, order.Status)
			assert.Contains(t, rep.OrdersReason, tc.refused)
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text))
			assert.Contains(t, text.String(), "WARNING: "+tc.refused)
		})
	}
	// Only the run with the token placed orders, and its ledger lists each of them.
	require.NotNil(t, withToken)
	assert.NotEmpty(t, srv.Orders())
	assert.Equal(t, orderIDs(srv), ledgerIDs(withToken))
}
