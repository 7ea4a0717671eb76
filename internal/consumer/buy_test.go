package consumer

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/mutants"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/internal/tfclient"
	"github.com/bsskit/bsskit/spec"
)

const (
	keyID  = "LTAIconsumerTestKey"
	secret = "consumer-test-secret"
)

// The hosts of the two sites, sent as Host headers (a proxy that forwards the real host names).
const (
	domesticHost = "business.aliyuncs.com"
	intlHost     = "business.ap-southeast-1.aliyuncs.com"
)

func rtcOrder(token string) Order {
	return Order{ProductCode: "rtc", SubscriptionType: "PayAsYouGo", ClientToken: token,
		Parameters: []Param{{"ServiceType", "universal"}}}
}

// buyer returns a buyer whose two sites are srv, reached under the two sites' host names.
func buyer(srv *fake.Server) *Buyer {
	cred := signing.Credentials{AccessKeyID: keyID, AccessKeySecret: secret}
	return &Buyer{
		Domestic:      &tfclient.Client{Endpoint: srv.Endpoint(), Host: domesticHost, Credentials: cred},
		International: &tfclient.Client{Endpoint: srv.Endpoint(), Host: intlHost, Credentials: cred},
	}
}

// TestBuyThroughTheFake: the consumer buys through the fake under each channel and fault: one order
// each time it should succeed (however many attempts, all with the same ClientToken), a clear error
// and no order each time it should not.
func TestBuyThroughTheFake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		rules    []faults.Rule
		attempts int
		wantErr  string // "" for success
	}{
		{"clean", nil, 1, ""},
		{"throttled twice", []faults.Rule{{Times: 2, Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}}}, 3, ""},
		{"service unavailable", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Error: spec.CodeServiceUnavailable}}}, 2, ""},
		{"internal error", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Error: spec.CodeInternalError}}}, 2, ""},
		{"answer lost after the order (503)", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Error: spec.CodeServiceUnavailable, AfterCommit: true}}}, 2, ""},
		{"connection reset", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultReset}}}, 2, ""},
		{"empty reply", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultEmpty}}}, 2, ""},
		{"truncated answer after the order", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultTruncate}}}, 2, ""},
		{"malformed answer after the order", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultMalformed}}}, 2, ""},
		{"proxy 502", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultProxy502}}}, 2, ""},
		{"empty 200 body", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultEmptyBody}}}, 2, ""},
		{"throttled for good", []faults.Rule{{Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}}}, 5, "HTTP 400 Throttling.User"},
		{"parameter error", []faults.Rule{{Outcome: &faults.Outcome{Error: spec.CodeInvalidParameter}}}, 1, "HTTP 400 InvalidParameter"},
		{"body-channel error", []faults.Rule{{Outcome: &faults.Outcome{Error: spec.CodeInvalidConfigCode, Status: 200, Message: "模块非法"}}}, 1, `HTTP 200 InvalidConfigCode: 模块非法 (request id `},
		{"body-channel internal error is retried", []faults.Rule{{Times: 1, Outcome: &faults.Outcome{Error: spec.CodeInternalError, Status: 200}}}, 2, ""},
		{"not applicable on both sites", []faults.Rule{{Outcome: &faults.Outcome{Error: spec.CodeNotApplicable}}}, 2, "international site failed after 2 attempt(s): HTTP 400 NotApplicable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
			for _, r := range tc.rules {
				_, err := srv.Faults().Add(r)
				require.NoError(t, err)
			}
			token := tfclient.ClientToken("CreateInstance", time.Unix(1764480000, 0), tc.name)
			res, err := buyer(srv).Buy(context.Background(), rtcOrder(token))
			j := srv.Journal()
			for _, e := range j {
				assert.Equal(t, token, e.ClientToken, "every attempt carries the order's ClientToken")
			}
			if tc.wantErr != "" {
				var be *Error
				require.True(t, errors.As(err, &be), "want *Error, got %v", err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Equal(t, tc.attempts, be.Attempts)
				assert.Len(t, j, tc.attempts)
				assert.Empty(t, srv.Orders(), "a failed purchase places no order")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.attempts, res.Attempts)
			assert.Len(t, j, tc.attempts)
			orders := srv.Orders()
			require.Len(t, orders, 1, "exactly one order")
			assert.Equal(t, orders[0].InstanceID, res.InstanceID)
			assert.Equal(t, orders[0].OrderID, res.OrderID)
			assert.Equal(t, Domestic, res.Site)
		})
	}
}

