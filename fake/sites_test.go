package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

const (
	domesticHost = "business.aliyuncs.com"
	intlHost     = "business.ap-southeast-1.aliyuncs.com"
	cnAccount    = "1000000000000011"
	intlAccount  = "1000000000000022"
)

var (
	cnCreds   = sdkcall.Credentials{AccessKeyID: "cnAKID", AccessKeySecret: "unverified"}
	intlCreds = sdkcall.Credentials{AccessKeyID: "intlAKID", AccessKeySecret: "unverified"}
)

// siteCatalog sells Cloud Firewall's elastic service as the reference describes it: one product,
// a _cn and an _intl ProductType, validated on the commodity channel, opened once per account;
// and a priced yearly product for the payment state.
func siteCatalog() *fake.Catalog {
	return &fake.Catalog{Products: []fake.Product{
		{
			Code:              "vipcloudfw",
			SubscriptionTypes: []string{"PayAsYouGo"},
			ProductTypes:      []string{"cfw_elasticity_public_cn", "cfw_elasticity_public_intl"},
			CommodityChannel:  true,
			OpensOnce:         true,
			InstanceIDPrefix:  "cfw_elasticity_public_cn-",
			Modules: []fake.Module{
				{Code: "CfwAccountNum", Values: []string{"0", "1", "2"}},
				{Code: "CfwAccountIntlNum", Values: []string{"0", "1", "2"}},
			},
		},
		{Code: "sas", SubscriptionTypes: []string{"Subscription", "PayAsYouGo"}, MonthlyPrice: 100, InstanceIDPrefix: "sas-cn-"},
		{Code: "rtc", SubscriptionTypes: []string{"PayAsYouGo"}, InstanceIDPrefix: "rtc-cn-"},
	}}
}

// siteServer is a fake with a domestic and an international account.
func siteServer(t *testing.T, opts ...fake.Option) *fake.Server {
	t.Helper()
	return fake.NewServer(t, append([]fake.Option{
		fake.WithCatalog(siteCatalog()),
		fake.WithAccounts(
			fake.Account{ID: cnAccount, AccessKeys: []fake.AccessKey{{ID: cnCreds.AccessKeyID}}},
			fake.Account{ID: intlAccount, Site: spec.SiteInternational, AccessKeys: []fake.AccessKey{{ID: intlCreds.AccessKeyID}}},
		),
	}, opts...)...)
}

// tfToken is a ClientToken as the Terraform provider builds it: TF-<action>-<unix>-<uuid>, cut to
// 64 characters.
func tfToken(n int) string {
	tok := fmt.Sprintf("TF-CreateInstance-1764460800-%08d-0000-4000-8000-000000000000-and-more", n)
	return tok[:64]
}

// cfwRequest orders the elastic firewall with the site's ProductType and module name.
func cfwRequest(site, token string) sdkcall.Request {
	pt, mod := "cfw_elasticity_public_cn", "CfwAccountNum"
	if site == spec.SiteInternational {
		pt, mod = "cfw_elasticity_public_intl", "CfwAccountIntlNum"
	}
	return sdkcall.Request{
		ProductCode: "vipcloudfw", ProductType: pt, SubscriptionType: "PayAsYouGo", ClientToken: token,
		Parameters: []sdkcall.Param{{Code: mod, Value: "1"}}, ReadTimeout: 10 * time.Second,
	}
}

// lastAnswer decodes the body of the newest journal entry (the journal holds an exchange before
// the client sees its answer).
func lastAnswer(t *testing.T, srv *fake.Server) (journal.Entry, map[string]any) {
	t.Helper()
	j := srv.Journal()
	require.NotEmpty(t, j)
	e := j[len(j)-1]
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(e.ResponseBody), &m), "body %q", e.ResponseBody)
	return e, m
}

