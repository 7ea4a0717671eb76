package wire

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

func TestAppendSuccessGolden(t *testing.T) {
	t.Parallel()
	s := &Success{RequestID: "6000EE23-274B-4E07-A697-FF2E999520A4", Success: true, Code: "Success", Message: "Successful!", OrderID: "214567890120123", InstanceID: "rtc-cn-1"}
	assert.Equal(t, `{"RequestId":"6000EE23-274B-4E07-A697-FF2E999520A4","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"214567890120123","InstanceId":"rtc-cn-1"}}`, string(AppendSuccess(nil, JSON, s)))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>6000EE23-274B-4E07-A697-FF2E999520A4</RequestId><Success>true</Success><Code>Success</Code><Message>Successful!</Message><Data><OrderId>214567890120123</OrderId><InstanceId>rtc-cn-1</InstanceId></Data></CreateInstanceResponse>`, string(AppendSuccess(nil, XML, s)))
	f := &Success{RequestID: "R", Success: false, Code: "InternalError", Message: "m"}
	assert.Equal(t, `{"RequestId":"R","Success":false,"Code":"InternalError","Message":"m"}`, string(AppendSuccess(nil, JSON, f)), "no Data without an order")
}

func TestAppendFailureGolden(t *testing.T) {
	t.Parallel()
	e := &Failure{RequestID: "R", HostID: "business.aliyuncs.com", Code: "InvalidVersion", Message: "Specified parameter Version is not valid.", Recommend: Recommend("InvalidVersion", "R")}
	assert.Equal(t, `{"RequestId":"R","HostId":"business.aliyuncs.com","Code":"InvalidVersion","Message":"Specified parameter Version is not valid.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=BssOpenApi&requestId=R"}`, string(AppendFailure(nil, JSON, e)))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>R</RequestId><HostId>business.aliyuncs.com</HostId><Code>InvalidVersion</Code><Message>Specified parameter Version is not valid.</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=BssOpenApi&requestId=R]]></Recommend></Error>`, string(AppendFailure(nil, XML, e)))
}

// roundTrip encodes strings into both formats and decodes them back with the standard library.
func roundTrip(t *testing.T, msg string) {
	e := &Failure{RequestID: "R", HostID: "h", Code: "C", Message: msg, Recommend: msg}
	var j map[string]string // every field a string: the old SDK panics on anything else
	require.NoError(t, json.Unmarshal(AppendFailure(nil, JSON, e), &j), "JSON for %q", msg)
	var x struct {
		XMLName   xml.Name
		Message   string `xml:"Message"`
		Recommend string `xml:"Recommend"`
	}
	require.NoError(t, xml.Unmarshal(AppendFailure(nil, XML, e), &x), "XML for %q", msg)
	assert.Equal(t, "Error", x.XMLName.Local)
	if utf8.ValidString(msg) && !strings.ContainsFunc(msg, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
	}) {
		assert.Equal(t, msg, j["Message"])
		if !strings.Contains(msg, "\r") { // XML parsers normalise line ends
			assert.Equal(t, msg, x.Message)
			assert.Equal(t, msg, x.Recommend)
		}
	}
	s := &Success{RequestID: msg, Success: true, Code: msg, Message: msg, OrderID: "1", InstanceID: msg}
	var sj map[string]any
	require.NoError(t, json.Unmarshal(AppendSuccess(nil, JSON, s), &sj))
	var sx struct {
		XMLName xml.Name
	}
	require.NoError(t, xml.Unmarshal(AppendSuccess(nil, XML, s), &sx))
	assert.Equal(t, "CreateInstanceResponse", sx.XMLName.Local)
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{"", `"quoted" \back\slash`, "<tag>&amp;", "tab\tnew\nline\r", "ctrl\x00\x01\x1f", "bad utf8 \xff\xfe", "中文 ✓", "\u2028\u2029", "]]> cdata end ]]]]>", "\uFFFE\uFFFF"} {
		roundTrip(t, msg)
	}
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "a", "]]>", "\x00", "\xff", "<&>\"'", "中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) { roundTrip(t, msg) })
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method, url string
		ct, body    string
		header      http.Header
		wantAction  string
		wantVersion string
		wantFormat  Format
		wantErr     spec.Code
		wantParam   string
	}{
		{name: "V1 query", method: "POST", url: "/?Action=CreateInstance&Version=2017-12-14&Format=JSON", wantAction: "CreateInstance", wantVersion: "2017-12-14", wantFormat: JSON},
		{name: "V3 headers", method: "POST", url: "/?ProductCode=rtc", header: http.Header{"X-Acs-Action": {"CreateInstance"}, "X-Acs-Version": {"2017-12-14"}, "Accept": {"application/json"}}, wantAction: "CreateInstance", wantVersion: "2017-12-14", wantFormat: JSON},
		{name: "query wins over header", method: "POST", url: "/?Action=A&Version=V", header: http.Header{"X-Acs-Action": {"B"}, "X-Acs-Version": {"W"}}, wantAction: "A", wantVersion: "V", wantFormat: XML},
		{name: "form", method: "POST", url: "/", ct: "application/x-www-form-urlencoded", body: "Action=CreateInstance&Format=xml", wantAction: "CreateInstance", wantFormat: XML},
		{name: "bad query", method: "GET", url: "/?a=%zz&Format=JSON", wantErr: spec.CodeInvalidParameter, wantParam: "query string", wantFormat: JSON},
		{name: "bad form", method: "POST", url: "/", ct: "application/x-www-form-urlencoded", body: "a=%", wantErr: spec.CodeInvalidParameter, wantParam: "form body", wantFormat: XML},
		{name: "bad format", method: "GET", url: "/?Format=csv", wantErr: spec.CodeInvalidParameter, wantParam: "Format", wantFormat: XML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header[k] = v
			}
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			req, err := Parse(r, []byte(tt.body))
			require.NotNil(t, req)
			assert.Equal(t, tt.wantFormat, req.Format)
			if tt.wantErr != "" {
				require.NotNil(t, err)
				assert.Equal(t, tt.wantErr, err.Code)
				assert.Equal(t, tt.wantParam, err.Param)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, tt.wantAction, req.Action)
			assert.Equal(t, tt.wantVersion, req.Version)
		})
	}
}

// FuzzParse: any query, body and header values decode without panicking, and the merged
// parameters always hold every query value as the query gave it.
func FuzzParse(f *testing.F) {
	f.Add("Action=CreateInstance&Version=2017-12-14&Format=JSON&Parameter.1.Code=a", "", "application/json", "")
	f.Add("", "ProductCode=rtc&Parameter.1.Value=x", "", "application/x-www-form-urlencoded")
	f.Add("a=%zz;b", "%%", "xml", "application/x-www-form-urlencoded; charset=\"")
	f.Fuzz(func(t *testing.T, query, body, accept, contentType string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Accept", accept)
		r.Header.Set("Content-Type", contentType)
		req, _ := Parse(r, []byte(body))
		if req == nil {
			t.Fatal("nil request")
		}
		for k, v := range req.Query {
			if got := req.Params[k]; len(got) != len(v) {
				t.Fatalf("query key %q lost in the merge", k)
			}
		}
	})
}
