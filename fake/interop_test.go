package fake_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

var testCreds = sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret"}

func rtcRequest() sdkcall.Request {
	return sdkcall.Request{
		ProductCode:      "rtc",
		SubscriptionType: "PayAsYouGo",
		Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}, {Code: "BillType", Value: "traffic"}},
		ReadTimeout:      10 * time.Second,
	}
}

// TestOfficialSDKsSucceed: both SDK generations, unmodified, place an order with typed fields, in
// JSON and XML, with POST and GET.
func TestOfficialSDKsSucceed(t *testing.T) {
	t.Parallel()
	type variant struct {
		name   string
		client sdkcall.Client
		format string
		method string
	}
	var variants []variant
	for _, c := range sdkcall.Clients() {
		for _, m := range []string{"", "GET"} {
			variants = append(variants, variant{string(c) + "/POST", c, "", m})
			if m == "GET" {
				variants[len(variants)-1].name = string(c) + "/GET"
			}
		}
		if c != sdkcall.DOAV3 { // V3 always asks for JSON
			variants = append(variants, variant{string(c) + "/XML", c, "XML", ""})
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(11))
			req := rtcRequest()
			req.Format, req.Method, req.ClientToken = v.format, v.method, "token-"+v.name
			req.RenewalStatus, req.RenewPeriod = "AutoRenewal", 3
			out := sdkcall.Call(context.Background(), v.client, srv.Endpoint(), testCreds, req)
			require.True(t, out.OK, "%s: %+v", v.name, out)
			assert.True(t, out.Success)
			assert.Equal(t, "Success", out.Code)
			assert.Equal(t, 200, out.HTTPStatus)
			orders := srv.Orders()
			require.Len(t, orders, 1)
			o := orders[0]
			assert.Equal(t, o.OrderID, out.OrderID)
			assert.Equal(t, o.InstanceID, out.InstanceID)
			assert.Regexp(t, `^[0-9]{15}$`, out.OrderID)
			assert.Regexp(t, `^rtc-cn-[0-9a-z]{12}$`, out.InstanceID)
			assert.Equal(t, "testAKID", o.AccessKeyID)
			assert.Equal(t, []fake.Param{{N: 1, Code: "ServiceType", Value: "universal"}, {N: 2, Code: "BillType", Value: "traffic"}}, o.Parameters)
			assert.Equal(t, "AutoRenewal", o.RenewalStatus)
			assert.Equal(t, 3, o.RenewPeriod)
			e := srv.Journal()[0]
			assert.Equal(t, out.RequestID, e.RequestID)
			wantMethod := "POST"
			if v.method == "GET" {
				wantMethod = "GET"
			}
			assert.Equal(t, wantMethod, e.Method)
			if v.format == "XML" {
				assert.Equal(t, "XML", e.Format)
			}

			// The same ClientToken again: the first call's result.
			again := sdkcall.Call(context.Background(), v.client, srv.Endpoint(), testCreds, req)
			require.True(t, again.OK)
			assert.Equal(t, out.OrderID, again.OrderID)
			assert.Equal(t, out.InstanceID, again.InstanceID)
			assert.NotEqual(t, out.RequestID, again.RequestID)
			assert.Len(t, srv.Orders(), 1)
		})
	}
}

// TestOfficialSDKsSeeEveryBusinessError: every documented code the fake decides by itself surfaces
// through each SDK as its error type with the right code and HTTP status.
func TestOfficialSDKsSeeEveryBusinessError(t *testing.T) {
	t.Parallel()
	mod := func(f func(*sdkcall.Request)) sdkcall.Request { r := rtcRequest(); f(&r); return r }
	cases := []struct {
		code  spec.Code
		creds sdkcall.Credentials
		req   sdkcall.Request
	}{
		{spec.CodeNotApplicable, testCreds, mod(func(r *sdkcall.Request) { r.ProductCode, r.Parameters = "ecs", nil })},
		{spec.CodeMissingParameter, testCreds, mod(func(r *sdkcall.Request) { r.SubscriptionType = "" })},
		{spec.CodeInvalidParameter, testCreds, mod(func(r *sdkcall.Request) { r.SubscriptionType = "Monthly" })},
		{spec.CodeInvalidModuleCode, testCreds, mod(func(r *sdkcall.Request) { r.Parameters[1].Code = "Colour" })},
		{spec.CodeInvalidConfigCode, testCreds, mod(func(r *sdkcall.Request) { r.Parameters[0].Value = "premium" })},
		{spec.CodeInvalidOwner, testCreds, mod(func(r *sdkcall.Request) { r.OwnerID = 3000000000000001 })},
		{spec.CodeInvalidCaller, sdkcall.Credentials{AccessKeyID: "stranger", AccessKeySecret: "x"}, rtcRequest()},
		{spec.CodeProductNotFind, testCreds, mod(func(r *sdkcall.Request) { r.ProductCode = "nosuchproduct" })},
	}
	for _, c := range sdkcall.Clients() {
		for _, tc := range cases {
			t.Run(string(c)+"/"+string(tc.code), func(t *testing.T) {
				t.Parallel()
				srv := fake.NewServer(t, fake.WithAccounts(fake.Account{ID: fake.DefaultAccountID, AccessKeys: []fake.AccessKey{{ID: "testAKID"}}, Owners: fake.DefaultOwnerIDs()}))
				out := sdkcall.Call(context.Background(), c, srv.Endpoint(), tc.creds, tc.req)
				def := spec.MustLookup(tc.code)
				require.False(t, out.OK, "%+v", out)
				want := sdkcall.SDKError
				if c == sdkcall.ACS {
					want = sdkcall.ServerError
				}
				assert.Equal(t, want, out.ErrKind, "%+v", out)
				assert.Equal(t, string(tc.code), out.ErrCode)
				assert.Equal(t, def.HTTPStatus, out.ErrStatus)
				assert.Contains(t, out.ErrMessage, strings.SplitN(def.Message, "{", 2)[0])
				assert.Empty(t, srv.Orders())
			})
		}
	}
}

// TestOldSDKWithXMLErrors: the old SDK does not parse XML error bodies (reference §3): its
// ServerError has an empty code and the raw <Error> document as message, exactly as against the real
// service.
func TestOldSDKWithXMLErrors(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	req := rtcRequest()
	req.Format, req.ProductCode = "XML", "nosuchproduct"
	out := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), testCreds, req)
	assert.Equal(t, sdkcall.ServerError, out.ErrKind)
	assert.Equal(t, 400, out.ErrStatus)
	assert.Empty(t, out.ErrCode)
	assert.Contains(t, out.ErrMessage, "<Error>")
	assert.Contains(t, out.ErrMessage, "<Code>ProductNotFind</Code>")
}
