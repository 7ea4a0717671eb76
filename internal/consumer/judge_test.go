package consumer

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bsskit/bsskit/internal/tfclient"
)

// TestJudge: the decision rules on hand-made answers.
func TestJudge(t *testing.T) {
	t.Parallel()
	ok := func(extra map[string]any) map[string]any {
		m := map[string]any{"Code": "Success", "Message": "Successful!", "RequestId": "r", "Success": true,
			"Data": map[string]any{"InstanceId": "rtc-cn-1", "OrderId": "2099"}}
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	bodyErr := func(code, msg string) map[string]any {
		return map[string]any{"Code": code, "Message": msg, "RequestId": "r", "Success": false}
	}
	httpErr := func(status int, code, msg string) error {
		return &tfclient.Error{StatusCode: status, Code: code, Message: msg, RequestID: "r"}
	}
	for _, tc := range []struct {
		name     string
		body     map[string]any
		err      error
		want     Action
		instance string
		already  bool
	}{
		{"success", ok(nil), nil, Done, "rtc-cn-1", false},
		{"code ok in any case, Success absent", ok(map[string]any{"Code": "OK", "Success": nil}), nil, Done, "rtc-cn-1", false},
		{"code 200", ok(map[string]any{"Code": "200", "Success": nil}), nil, Done, "rtc-cn-1", false},
		{"Success true with another code", ok(map[string]any{"Code": "Whatever"}), nil, Done, "rtc-cn-1", false},
		{"success without Data", ok(map[string]any{"Data": nil}), nil, Fail, "", false},
		{"success with Data null-like string", ok(map[string]any{"Data": "x"}), nil, Fail, "", false},
		{"200 error with an empty Message passes as success, then has no Data", bodyErr("PAY.INSUFFICIENT_BALANCE", ""), nil, Fail, "", false},
		{"200 payment error", bodyErr("PAY.INSUFFICIENT_BALANCE", "not enough balance"), nil, Fail, "", false},
		{"200 invalid component", bodyErr("COMMODITY.INVALID_COMPONENT", "模块非法"), nil, Fail, "", false},
		{"200 ORDER.OPEND", bodyErr("ORDER.OPEND", "opened"), nil, Done, "", true},
		{"200 INSTANCE_ID_IS_NOT_UNIQUE", bodyErr("INSTANCE_ID_IS_NOT_UNIQUE", "dup"), nil, Done, "", true},
		{"200 Has.effect.suit", bodyErr("Has.effect.suit", "The user already has an effective suit: cfw-abc123"), nil, Done, "cfw-abc123", true},
		{"200 CSS_CHECK_ORDER_ERROR", bodyErr("CSS_CHECK_ORDER_ERROR", "check"), nil, Retry, "", false},
		{"200 SYSTEM.CONCURRENT_OPERATE", bodyErr("SYSTEM.CONCURRENT_OPERATE", "busy"), nil, Retry, "", false},
		{"200 wrong site message", bodyErr("InvalidParameter", "not found article by given param"), nil, SwitchSite, "", false},
		{"400 NotApplicable", nil, httpErr(400, "NotApplicable", "This API is not applicable for caller."), SwitchSite, "", false},
		{"400 Throttling.User", nil, httpErr(400, "Throttling.User", "Request was denied due to user flow control."), Retry, "", false},
		{"400 Throttling.Api", nil, httpErr(400, "Throttling.Api", "x"), Retry, "", false},
		{"400 Rejected.Throttling", nil, httpErr(400, "Rejected.Throttling", "x"), Retry, "", false},
		{"503 ServiceUnavailable", nil, httpErr(503, "ServiceUnavailable", "x"), Retry, "", false},
		{"500 InternalError", nil, httpErr(500, "InternalError", "x"), Retry, "", false},
		{"502 without a code", nil, httpErr(502, "", ""), Retry, "", false},
		{"400 InvalidParameter", nil, httpErr(400, "InvalidParameter", "x"), Fail, "", false},
		{"404 InvalidAction.NotFound", nil, httpErr(404, "InvalidAction.NotFound", "x"), Fail, "", false},
		{"no answer", nil, io.ErrUnexpectedEOF, Retry, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := Judge(tc.body, tc.err)
			assert.Equal(t, tc.want, v.Action, "verdict %+v", v)
			assert.Equal(t, tc.instance, v.InstanceID)
			assert.Equal(t, tc.already, v.AlreadyBought)
			if tc.want == Fail {
				assert.Error(t, v.Err)
			}
			if tc.err != nil {
				assert.True(t, errors.Is(v.Err, tc.err))
			}
		})
	}
}

// TestOrderBody: the site switch renames the product type and module codes; the token stays.
func TestOrderBody(t *testing.T) {
	t.Parallel()
	o := Order{ProductCode: "cfw", ProductType: "cfw_elasticity_public_cn", SubscriptionType: "PayAsYouGo",
		Parameters:  []Param{{"CfwAccountNum", "1"}, {"Other", "x"}},
		ClientToken: "TF-tok", IntlParamCodes: map[string]string{"CfwAccountNum": "CfwAccountIntlNum"}}
	d, i := o.body(Domestic), o.body(International)
	assert.Equal(t, "cfw_elasticity_public_cn", d["ProductType"])
	assert.Equal(t, "cfw_elasticity_public_intl", i["ProductType"])
	assert.Equal(t, "CfwAccountNum", d["Parameter"].([]map[string]any)[0]["Code"])
	assert.Equal(t, "CfwAccountIntlNum", i["Parameter"].([]map[string]any)[0]["Code"])
	assert.Equal(t, "Other", i["Parameter"].([]map[string]any)[1]["Code"])
	assert.Equal(t, d["ClientToken"], i["ClientToken"])
	assert.NotContains(t, Order{}.body(Domestic), "ClientToken")
	assert.NotContains(t, Order{}.body(Domestic), "Period")
}

// TestActionString: every action has its name; an unknown one says its number.
func TestActionString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"done", "retry", "switch-site", "fail", "Action(9)"},
		[]string{Done.String(), Retry.String(), SwitchSite.String(), Fail.String(), Action(9).String()})
}

// TestBuyWithoutClient: a Buyer without a domestic client is an error, not a panic.
func TestBuyWithoutClient(t *testing.T) {
	t.Parallel()
	_, err := (&Buyer{}).Buy(context.Background(), Order{})
	assert.ErrorContains(t, err, "Domestic is nil")
}