func TestTwoSitesServeOneState(t *testing.T) {
	t.Parallel()
	srv := siteServer(t)
	require.NotEmpty(t, srv.InternationalEndpoint())
	assert.NotEqual(t, srv.Endpoint(), srv.InternationalEndpoint())
	_, health := adminDo(t, srv, http.MethodGet, "/__admin/health", "")
	assert.Equal(t, srv.InternationalEndpoint(), health["internationalEndpoint"])
	endpoints := map[string]string{spec.SiteDomestic: srv.Endpoint(), spec.SiteInternational: srv.InternationalEndpoint()}
	hosts := map[string]string{spec.SiteDomestic: domesticHost, spec.SiteInternational: intlHost}
	for i, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) { // one server: the clients run one after the other
			// The caller's path from the reference: the international account first calls the
			// domestic site with the domestic ProductType and gets NotApplicable (HTTP 400, which
			// every SDK raises) ...
			token := tfToken(i)
			out := sdkcall.Call(context.Background(), c, endpoints[spec.SiteDomestic], intlCreds, cfwRequest(spec.SiteDomestic, token))
			require.False(t, out.OK, "%+v", out)
			assert.Equal(t, string(spec.CodeNotApplicable), out.ErrCode)
			assert.Equal(t, http.StatusBadRequest, out.ErrStatus)
			e, body := lastAnswer(t, srv)
			assert.Equal(t, domesticHost, body["HostId"], "HostId is the host of the site called")
			assert.Contains(t, e.Reason, "international site")
			// ... then switches endpoint and ProductType and retries with the same ClientToken: one order.
			out = sdkcall.Call(context.Background(), c, endpoints[spec.SiteInternational], intlCreds, cfwRequest(spec.SiteInternational, token))
			require.True(t, out.OK, "%+v", out)
			require.True(t, out.Success)
			again := sdkcall.Call(context.Background(), c, endpoints[spec.SiteInternational], intlCreds, cfwRequest(spec.SiteInternational, token))
			require.True(t, again.OK, "%+v", again)
			assert.Equal(t, out.OrderID, again.OrderID, "the same ClientToken replays the order")
			var mine []fake.Order
			for _, o := range srv.Orders() {
				if o.ClientToken == token {
					mine = append(mine, o)
				}
			}
			require.Len(t, mine, 1, "exactly one order for the token")
			assert.Equal(t, intlAccount, mine[0].AccountID)
			srv.Reset() // the next client opens the once-only service again

			// A domestic account on the international site, and a domestic call with the
			// international ProductType: NotApplicable, HostId of the site called.
			for _, tc := range []struct {
				site, ptSite string
				creds        sdkcall.Credentials
			}{
				{spec.SiteInternational, spec.SiteDomestic, cnCreds},
				{spec.SiteDomestic, spec.SiteInternational, cnCreds},
				{spec.SiteInternational, spec.SiteInternational, cnCreds},
			} {
				out := sdkcall.Call(context.Background(), c, endpoints[tc.site], tc.creds, cfwRequest(tc.ptSite, tfToken(100+i)))
				assert.Equal(t, string(spec.CodeNotApplicable), out.ErrCode, "%s site, %s ProductType: %+v", tc.site, tc.ptSite, out)
				_, body := lastAnswer(t, srv)
				assert.Equal(t, hosts[tc.site], body["HostId"])
			}
			assert.Empty(t, srv.Orders())
		})
	}
}

// TestSiteSwitchIsNotARetry: a careful caller whose international account gets NotApplicable from
// the domestic listener sends the same request, with the same ClientToken, to the international
// listener, as the error asks. The journal records the site and the listener of each request, and
// the judge finds nothing: the move is not a retry of a non-retryable answer, though the success
// answer names no HostId.
func TestSiteSwitchIsNotARetry(t *testing.T) {
	t.Parallel()
	for i, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			srv := siteServer(t)
			req := sdkcall.Request{ProductCode: "rtc", SubscriptionType: "PayAsYouGo", ClientToken: tfToken(i), ReadTimeout: 10 * time.Second}
			out := sdkcall.Call(context.Background(), c, srv.Endpoint(), intlCreds, req)
			require.Equal(t, string(spec.CodeNotApplicable), out.ErrCode, "%+v", out)
			out = sdkcall.Call(context.Background(), c, srv.InternationalEndpoint(), intlCreds, req)
			require.True(t, out.Success, "%+v", out)
			var got [][2]string
			for _, e := range srv.Journal() {
				got = append(got, [2]string{e.Site, e.Endpoint})
			}
			assert.Equal(t, [][2]string{
				{spec.SiteDomestic, srv.Endpoint()},
				{spec.SiteInternational, srv.InternationalEndpoint()},
			}, got)
			assert.Empty(t, verdict.Judge(srv.Journal(), verdict.Thresholds{}))
		})
	}
}

