package fake_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// TestWire covers how requests reach the fake: methods, where parameters and Action/Version travel,
// and how the response format is chosen.
func TestWire(t *testing.T) {
	t.Parallel()
	noFormat := with(valid(), "Format", "")
	type req struct {
		method, target, contentType, body string
		header                            http.Header
	}
	tests := []struct {
		name       string
		req        req
		wantStatus int
		wantCT     string
		wantCode   string
	}{
		{"POST with everything in the query", req{method: "POST", target: "/?" + valid().Encode()}, 200, "application/json;charset=utf-8", "Success"},
		{"GET", req{method: "GET", target: "/?" + valid().Encode()}, 200, "application/json;charset=utf-8", "Success"},
		{"form body", req{method: "POST", target: "/", contentType: "application/x-www-form-urlencoded", body: valid().Encode()}, 200, "application/json;charset=utf-8", "Success"},
		{"form body with charset", req{method: "POST", target: "/", contentType: "application/x-www-form-urlencoded; charset=UTF-8", body: valid().Encode()}, 200, "application/json;charset=utf-8", "Success"},
		{"query and form merged", req{method: "POST", target: "/?Action=CreateInstance&Version=2017-12-14&Format=JSON", contentType: "application/x-www-form-urlencoded", body: with(valid(), "Action", "", "Version", "", "Format", "").Encode()}, 200, "application/json;charset=utf-8", "Success"},
		{"query wins over the form", req{method: "POST", target: "/?" + valid().Encode(), contentType: "application/x-www-form-urlencoded", body: "ProductCode=nosuchproduct"}, 200, "application/json;charset=utf-8", "Success"},
		{"a body that is not a form is ignored", req{method: "POST", target: "/?" + valid().Encode(), contentType: "application/json", body: `{"ProductCode":"x"}`}, 200, "application/json;charset=utf-8", "Success"},
		{"Action and Version only in x-acs headers (V3)", req{method: "POST", target: "/?" + with(valid(), "Action", "", "Version", "").Encode(), header: http.Header{"X-Acs-Action": {"CreateInstance"}, "X-Acs-Version": {"2017-12-14"}}}, 200, "application/json;charset=utf-8", "Success"},
		{"wrong version in the x-acs header", req{method: "POST", target: "/?" + with(valid(), "Action", "", "Version", "").Encode(), header: http.Header{"X-Acs-Action": {"CreateInstance"}, "X-Acs-Version": {"2020-01-01"}}}, 400, "application/json;charset=utf-8", "InvalidVersion"},
		{"Format=XML", req{method: "POST", target: "/?" + with(valid(), "Format", "XML").Encode()}, 200, "text/xml;charset=utf-8", "Success"},
		{"Format=xml", req{method: "POST", target: "/?" + with(valid(), "Format", "xml").Encode()}, 200, "text/xml;charset=utf-8", "Success"},
		{"no Format, no Accept: XML", req{method: "POST", target: "/?" + noFormat.Encode()}, 200, "text/xml;charset=utf-8", "Success"},
		{"no Format, Accept JSON: JSON", req{method: "POST", target: "/?" + noFormat.Encode(), header: http.Header{"Accept": {"application/json"}}}, 200, "application/json;charset=utf-8", "Success"},
		{"no Format, Accept */*: XML", req{method: "POST", target: "/?" + noFormat.Encode(), header: http.Header{"Accept": {"*/*"}}}, 200, "text/xml;charset=utf-8", "Success"},
		{"invalid Format is answered like an absent one", req{method: "POST", target: "/?" + with(valid(), "Format", "YAML").Encode()}, 400, "text/xml;charset=utf-8", "InvalidParameter"},
		{"invalid Format with Accept JSON", req{method: "POST", target: "/?" + with(valid(), "Format", "YAML").Encode(), header: http.Header{"Accept": {"application/json"}}}, 400, "application/json;charset=utf-8", "InvalidParameter"},
		{"XML error", req{method: "POST", target: "/?" + with(valid(), "Format", "XML", "Version", "1").Encode()}, 400, "text/xml;charset=utf-8", "InvalidVersion"},
		{"PUT", req{method: "PUT", target: "/?" + valid().Encode()}, 400, "application/json;charset=utf-8", "UnsupportedHTTPMethod"},
		{"DELETE", req{method: "DELETE", target: "/?" + valid().Encode()}, 400, "application/json;charset=utf-8", "UnsupportedHTTPMethod"},
		{"another path", req{method: "POST", target: "/v1/instances?" + valid().Encode()}, 404, "application/json;charset=utf-8", "InvalidAction.NotFound"},
		{"malformed query escape", req{method: "POST", target: "/?" + valid().Encode() + "&Bad=%zz"}, 400, "application/json;charset=utf-8", "InvalidParameter"},
		{"malformed form", req{method: "POST", target: "/?Format=JSON", contentType: "application/x-www-form-urlencoded", body: "Action=%%"}, 400, "application/json;charset=utf-8", "InvalidParameter"},
	}
	srv := fake.NewServer(t, fake.WithSeed(3))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := http.NewRequest(tt.req.method, srv.URL()+tt.req.target, strings.NewReader(tt.req.body))
			require.NoError(t, err)
			for k, v := range tt.req.header {
				r.Header[k] = v
			}
			if tt.req.contentType != "" {
				r.Header.Set("Content-Type", tt.req.contentType)
			}
			resp, err := http.DefaultClient.Do(r)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, tt.wantCT, resp.Header.Get("Content-Type"))
			var body struct {
				XMLName   xml.Name
				RequestID string `xml:"RequestId" json:"RequestId"`
				Code      string `xml:"Code" json:"Code"`
			}
			if strings.HasPrefix(tt.wantCT, "text/xml") {
				require.NoError(t, xml.NewDecoder(resp.Body).Decode(&body))
				want := "CreateInstanceResponse"
				if tt.wantStatus != 200 {
					want = "Error"
				}
				assert.Equal(t, want, body.XMLName.Local, "XML root")
			} else {
				a := answer{}
				raw, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.NoError(t, jsonUnmarshal(string(raw), &a.Body), string(raw))
				body.Code, _ = a.Body["Code"].(string)
				body.RequestID, _ = a.Body["RequestId"].(string)
			}
			assert.Equal(t, tt.wantCode, body.Code)
			assert.Equal(t, resp.Header.Get("X-Acs-Request-Id"), body.RequestID)
		})
	}
}

// TestBodyLimit: a body over the limit is rejected with the error shape, not a reset.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithLimits(fake.Limits{MaxBodyBytes: 1024}))
	a := do(t, srv, "POST", "/?Format=JSON", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"Logistics": {"{" + strings.Repeat("x", 2048) + "}"}}.Encode()))
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "InvalidParameter", a.Body["Code"])
	assert.Equal(t, "The specified parameter body is not valid: the request body is over the fake's limit of 1024 bytes (Limits.MaxBodyBytes).", a.Body["Message"])
}