// TestSiteSwitch: an account of the international site buys a domestic product type: the domestic
// site answers NotApplicable (HostId business.aliyuncs.com), the consumer switches to the
// international site and product type and module codes with the same ClientToken, and exactly one
// order is placed. The sites are the fake's two listeners, or its domestic listener under the two
// sites' host names (a proxy that forwards the real names). A domestic account buys on the domestic
// site at once.
func TestSiteSwitch(t *testing.T) {
	t.Parallel()
	cat := fake.DefaultCatalog()
	cat.Products = append(cat.Products, fake.Product{
		Code: "cfw", SubscriptionTypes: []string{"PayAsYouGo"},
		ProductTypes: []string{"cfw_elasticity_public_cn", "cfw_elasticity_public_intl"},
		Modules:      []fake.Module{{Code: "CfwAccountNum"}, {Code: "CfwAccountIntlNum"}},
	})
	cred := signing.Credentials{AccessKeyID: keyID, AccessKeySecret: secret}
	for _, tc := range []struct {
		name      string
		site      string // the account's
		byHost    bool   // the sites as Host headers on the domestic listener
		wantSite  Site
		wantCalls int
	}{
		{"international account, two listeners", spec.SiteInternational, false, International, 2},
		{"international account, host names", spec.SiteInternational, true, International, 2},
		{"domestic account, two listeners", spec.SiteDomestic, false, Domestic, 1},
		{"domestic account, host names", spec.SiteDomestic, true, Domestic, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCatalog(cat), fake.WithAccounts(fake.Account{
				ID: "1000000000000009", Site: tc.site, AccessKeys: []fake.AccessKey{{ID: keyID, Secret: secret}},
			}))
			b := buyer(srv)
			if !tc.byHost {
				require.NotEmpty(t, srv.InternationalEndpoint())
				b = &Buyer{
					Domestic:      &tfclient.Client{Endpoint: srv.Endpoint(), Credentials: cred},
					International: &tfclient.Client{Endpoint: srv.InternationalEndpoint(), Credentials: cred},
				}
			}
			token := tfclient.ClientToken("CreateInstance", time.Unix(1764480000, 0), "5b1e3c55-9c3a-4a57-8d1b-1f2e3d4c5b6a")
			res, err := b.Buy(context.Background(), Order{
				ProductCode: "cfw", ProductType: "cfw_elasticity_public_cn", SubscriptionType: "PayAsYouGo",
				Parameters: []Param{{"CfwAccountNum", "1"}}, ClientToken: token,
				IntlParamCodes: map[string]string{"CfwAccountNum": "CfwAccountIntlNum"},
			})
			require.NoError(t, err)
			assert.Equal(t, tc.wantSite, res.Site)
			assert.Equal(t, tc.wantCalls, res.Attempts)
			j := srv.Journal()
			require.Len(t, j, tc.wantCalls)
			for _, e := range j {
				assert.Equal(t, token, e.ClientToken)
			}
			orders := srv.Orders()
			require.Len(t, orders, 1, "exactly one order")
			assert.Equal(t, res.InstanceID, orders[0].InstanceID)
			if tc.wantSite == Domestic {
				assert.Equal(t, "cfw_elasticity_public_cn", orders[0].ProductType)
				return
			}
			assert.Equal(t, string(spec.CodeNotApplicable), j[0].Code)
			assert.Contains(t, j[0].ResponseBody, `"HostId":"business.aliyuncs.com"`)
			assert.Equal(t, "Success", j[1].Code)
			assert.Equal(t, "cfw_elasticity_public_intl", orders[0].ProductType)
			assert.Equal(t, []fake.Param{{N: 1, Code: "CfwAccountIntlNum", Value: "1"}}, orders[0].Parameters)
		})
	}
}

// TestEmptyMessageLooksLikeSuccess: why the contract's body-error check exists. Against an endpoint
// that answers an error on the body channel without a Message (the mutant
// body-error-message-empty), the provider's rule takes the error for a success, and only the
// missing Data tells the caller something is wrong.
func TestEmptyMessageLooksLikeSuccess(t *testing.T) {
	t.Parallel()
	m, ok := mutants.ByName("body-error-message-empty")
	require.True(t, ok, "no mutant %q", "body-error-message-empty")
	require.NotNil(t, m.Wrap)
	ts, srv, err := mutants.Start(m)
	require.NoError(t, err)
	t.Cleanup(ts.Close)
	srv.Faults().Add(faults.FailNext(spec.CodeInvalidParameter))
	b := &Buyer{Domestic: &tfclient.Client{Endpoint: ts.URL, Credentials: signing.Credentials{AccessKeyID: keyID, AccessKeySecret: secret}}}
	_, err = b.Buy(context.Background(), rtcOrder("TF-empty-message"))
	var be *Error
	require.True(t, errors.As(err, &be), "want *Error, got %v", err)
	assert.Equal(t, 1, be.Attempts)
	assert.Equal(t, 200, be.Last.Status)
	assert.Equal(t, string(spec.CodeInvalidParameter), be.Last.Code)
	assert.Contains(t, err.Error(), "taken for a success")
	assert.Empty(t, srv.Orders())
}