// A proxy that forwards the real host names reaches the site its Host header names, whatever
// address it connects to; any other Host keeps the listener's site.
func TestHostHeaderRoutesToTheSite(t *testing.T) {
	t.Parallel()
	srv := siteServer(t)
	params := url.Values{
		"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"json"}, "AccessKeyId": {cnCreds.AccessKeyID},
		"ProductCode": {"rtc"}, "SubscriptionType": {"PayAsYouGo"},
	}
	tests := []struct {
		name, endpoint, host string
		wantStatus           int
		wantHostID           string
		wantSite, wantVia    string // the journal's Site and Endpoint
	}{
		{"real domestic host on the international listener", srv.InternationalEndpoint(), domesticHost, 200, "", spec.SiteDomestic, domesticHost},
		{"real international host on the domestic listener", srv.Endpoint(), intlHost + ":443", 400, intlHost, spec.SiteInternational, intlHost + ":443"},
		{"real international host, upper case", srv.Endpoint(), strings.ToUpper(intlHost), 400, intlHost, spec.SiteInternational, strings.ToUpper(intlHost)},
		{"loopback host on the international listener", srv.InternationalEndpoint(), "", 400, intlHost, spec.SiteInternational, srv.InternationalEndpoint()},
		{"loopback host on the domestic listener", srv.Endpoint(), "", 200, "", spec.SiteDomestic, srv.Endpoint()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+tt.endpoint+"/?"+params.Encode(), nil)
			require.NoError(t, err)
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, resp.StatusCode, "%s", raw)
			var m map[string]any
			require.NoError(t, json.Unmarshal(raw, &m))
			if tt.wantHostID != "" {
				assert.Equal(t, string(spec.CodeNotApplicable), m["Code"])
				assert.Equal(t, tt.wantHostID, m["HostId"])
			}
			e, _ := lastAnswer(t, srv)
			assert.Equal(t, tt.wantSite, e.Site)
			assert.Equal(t, tt.wantVia, e.Endpoint)
		})
	}
}

// Errors of the fake's own state reach every SDK on the body channel (HTTP 200, which no SDK
// raises, Success false, a non-empty Message) from both sites, with the HostId of the site called.
func TestStateErrorsOnTheBodyChannel(t *testing.T) {
	t.Parallel()
	for _, site := range []string{spec.SiteDomestic, spec.SiteInternational} {
		t.Run(site, func(t *testing.T) {
			t.Parallel()
			srv := siteServer(t)
			ep, creds, host := srv.Endpoint(), cnCreds, domesticHost
			if site == spec.SiteInternational {
				ep, creds, host = srv.InternationalEndpoint(), intlCreds, intlHost
			}
			for i, c := range sdkcall.Clients() {
				t.Run(string(c), func(t *testing.T) {
					srv.Reset()
					// A module value the product does not sell, on the commodity channel.
					bad := cfwRequest(site, tfToken(i))
					bad.Parameters[0].Value = "99"
					out := sdkcall.Call(context.Background(), c, ep, creds, bad)
					require.True(t, out.OK, "%+v", out)
					assert.Equal(t, http.StatusOK, out.HTTPStatus)
					assert.False(t, out.Success)
					assert.Equal(t, string(spec.CodeCommodityInvalidComponent), out.Code)
					assert.Equal(t, "模块非法", out.Message, "the captured message")
					_, body := lastAnswer(t, srv)
					assert.Equal(t, host, body["HostId"])
					assert.Equal(t, false, body["Success"])
					assert.NotEmpty(t, body["Recommend"])
					assert.Empty(t, srv.Orders(), "a body-channel error places no order")

					// The service opens once: a second order with another token names the instance held.
					first := sdkcall.Call(context.Background(), c, ep, creds, cfwRequest(site, tfToken(10+i)))
					require.True(t, first.OK && first.Success, "%+v", first)
					second := sdkcall.Call(context.Background(), c, ep, creds, cfwRequest(site, tfToken(20+i)))
					require.True(t, second.OK, "%+v", second)
					assert.False(t, second.Success)
					assert.Equal(t, string(spec.CodeOrderOpend), second.Code)
					assert.True(t, strings.HasSuffix(second.Message, ": "+first.InstanceID), "message %q ends with the instance held", second.Message)
					assert.Len(t, srv.Orders(), 1)
				})
			}
		})
	}
}

func TestOpenedCodeHasEffectSuit(t *testing.T) {
	t.Parallel()
	cat := siteCatalog()
	cat.Products[0].OpenedCode = string(spec.CodeHasEffectSuit)
	srv := siteServer(t, fake.WithCatalog(cat))
	first := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), cnCreds, cfwRequest(spec.SiteDomestic, tfToken(1)))
	require.True(t, first.Success, "%+v", first)
	second := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), cnCreds, cfwRequest(spec.SiteDomestic, tfToken(2)))
	assert.Equal(t, string(spec.CodeHasEffectSuit), second.Code)
	assert.True(t, strings.HasSuffix(second.Message, ": "+first.InstanceID), second.Message)
	// Another account opens its own.
	other := sdkcall.Call(context.Background(), sdkcall.ACS, srv.InternationalEndpoint(), intlCreds, cfwRequest(spec.SiteInternational, tfToken(3)))
	assert.True(t, other.Success, "%+v", other)
}

