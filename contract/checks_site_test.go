package contract

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// TestCallerChecks: the checks of how callers judge an answer, on hand-made answers: each
// conformant answer has no finding of them, each deviation exactly the one it breaks.
func TestCallerChecks(t *testing.T) {
	t.Parallel()
	jsonErr := errorBody(t, spec.CodeMissingParameter, spec.FormatJSON, rid1)
	xmlErr := errorBody(t, spec.CodeMissingParameter, spec.FormatXML, rid1)
	bodyErr := `{"RequestId":"` + rid1 + `","HostId":"business.aliyuncs.com","Code":"PAY.INSUFFICIENT_BALANCE","Message":"Your account does not have enough balance.","Recommend":"https://api.aliyun.com","Success":false}`
	for _, tc := range []struct {
		name   string
		url    string // the URL the request was sent to; "" for a loopback one
		host   string // the Host header sent, if any
		status int
		body   string
		want   []CheckName
	}{
		{"json error conforms", "", "", 400, jsonErr, nil},
		{"xml error conforms", "", "", 400, xmlErr, nil},
		{"json success conforms", "", "", 200, successJSON, nil},
		{"xml success conforms", "", "", 200, successXML, nil},
		{"body-channel error conforms", "", "", 200, bodyErr, nil},
		{"error HostId is the host called", "http://127.0.0.9:1/", "", 400, strings.Replace(jsonErr, "business.aliyuncs.com", "127.0.0.9", 1), nil},
		{"error HostId is the Host header", "http://127.0.0.9:1/", "proxy.example:8080", 400, strings.Replace(jsonErr, "business.aliyuncs.com", "proxy.example", 1), nil},
		{"error HostId foreign", "http://127.0.0.9:1/", "", 400, strings.Replace(jsonErr, "business.aliyuncs.com", "ecs.aliyuncs.com", 1), []CheckName{CheckErrorHostID}},
		{"error HostId empty", "", "", 400, strings.Replace(jsonErr, "business.aliyuncs.com", "", 1), []CheckName{CheckErrorHostID}},
		{"error without Recommend", "", "", 400, strings.Replace(jsonErr, `,"Recommend":"https://api.aliyun.com"`, "", 1), []CheckName{CheckErrorHostID}},
		{"xml error without Recommend", "", "", 400, strings.Replace(xmlErr, `<Recommend>https://api.aliyun.com</Recommend>`, "", 1), []CheckName{CheckErrorHostID}},
		{"body-channel error without HostId", "", "", 200, strings.Replace(bodyErr, `"HostId":"business.aliyuncs.com",`, "", 1), []CheckName{CheckErrorHostID}},
		{"body-channel error with empty Message", "", "", 200, strings.Replace(bodyErr, `"Message":"Your account does not have enough balance."`, `"Message":""`, 1), []CheckName{CheckBodyError}},
		{"body-channel error without Message", "", "", 200, strings.Replace(bodyErr, `"Message":"Your account does not have enough balance.",`, "", 1), []CheckName{CheckBodyError}},
		{"body-channel error without Success", "", "", 200, strings.Replace(bodyErr, `,"Success":false`, "", 1), []CheckName{CheckBodyError}},
		{"body-channel error with Success a string", "", "", 200, strings.Replace(bodyErr, `"Success":false`, `"Success":"false"`, 1), []CheckName{CheckBodyError}},
		{"success with Code ok", "", "", 200, strings.Replace(successJSON, `"Code":"Success"`, `"Code":"OK"`, 1), []CheckName{CheckSuccessShape}},
		{"success without Code", "", "", 200, strings.Replace(successJSON, `"Code":"Success",`, "", 1), []CheckName{CheckSuccessShape}},
		{"success without Success", "", "", 200, strings.Replace(successJSON, `"Success":true,`, "", 1), []CheckName{CheckSuccessShape}},
		{"success with Success false", "", "", 200, strings.Replace(successJSON, `"Success":true`, `"Success":false`, 1), []CheckName{CheckSuccessShape}},
		{"success without RequestId", "", "", 200, strings.Replace(successJSON, `"RequestId":"`+rid1+`",`, "", 1), []CheckName{CheckSuccessShape}},
		{"success with Data null", "", "", 200, strings.Replace(successJSON, `{"OrderId":"209990012345678","InstanceId":"rtc-abc"}`, `null`, 1), []CheckName{CheckSuccessShape}},
		{"success with empty InstanceId", "", "", 200, strings.Replace(successJSON, `"rtc-abc"`, `""`, 1), []CheckName{CheckSuccessShape}},
		{"success without OrderId", "", "", 200, strings.Replace(successJSON, `"OrderId":"209990012345678",`, "", 1), []CheckName{CheckSuccessShape}},
		{"xml success with empty Data", "", "", 200, strings.Replace(successXML, `<Data><OrderId>209990012345678</OrderId><InstanceId>rtc-abc</InstanceId></Data>`, `<Data></Data>`, 1), []CheckName{CheckSuccessShape}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := tc.url
			if u == "" {
				u = "http://127.0.0.1:1/"
			}
			p := &prepared{method: http.MethodPost, url: u, header: http.Header{}}
			if tc.host != "" {
				p.header.Set("Host", tc.host)
			}
			got := checkNames(callerChecks(tc.status, p, decodeAnswer([]byte(tc.body))))
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestSiteHosts: the documented site hosts come from the spec's servers and include the domestic
// site.
func TestSiteHosts(t *testing.T) {
	t.Parallel()
	assert.Contains(t, siteHosts(), "business.aliyuncs.com")
	for _, h := range siteHosts() {
		assert.Equal(t, strings.ToLower(h), h)
		assert.NotContains(t, h, ":")
	}
}

// TestChecksListed: every check of this file is documented by Checks.
func TestChecksListed(t *testing.T) {
	t.Parallel()
	var names []CheckName
	for _, c := range Checks() {
		names = append(names, c.Name)
	}
	for _, c := range []CheckName{CheckErrorHostID, CheckBodyError, CheckSuccessShape} {
		assert.Contains(t, names, c)
	}
}

// TestBodyChannelAnswers: every response check on body-channel answers (HTTP 200, Success false):
// a conformant one in JSON and XML has no finding; a body-channel code answered as an HTTP error,
// an HTTP-channel code answered on the body channel and a message off the template are found.
func TestBodyChannelAnswers(t *testing.T) {
	t.Parallel()
	v, err := sharedValidator()
	require.NoError(t, err)
	jsonCT, xmlCT := spec.FormatJSON.ContentType(), spec.FormatXML.ContentType()
	const host = "business.ap-southeast-1.aliyuncs.com"
	jsonBody := `{"RequestId":"` + rid1 + `","HostId":"` + host + `","Code":"COMMODITY.INVALID_COMPONENT","Message":"模块非法","Recommend":"https://next.api.aliyun.com/troubleshoot?q=COMMODITY.INVALID_COMPONENT&product=BssOpenApi","Success":false}`
	xmlBody := `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>` + rid1 + `</RequestId><HostId>` + host + `</HostId><Code>COMMODITY.INVALID_COMPONENT</Code><Message>模块非法</Message><Recommend><![CDATA[https://next.api.aliyun.com/troubleshoot?q=x]]></Recommend><Success>false</Success></CreateInstanceResponse>`
	for _, tc := range []struct {
		name   string
		format spec.Format
		status int
		ct     string
		body   string
		want   []CheckName
	}{
		{"json conforms", spec.FormatJSON, 200, jsonCT, jsonBody, nil},
		{"xml conforms", spec.FormatXML, 200, xmlCT, xmlBody, nil},
		{"as HTTP 400", spec.FormatJSON, 400, jsonCT, jsonBody, []CheckName{CheckErrorShape, CheckStatus}}, // Success is no string
		{"message off template", spec.FormatJSON, 200, jsonCT, strings.Replace(jsonBody, "模块非法", "invalid module", 1), []CheckName{CheckMessage}},
		{"empty message", spec.FormatJSON, 200, jsonCT, strings.Replace(jsonBody, "模块非法", "", 1), []CheckName{CheckBodyError, CheckSchema}},
		{"an HTTP-channel code on the body channel", spec.FormatJSON, 200, jsonCT,
			strings.Replace(strings.Replace(jsonBody, "COMMODITY.INVALID_COMPONENT", "MissingParameter", 1), "模块非法", "Absent some mandatory parameter for this request.", 1),
			[]CheckName{CheckStatus}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &runner{ctx: context.Background(), validator: v, requestIDs: map[string]string{}}
			h := http.Header{"Content-Type": {tc.ct}, "X-Acs-Request-Id": {rid1}}
			ex := &Exchange{Response: ExchangeResponse{Status: tc.status, Header: h, Body: tc.body, rawBody: []byte(tc.body)}}
			p := &prepared{method: http.MethodPost, url: "http://127.0.0.1:1/", format: tc.format}
			got := checkNames(r.responseChecks(ex, p, decodeAnswer([]byte(tc.body)), "case"))
			assert.Equal(t, tc.want, got)
		})
	}
}
