package spec_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// capturedACS is the raw query the old official SDK sent (shared/reference §1.3).
const capturedACS = "AccessKeyId=testAKID&Action=CreateInstance&ClientToken=token-123&Format=JSON&Parameter.1.Code=Region&Parameter.1.Value=cn-hangzhou&Parameter.2.Code=Name&Parameter.2.Value=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%E4%B8%AD&Period=12&ProductCode=rds&RegionId=cn-hangzhou&Signature=rHF7My%2BHsydJQ5bA30L0XaBaS38%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=f75ccf2f7983133b4a6cad2ff659fd4f&SignatureType=&SignatureVersion=1.0&SubscriptionType=Subscription&Timestamp=2026-11-25T18%3A11%3A59Z&Version=2017-12-14"

// capturedV3 is the raw query darabonba-openapi sent with the V3 signature (shared/reference §4.1).
const capturedV3 = "ClientToken=token-123&Parameter.1.Code=Region&Parameter.1.Value=cn-hangzhou&Parameter.2.Code=Name&Parameter.2.Value=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%E4%B8%AD&Period=12&ProductCode=rds&SubscriptionType=Subscription"

func acsRequest(method, query string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:41387/?"+query, nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Acs-Action", "CreateInstance")
	r.Header.Set("X-Acs-Version", "2017-12-14")
	r.Header.Set("X-Acs-Credentials-Provider", "static_ak")
	return r
}

func v3Request(query string, mutate func(h http.Header)) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:35709/?"+query, nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=8c794e187b39ef92ce496cefd462bab5b3518a28d85ddc7a0a86b4a1db33c8e0")
	r.Header.Set("X-Acs-Action", "CreateInstance")
	r.Header.Set("X-Acs-Version", "2017-12-14")
	r.Header.Set("X-Acs-Date", "2026-11-25T18:14:11Z")
	r.Header.Set("X-Acs-Signature-Nonce", "b2ad0f8c270e1abcc6e2a65ced039934")
	r.Header.Set("X-Acs-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	if mutate != nil {
		mutate(r.Header)
	}
	return r
}

func replace(q, old, new string) string {
	if !strings.Contains(q, old) {
		panic("test bug: " + old + " not in query")
	}
	return strings.Replace(q, old, new, 1)
}

