package fake_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

func TestParseAccounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, wantErr string
	}{
		{name: "ok", data: "accounts:\n  - id: '1000000000000001'\n    accessKeys: [{id: a, secret: b}]\n"},
		{name: "short id", data: "accounts:\n  - id: '123'\n", wantErr: "not a 16-digit account UID"},
		{name: "duplicate", data: "accounts:\n  - id: '1000000000000001'\n  - id: '1000000000000001'\n", wantErr: "appears twice"},
		{name: "bad owner", data: "accounts:\n  - id: '1000000000000001'\n    owners: ['x']\n", wantErr: "owner"},
		{name: "key without id", data: "accounts:\n  - id: '1000000000000001'\n    accessKeys: [{secret: b}]\n", wantErr: "has no id"},
		{name: "unknown key", data: "accounts:\n  - id: '1000000000000001'\n    secrets: []\n", wantErr: `accounts: line 3:5: unknown field "secrets" in accounts[0]; known: id, accessKeys, owners, securityTokens, bearerTokens`},
		{name: "empty", data: "", wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := fake.ParseAccounts([]byte(tt.data))
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// Several key pairs, each mapped to an account, from the file `bsskit serve --accounts` reads.
func TestAccountsFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../testdata/accounts/team.yaml")
	require.NoError(t, err)
	accts, err := fake.ParseAccounts(data)
	require.NoError(t, err)
	srv := fake.NewServer(t, fake.WithAccounts(accts...))
	ctx := context.Background()
	for _, cred := range []sdkcall.Credentials{
		{AccessKeyID: "ak-team-a", AccessKeySecret: "team-a-secret"},
		{AccessKeyID: "ak-team-a-ci", AccessKeySecret: "team-a-ci-secret"},
		{AccessKeyID: "STS.team-b", AccessKeySecret: "team-b-sts-secret", SecurityToken: "team-b-sts-token"},
		{BearerToken: "team-b-bearer"},
	} {
		t.Run(cred.AccessKeyID+cred.BearerToken, func(t *testing.T) { // in order: the orders below are in this order
			out := sdkcall.Call(ctx, sdkcall.DOAV3, srv.Endpoint(), cred, rtcRequest())
			require.True(t, out.OK, "%+v", out)
		})
	}
	orders := srv.Orders()
	require.Len(t, orders, 4)
	assert.Equal(t, []string{"1000000000000001", "1000000000000001", "1000000000000002", "1000000000000002"},
		[]string{orders[0].AccountID, orders[1].AccountID, orders[2].AccountID, orders[3].AccountID})
	// The second account may not act for the first one's customer.
	req := rtcRequest()
	req.OwnerID = 2000000000000001
	out := sdkcall.Call(ctx, sdkcall.ACS, srv.Endpoint(), sdkcall.Credentials{AccessKeyID: "STS.team-b", AccessKeySecret: "team-b-sts-secret", SecurityToken: "team-b-sts-token"}, req)
	assert.Equal(t, string(spec.CodeInvalidOwner), out.ErrCode)
}
