package contract_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/spec"
)

// TestSiteCase: against the fake, signed with V1 and V3 (which signs the Host), the international
// site refuses the domestic account's order with NotApplicable and its own HostId, the domestic site
// places it with the same ClientToken, and its replay is the same order: one order in all.
func TestSiteCase(t *testing.T) {
	t.Parallel()
	for _, sig := range []contract.SignatureVersion{contract.V1, contract.V3} {
		t.Run(string(sig), func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(testKeyID, testSecret))
			rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL(), Signature: sig, Credentials: creds},
				contract.WithSeed(2), contract.WithRun(regexp.MustCompile(`^sites/wrong-then-right$`)))
			require.NoError(t, err)
			assert.Empty(t, rep.Findings())
			c, ok := rep.Case("sites/wrong-then-right")
			require.True(t, ok)
			assert.Equal(t, contract.StatusPass, c.Status, c.Reason)
			require.Len(t, c.Exchanges, 3)
			assert.Equal(t, string(spec.CodeNotApplicable), c.Exchanges[0].Code)
			assert.Contains(t, c.Exchanges[0].Response.Body, `"HostId":"business.ap-southeast-1.aliyuncs.com"`)
			assert.Equal(t, "Success", c.Exchanges[1].Code)
			assert.Equal(t, "Success", c.Exchanges[2].Code)
			assert.Len(t, srv.Orders(), 1, "exactly one order")
			j := srv.Journal()
			require.Len(t, j, 3)
			assert.Equal(t, j[0].ClientToken, j[1].ClientToken)
			assert.Equal(t, j[1].ClientToken, j[2].ClientToken)
			assert.Contains(t, c.Exchanges[0].Curl, "'Host: business.ap-southeast-1.aliyuncs.com'")
		})
	}
}
