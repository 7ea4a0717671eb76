package tfclient

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// TestBothSites: the Terraform-shaped client gets each site's answers from the fake's two
// listeners and from its one listener under the sites' host names: the account's own site places
// the order, the other answers NotApplicable (HTTP 400, raised) with the HostId of the site called,
// and a body-channel error (HTTP 200, not raised) carries that HostId too.
func TestBothSites(t *testing.T) {
	t.Parallel()
	domestic, _ := spec.SiteByName(spec.SiteDomestic)
	intl, _ := spec.SiteByName(spec.SiteInternational)
	for _, tc := range []struct {
		name        string
		accountSite string
		byHost      bool
	}{
		{"domestic account, listeners", spec.SiteDomestic, false},
		{"domestic account, host names", spec.SiteDomestic, true},
		{"international account, listeners", spec.SiteInternational, false},
		{"international account, host names", spec.SiteInternational, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithAccounts(fake.Account{ID: "1000000000000009", Site: tc.accountSite, AccessKeys: []fake.AccessKey{{ID: keyID, Secret: secret}}}))
			clients := map[string]*Client{
				spec.SiteDomestic:      {Endpoint: srv.Endpoint(), Credentials: cred},
				spec.SiteInternational: {Endpoint: srv.InternationalEndpoint(), Credentials: cred},
			}
			if tc.byHost {
				clients[spec.SiteDomestic] = &Client{Endpoint: srv.Endpoint(), Host: domestic.Host, Credentials: cred}
				clients[spec.SiteInternational] = &Client{Endpoint: srv.Endpoint(), Host: intl.Host, Credentials: cred}
			}
			for _, site := range []spec.Site{domestic, intl} {
				c := clients[site.Name]
				body, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-"+site.Name))
				if site.Name == tc.accountSite {
					require.NoError(t, err, site.Name)
					assert.Equal(t, "Success", body["Code"])
				} else {
					var e *Error
					require.True(t, errors.As(err, &e), "%s: want *Error, got %v", site.Name, err)
					assert.Equal(t, 400, e.StatusCode)
					assert.Equal(t, string(spec.CodeNotApplicable), e.Code)
					assert.Equal(t, site.Host, e.HostID)
				}
				_, err = srv.Faults().Add(faults.Rule{Times: 1, Outcome: &faults.Outcome{Error: spec.CodePayInsufficientBalance}})
				require.NoError(t, err)
				body, err = c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, tfOrder("tok-pay-"+site.Name))
				require.NoError(t, err, "a body-channel error is no error for tea-rpc")
				assert.Equal(t, false, body["Success"])
				assert.Equal(t, string(spec.CodePayInsufficientBalance), body["Code"])
				assert.NotEmpty(t, body["Message"])
				assert.Equal(t, site.Host, body["HostId"])
			}
			assert.Len(t, srv.Orders(), 1)
		})
	}
}