func TestValidateRequest(t *testing.T) {
	t.Parallel()
	v, err := spec.NewValidator()
	require.NoError(t, err)
	tests := []struct {
		name      string
		req       *http.Request
		wantErr   string // substring of the error; "" = valid
		notRouted bool
	}{
		{name: "captured old SDK POST", req: acsRequest(http.MethodPost, capturedACS)},
		{name: "captured old SDK as GET", req: acsRequest(http.MethodGet, capturedACS)},
		{name: "captured V3 POST", req: v3Request(capturedV3, nil)},
		{name: "lowercase json format", req: acsRequest(http.MethodPost, replace(capturedACS, "Format=JSON", "Format=json"))},
		{name: "XML format", req: acsRequest(http.MethodPost, replace(capturedACS, "Format=JSON", "Format=XML"))},
		{name: "pay as you go without Period", req: acsRequest(http.MethodPost, replace(replace(capturedACS, "Period=12&", ""), "Subscription&", "PayAsYouGo&"))},
		{name: "16-digit OwnerId", req: acsRequest(http.MethodPost, capturedACS+"&OwnerId=1234567890123456")},
		{name: "missing ProductCode", req: acsRequest(http.MethodPost, replace(capturedACS, "ProductCode=rds&", "")), wantErr: `parameter "ProductCode" in query has an error: value is required`},
		{name: "missing SubscriptionType", req: acsRequest(http.MethodGet, replace(capturedACS, "SubscriptionType=Subscription&", "")), wantErr: `parameter "SubscriptionType"`},
		{name: "SubscriptionType not in enum", req: acsRequest(http.MethodPost, replace(capturedACS, "SubscriptionType=Subscription", "SubscriptionType=Monthly")), wantErr: `parameter "SubscriptionType"`},
		{name: "Period not an integer", req: acsRequest(http.MethodPost, replace(capturedACS, "Period=12", "Period=twelve")), wantErr: `parameter "Period"`},
		{name: "Period below minimum", req: acsRequest(http.MethodPost, replace(capturedACS, "Period=12", "Period=0")), wantErr: `parameter "Period"`},
		{name: "RenewalStatus not in enum", req: acsRequest(http.MethodPost, capturedACS+"&RenewalStatus=Sometimes"), wantErr: `parameter "RenewalStatus"`},
		{name: "ClientToken of 65 characters", req: acsRequest(http.MethodPost, replace(capturedACS, "token-123", strings.Repeat("t", 65))), wantErr: `parameter "ClientToken"`},
		{name: "ClientToken not ASCII", req: acsRequest(http.MethodPost, replace(capturedACS, "token-123", "%E4%B8%AD")), wantErr: `parameter "ClientToken"`},
		{name: "OwnerId of 15 digits", req: acsRequest(http.MethodPost, capturedACS+"&OwnerId=123456789012345"), wantErr: `parameter "OwnerId"`},
		{name: "unknown Action", req: acsRequest(http.MethodPost, replace(capturedACS, "Action=CreateInstance", "Action=DeleteInstance")), wantErr: `parameter "Action"`},
		{name: "wrong Version", req: acsRequest(http.MethodPost, replace(capturedACS, "Version=2017-12-14", "Version=2014-05-26")), wantErr: `parameter "Version"`},
		{name: "wrong x-acs-version header", req: v3Request(capturedV3, func(h http.Header) { h.Set("X-Acs-Version", "2020-01-01") }), wantErr: `parameter "x-acs-version"`},
		{name: "Format YAML", req: acsRequest(http.MethodPost, replace(capturedACS, "Format=JSON", "Format=YAML")), wantErr: `parameter "Format"`},
		{name: "PUT is not an operation", req: acsRequest(http.MethodPut, capturedACS), notRouted: true},
		{name: "other path", req: httptest.NewRequest(http.MethodPost, "http://127.0.0.1:1/instances", nil), notRouted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.ValidateRequest(context.Background(), tt.req)
			switch {
			case tt.notRouted:
				require.Error(t, err)
				assert.True(t, errors.Is(err, spec.ErrNotRouted), "%v", err)
			case tt.wantErr == "":
				assert.NoError(t, err)
			default:
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	t.Parallel()
	v, err := spec.NewValidator()
	require.NoError(t, err)
	const (
		jsonCT = "application/json;charset=utf-8"
		xmlCT  = "text/xml;charset=utf-8"
		id     = "6000EE23-274B-4E07-A697-FF2E999520A4"
	)
	okJSON := `{"RequestId":"` + id + `","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"214567890120123","InstanceId":"rtc-cn-1"}}`
	okXML := `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>` + id + `</RequestId><Success>true</Success><Code>Success</Code><Message>Successful!</Message><Data><OrderId>214567890120123</OrderId><InstanceId>rtc-cn-1</InstanceId></Data></CreateInstanceResponse>`
	errJSON := `{"RequestId":"` + id + `","HostId":"business.aliyuncs.com","Code":"InvalidParameter","Message":"The specified parameter Period is not valid.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidParameter"}`
	errXML := `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>` + id + `</RequestId><HostId>business.aliyuncs.com</HostId><Code>InvalidVersion</Code><Message>Specified parameter Version is not valid.</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=BssOpenApi]]></Recommend></Error>`
	bodyErrJSON := `{"RequestId":"` + id + `","HostId":"business.ap-southeast-1.aliyuncs.com","Code":"COMMODITY.INVALID_COMPONENT","Message":"模块非法","Recommend":"https://api.aliyun.com/troubleshoot?q=COMMODITY.INVALID_COMPONENT","Success":false}`
	bodyErrXML := `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>` + id + `</RequestId><HostId>business.aliyuncs.com</HostId><Code>PAY.INSUFFICIENT_BALANCE</Code><Message>m</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=PAY.INSUFFICIENT_BALANCE]]></Recommend><Success>false</Success></CreateInstanceResponse>`
	tests := []struct {
		name    string
		status  int
		ct      string
		body    string
		noReqID bool
		wantErr string
	}{
		{name: "success JSON", status: 200, ct: jsonCT, body: okJSON},
		{name: "success XML", status: 200, ct: xmlCT, body: okXML},
		{name: "error JSON 400", status: 400, ct: jsonCT, body: errJSON},
		{name: "error JSON 404", status: 404, ct: jsonCT, body: errJSON},
		{name: "error JSON 503", status: 503, ct: jsonCT, body: errJSON},
		{name: "error XML", status: 400, ct: xmlCT, body: errXML},
		{name: "OrderId as a number", status: 200, ct: jsonCT, body: strings.Replace(okJSON, `"214567890120123"`, `214567890120123`, 1), wantErr: "OrderId"},
		{name: "OrderId not digits", status: 200, ct: jsonCT, body: strings.Replace(okJSON, `"214567890120123"`, `"ord-1"`, 1), wantErr: "OrderId"},
		{name: "Success as a string", status: 200, ct: jsonCT, body: strings.Replace(okJSON, `true`, `"true"`, 1), wantErr: "Success"},
		{name: "success false without HostId and Recommend", status: 200, ct: jsonCT, body: `{"RequestId":"x","Success":false,"Code":"InternalError","Message":"m"}`, wantErr: "HostId"},
		{name: "body-channel error JSON", status: 200, ct: jsonCT, body: bodyErrJSON},
		{name: "body-channel error XML", status: 200, ct: xmlCT, body: bodyErrXML},
		{name: "body-channel error with an empty Message", status: 200, ct: jsonCT, body: strings.Replace(bodyErrJSON, `"模块非法"`, `""`, 1), wantErr: "Message"},
		{name: "error body without HostId", status: 400, ct: jsonCT, body: strings.Replace(errJSON, `"HostId":"business.aliyuncs.com",`, ``, 1), wantErr: "HostId"},
		{name: "success without Data", status: 200, ct: jsonCT, body: `{"RequestId":"x","Success":true,"Code":"Success","Message":"Successful!"}`, wantErr: "Data"},
		{name: "success with an empty InstanceId", status: 200, ct: jsonCT, body: strings.Replace(okJSON, `"rtc-cn-1"`, `""`, 1), wantErr: "InstanceId"},
		{name: "missing Message", status: 200, ct: jsonCT, body: `{"RequestId":"x","Success":true,"Code":"Success","Data":{"OrderId":"1","InstanceId":"i"}}`, wantErr: "Message"},
		{name: "RequestId a number in an error", status: 400, ct: jsonCT, body: strings.Replace(errJSON, `"`+id+`"`, `12345`, 1), wantErr: "RequestId"},
		{name: "error without Code", status: 400, ct: jsonCT, body: `{"RequestId":"x","Message":"m"}`, wantErr: "Code"},
		{name: "success XML with the error root", status: 200, ct: xmlCT, body: strings.ReplaceAll(okXML, "CreateInstanceResponse", "Error"), wantErr: "root element"},
		{name: "error XML with the success root", status: 400, ct: xmlCT, body: strings.ReplaceAll(errXML, "<Error>", "<Response>"), wantErr: "root element"},
		{name: "undocumented status", status: 418, ct: jsonCT, body: errJSON, wantErr: "418"},
		{name: "HTML from a proxy", status: 502, ct: "text/html", body: "<html>bad gateway</html>", wantErr: "502"},
		{name: "unknown content type", status: 200, ct: "text/plain", body: okJSON, wantErr: "text/plain"},
		{name: "truncated JSON", status: 200, ct: jsonCT, body: okJSON[:40], wantErr: "body"},
		{name: "missing x-acs-request-id", status: 200, ct: jsonCT, body: okJSON, noReqID: true, wantErr: "x-acs-request-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			h.Set("Content-Type", tt.ct)
			if !tt.noReqID {
				h.Set("X-Acs-Request-Id", id)
			}
			err := v.ValidateResponse(context.Background(), acsRequest(http.MethodPost, capturedACS), tt.status, h, []byte(tt.body))
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}
