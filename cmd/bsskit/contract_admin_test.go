package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContractAdminToken: against `bsskit serve --admin-token` (the README's team setup), `bsskit
// contract` without the token says the admin API refused it and how to fix that, instead of
// false failures; with --admin-token or $BSSKIT_ADMIN_TOKEN it learns the catalogue and runs every
// case. The token is never printed.
func TestContractAdminToken(t *testing.T) {
	const token = "cli-contract-admin-token"
	url, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--seed", "1", "--admin-token", token)
	for _, tc := range []struct {
		name     string
		env      string
		args     []string
		want     string
		products bool
	}{
		{name: "no token", want: "WARNING: admin API present but refused (401): pass --admin-token"},
		{name: "flag", args: []string{"--admin-token", token}, want: "products: rtc, sas, ddos", products: true},
		{name: "environment", env: token, want: "products: rtc, sas, ddos", products: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("BSSKIT_ADMIN_TOKEN", tc.env)
			code, out, errOut := runCLI(t, append([]string{"contract", "--endpoint", url, "--seed", "1", "--generated", "1"}, tc.args...)...)
			require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, out, tc.want)
			assert.Contains(t, out, "RESULT: conformant")
			assert.NotContains(t, out+errOut, token)
			if !tc.products {
				assert.Contains(t, out, "cannot tell whether the target verifies signatures")
			}
		})
	}
}