// TestBuyEveryCatalogueCode: the consumer buys while the fake answers each code of the catalogue,
// on the code's own channel: a retried code once, then the order (one order, every attempt with the
// same ClientToken); an "already bought" code, a success without a new order; NotApplicable on both
// sites, an error from the international site; any other code, a clear error naming it and no
// order.
func TestBuyEveryCatalogueCode(t *testing.T) {
	t.Parallel()
	for _, def := range spec.Errors() {
		t.Run(string(def.Code), func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
			code := string(def.Code)
			retried := isRetried(code) || def.HTTPStatus >= 500
			rule := faults.Rule{Outcome: &faults.Outcome{Error: def.Code}}
			if retried {
				rule.Times = 1
			}
			if def.Code == spec.CodeHasEffectSuit {
				rule.Outcome.Message = "The user already has an effective suit: rtc-cn-held"
			}
			_, err := srv.Faults().Add(rule)
			require.NoError(t, err)
			token := tfclient.ClientToken("CreateInstance", time.Unix(1764480000, 0), code)
			res, err := buyer(srv).Buy(context.Background(), rtcOrder(token))
			j := srv.Journal()
			require.NotEmpty(t, j)
			for _, e := range j {
				assert.Equal(t, token, e.ClientToken)
			}
			wantStatus := def.HTTPStatus
			assert.Equal(t, wantStatus, j[0].Status, "the fake answers %s on its channel (%s)", code, def.Channel)
			switch {
			case retried:
				require.NoError(t, err)
				assert.Equal(t, 2, res.Attempts)
				require.Len(t, srv.Orders(), 1)
				assert.Equal(t, srv.Orders()[0].InstanceID, res.InstanceID)
			case def.Code == spec.CodeOrderOpend || def.Code == spec.CodeInstanceIdIsNotUnique || def.Code == spec.CodeHasEffectSuit:
				require.NoError(t, err)
				assert.True(t, res.AlreadyBought)
				assert.Empty(t, srv.Orders(), "already bought: no new order")
				if def.Code == spec.CodeHasEffectSuit {
					assert.Equal(t, "rtc-cn-held", res.InstanceID)
				}
			case def.Code == spec.CodeNotApplicable:
				var be *Error
				require.True(t, errors.As(err, &be), "want *Error, got %v", err)
				assert.Equal(t, International, be.Site)
				assert.Equal(t, 2, be.Attempts)
				assert.Empty(t, srv.Orders())
			default:
				var be *Error
				require.True(t, errors.As(err, &be), "want *Error, got %v", err)
				assert.Equal(t, 1, be.Attempts)
				assert.Contains(t, err.Error(), code)
				assert.Equal(t, def.HTTPStatus, be.Last.Status)
				assert.Empty(t, srv.Orders())
			}
		})
	}
}

// TestBuyUncataloguedCodes: codes nobody has listed yet, injected with their channel, judged by the
// rules alone: a body-channel code with a message is an error naming it, one whose name says
// throttling is retried on either channel, an unknown 5xx is retried.
func TestBuyUncataloguedCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		outcome  faults.Outcome
		attempts int
		wantErr  string
	}{
		{"body channel", faults.Outcome{Error: "SYSTEM.NEW_BUSINESS_RULE", Channel: spec.ChannelBody, Message: "a rule nobody has listed"}, 1, `HTTP 200 SYSTEM.NEW_BUSINESS_RULE: a rule nobody has listed`},
		{"http channel 400", faults.Outcome{Error: "Some.New.Gateway.Code", Channel: spec.ChannelHTTP, Status: 400, Message: "new"}, 1, `HTTP 400 Some.New.Gateway.Code: "new"`},
		{"throttling on the body channel", faults.Outcome{Error: "Throttling.Tenant", Channel: spec.ChannelBody, Message: "slow down"}, 2, ""},
		{"throttling on http", faults.Outcome{Error: "Throttling.Tenant", Channel: spec.ChannelHTTP, Status: 429, Message: "slow down"}, 2, ""},
		{"unknown 5xx", faults.Outcome{Error: "Gateway.Busy", Channel: spec.ChannelHTTP, Status: 502, Message: "busy"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
			o := tc.outcome
			rule := faults.Rule{Outcome: &o}
			if tc.wantErr == "" {
				rule.Times = 1
			}
			_, err := srv.Faults().Add(rule)
			require.NoError(t, err)
			res, err := buyer(srv).Buy(context.Background(), rtcOrder("TF-uncatalogued-"+tc.name))
			if tc.wantErr != "" {
				var be *Error
				require.True(t, errors.As(err, &be), "want *Error, got %v", err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Equal(t, tc.attempts, be.Attempts)
				assert.Empty(t, srv.Orders())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.attempts, res.Attempts)
			assert.Len(t, srv.Orders(), 1)
		})
	}
}

// TestTimeoutAfterTheOrder: the order is placed but the answer never comes (the fake hangs after
// committing); the client times out, the consumer retries with the same ClientToken and gets the
// same order back: one order, as "a timeout does NOT mean the order failed" requires.
func TestTimeoutAfterTheOrder(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithCredentials(keyID, secret))
	_, err := srv.Faults().Add(faults.Rule{Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultHang, AfterCommit: true}})
	require.NoError(t, err)
	b := buyer(srv)
	hc := &http.Client{Timeout: 300 * time.Millisecond}
	b.Domestic.HTTPClient, b.International.HTTPClient = hc, hc
	res, err := b.Buy(context.Background(), rtcOrder("TF-timeout-after-order"))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Attempts)
	orders := srv.Orders()
	require.Len(t, orders, 1)
	assert.Equal(t, orders[0].InstanceID, res.InstanceID)
	assert.Equal(t, orders[0].OrderID, res.OrderID)
}