func TestPaymentState(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	sub := func(period int) sdkcall.Request {
		return sdkcall.Request{ProductCode: "sas", SubscriptionType: "Subscription", Period: period, ReadTimeout: 10 * time.Second}
	}
	payg := sdkcall.Request{ProductCode: "sas", SubscriptionType: "PayAsYouGo", ReadTimeout: 10 * time.Second}
	tests := []struct {
		name     string
		payment  *fake.Payment
		price    float64 // sas's monthly price; 0 leaves it free
		requests []sdkcall.Request
		want     []string // "Success" or the code of each answer
	}{
		{"within limit and balance", &fake.Payment{Balance: f(1200), Limit: f(1200)}, 100, []sdkcall.Request{sub(12)}, []string{"Success"}},
		{"over the limit", &fake.Payment{Limit: f(1000)}, 100, []sdkcall.Request{sub(12), sub(6)},
			[]string{string(spec.CodePayAmountLimitExceeded), "Success"}},
		{"balance spent by earlier orders", &fake.Payment{Balance: f(1500)}, 100, []sdkcall.Request{sub(12), sub(6), sub(3)},
			[]string{"Success", string(spec.CodePayInsufficientBalance), "Success"}},
		{"pay-as-you-go is not paid up front", &fake.Payment{Balance: f(0)}, 100, []sdkcall.Request{payg, sub(1)},
			[]string{"Success", string(spec.CodePayInsufficientBalance)}},
		{"without a price nothing changes", &fake.Payment{Balance: f(0), Limit: f(0)}, 0, []sdkcall.Request{sub(12)}, []string{"Success"}},
		{"without a payment state nothing changes", nil, 100, []sdkcall.Request{sub(120)}, []string{"Success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := siteCatalog()
			cat.Products[1].MonthlyPrice = tt.price
			srv := fake.NewServer(t, fake.WithCatalog(cat), fake.WithAccounts(
				fake.Account{ID: cnAccount, AccessKeys: []fake.AccessKey{{ID: cnCreds.AccessKeyID}}, Payment: tt.payment}))
			placed := 0
			for i, req := range tt.requests {
				c := sdkcall.Clients()[i%len(sdkcall.Clients())]
				out := sdkcall.Call(context.Background(), c, srv.Endpoint(), cnCreds, req)
				require.True(t, out.OK, "%s: %+v", c, out)
				assert.Equal(t, tt.want[i], out.Code, "request %d through %s: %s", i, c, out.Message)
				if out.Code == "Success" {
					placed++
					continue
				}
				assert.False(t, out.Success)
				assert.Contains(t, out.Message, cnAccount, "the message names the account (havanaId)")
				e, _ := lastAnswer(t, srv)
				assert.NotEmpty(t, e.Reason)
			}
			assert.Len(t, srv.Orders(), placed, "an order it cannot pay is not placed")
		})
	}
}

func TestAccountsFileSiteAndPayment(t *testing.T) {
	t.Parallel()
	accts, err := fake.ParseAccounts([]byte("accounts:\n  - id: \"1000000000000022\"\n    site: international\n    payment:\n      balance: 10.5\n      limit: 5\n"))
	require.NoError(t, err)
	require.Len(t, accts, 1)
	assert.Equal(t, spec.SiteInternational, accts[0].Site)
	require.NotNil(t, accts[0].Payment)
	assert.InDelta(t, 10.5, *accts[0].Payment.Balance, 0)
	assert.InDelta(t, 5, *accts[0].Payment.Limit, 0)

	_, err = fake.ParseAccounts([]byte("accounts:\n  - id: \"1000000000000022\"\n    site: intl\n    payment:\n      balance: -1\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 3:11: accounts[0].site: site "intl" is neither domestic nor international`)
	assert.Contains(t, err.Error(), "line 5:16: accounts[0].payment.balance")

	_, err = fake.New(fake.WithAccounts(fake.Account{ID: cnAccount, Site: "mars"}))
	assert.ErrorContains(t, err, `site "mars"`)
}

func TestCatalogStateFieldsAreValidated(t *testing.T) {
	t.Parallel()
	_, err := fake.ParseCatalog([]byte("products:\n  - code: cfw\n    openedCode: ORDER.CLOSED\n    monthlyPrice: -3\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 4:19: products[0].monthlyPrice`)
	assert.Contains(t, err.Error(), `line 3:17: products[0].openedCode: "ORDER.CLOSED" is neither ORDER.OPEND nor Has.effect.suit`)
}
