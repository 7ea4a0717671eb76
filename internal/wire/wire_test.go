package wire

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

func TestAppendSuccessGolden(t *testing.T) {
	t.Parallel()
	s := &generated.CreateInstanceResponse{RequestId: "6000EE23-274B-4E07-A697-FF2E999520A4", Success: true, Code: "Success", Message: "Successful!",
		Data: generated.CreateInstanceData{OrderId: "214567890120123", InstanceId: "rtc-cn-1"}}
	assert.Equal(t, `{"RequestId":"6000EE23-274B-4E07-A697-FF2E999520A4","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"214567890120123","InstanceId":"rtc-cn-1"}}`, string(AppendSuccess(nil, spec.FormatJSON, s)))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>6000EE23-274B-4E07-A697-FF2E999520A4</RequestId><Success>true</Success><Code>Success</Code><Message>Successful!</Message><Data><OrderId>214567890120123</OrderId><InstanceId>rtc-cn-1</InstanceId></Data></CreateInstanceResponse>`, string(AppendSuccess(nil, spec.FormatXML, s)))
}

func TestAppendBodyFailureGolden(t *testing.T) {
	t.Parallel()
	e := &generated.BusinessErrorResponse{RequestId: "R", HostId: "business.ap-southeast-1.aliyuncs.com", Code: "COMMODITY.INVALID_COMPONENT",
		Message: "模块非法", Recommend: Recommend("COMMODITY.INVALID_COMPONENT", "R"), Success: false}
	assert.Equal(t, `{"RequestId":"R","HostId":"business.ap-southeast-1.aliyuncs.com","Code":"COMMODITY.INVALID_COMPONENT","Message":"模块非法","Recommend":"https://api.aliyun.com/troubleshoot?q=COMMODITY.INVALID_COMPONENT&product=BssOpenApi&requestId=R","Success":false}`,
		string(AppendBodyFailure(nil, spec.FormatJSON, e)))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>R</RequestId><HostId>business.ap-southeast-1.aliyuncs.com</HostId><Code>COMMODITY.INVALID_COMPONENT</Code><Message>模块非法</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=COMMODITY.INVALID_COMPONENT&product=BssOpenApi&requestId=R]]></Recommend><Success>false</Success></CreateInstanceResponse>`,
		string(AppendBodyFailure(nil, spec.FormatXML, e)))
}

func TestAppendFailureGolden(t *testing.T) {
	t.Parallel()
	e := &generated.ErrorResponse{RequestId: "R", HostId: "business.aliyuncs.com", Code: "InvalidVersion", Message: "Specified parameter Version is not valid.", Recommend: Recommend("InvalidVersion", "R")}
	assert.Equal(t, `{"RequestId":"R","HostId":"business.aliyuncs.com","Code":"InvalidVersion","Message":"Specified parameter Version is not valid.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=BssOpenApi&requestId=R"}`, string(AppendFailure(nil, spec.FormatJSON, e)))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>R</RequestId><HostId>business.aliyuncs.com</HostId><Code>InvalidVersion</Code><Message>Specified parameter Version is not valid.</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=BssOpenApi&requestId=R]]></Recommend></Error>`, string(AppendFailure(nil, spec.FormatXML, e)))
}

// jsonText is what a JSON decoder reads back from appendJSONString(s): s with every byte that is
// not valid UTF-8 replaced by U+FFFD.
func jsonText(s string) string {
	return replaceRunes(s, func(rune) bool { return false })
}

// xmlText is what an XML decoder reads back from appendXMLText(s): invalid UTF-8 and the
// characters XML 1.0 forbids become U+FFFD.
func xmlText(s string) string {
	return replaceRunes(s, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
	})
}

// xmlCDATA is what an XML decoder reads back from appendCDATA(s): as xmlText, and line ends
// normalised to "\n" (a CDATA section cannot escape a carriage return).
func xmlCDATA(s string) string {
	s = xmlText(s)
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func replaceRunes(s string, bad func(rune) bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || bad(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// checkRoundTrip encodes s and e in both formats with the hand-written appenders, decodes each body
// with encoding/json and encoding/xml into the same generated types, and fails unless every value
// comes back (with the replacements each format makes) and the XML root is the documented one.
func checkRoundTrip(t interface {
	Helper()
	Fatalf(string, ...any)
}, s *generated.CreateInstanceResponse, e *generated.ErrorResponse) {
	t.Helper()
	mapSuccess := func(text func(string) string) *generated.CreateInstanceResponse {
		w := *s
		w.RequestId, w.Code, w.Message = text(s.RequestId), text(s.Code), text(s.Message)
		w.Data = generated.CreateInstanceData{OrderId: text(s.Data.OrderId), InstanceId: text(s.Data.InstanceId)}
		return &w
	}
	mapFailure := func(text, cdata func(string) string) *generated.ErrorResponse {
		return &generated.ErrorResponse{RequestId: text(e.RequestId), HostId: text(e.HostId), Code: text(e.Code),
			Message: text(e.Message), Recommend: cdata(e.Recommend)}
	}
	for _, f := range []spec.Format{spec.FormatJSON, spec.FormatXML} {
		sb, eb := AppendSuccess(nil, f, s), AppendFailure(nil, f, e)
		var gotS generated.CreateInstanceResponse
		var gotE generated.ErrorResponse
		var wantS *generated.CreateInstanceResponse
		var wantE *generated.ErrorResponse
		if f == spec.FormatJSON {
			if err := json.Unmarshal(sb, &gotS); err != nil {
				t.Fatalf("JSON success body %q: %v", sb, err)
			}
			if err := json.Unmarshal(eb, &gotE); err != nil {
				t.Fatalf("JSON error body %q: %v", eb, err)
			}
			wantS, wantE = mapSuccess(jsonText), mapFailure(jsonText, jsonText)
		} else {
			var root struct{ XMLName xml.Name }
			for body, name := range map[string]string{string(sb): "CreateInstanceResponse", string(eb): "Error"} {
				if err := xml.Unmarshal([]byte(body), &root); err != nil || root.XMLName.Local != name {
					t.Fatalf("XML body %q: root %q, error %v; want root %q", body, root.XMLName.Local, err, name)
				}
			}
			if err := xml.Unmarshal(sb, &gotS); err != nil {
				t.Fatalf("XML success body %q: %v", sb, err)
			}
			if err := xml.Unmarshal(eb, &gotE); err != nil {
				t.Fatalf("XML error body %q: %v", eb, err)
			}
			wantS, wantE = mapSuccess(xmlText), mapFailure(xmlText, xmlCDATA)
		}
		if d := cmp.Diff(wantS, &gotS); d != "" {
			t.Fatalf("%s success body %q decoded (-want +got):\n%s", f, sb, d)
		}
		if d := cmp.Diff(wantE, &gotE); d != "" {
			t.Fatalf("%s error body %q decoded (-want +got):\n%s", f, eb, d)
		}
	}
}

// text draws strings that stress both encoders: anything rapid generates, runs of the characters
// each format must escape or replace, and arbitrary bytes (invalid UTF-8).
func text() *rapid.Generator[string] {
	special := []rune{'&', '<', '>', '"', '\'', '\\', '\t', '\n', '\r', 0, 1, 0x1f, 0x7f, ']', '\u2028', '\u2029', 0xFFFD, 0xFFFE, 0xFFFF, '中', '✓', 0x10FFFF}
	return rapid.OneOf(
		rapid.String(),
		rapid.StringOf(rapid.SampledFrom(special)),
		rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }),
		rapid.Map(rapid.SliceOf(rapid.SampledFrom([]string{"]]>", "]]", "\xff", "\xc3", "\xed\xa0\x80", "a", "&amp;", "\r\n"})),
			func(p []string) string { return strings.Join(p, "") }),
	)
}

// TestRoundTripProperty: for random values, encoding with AppendSuccess and AppendFailure and
// decoding with the standard library into the generated types gives the values back, in both
// formats.
func TestRoundTripProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := &generated.CreateInstanceResponse{RequestId: text().Draw(t, "RequestId"), Success: rapid.Bool().Draw(t, "Success"),
			Code: text().Draw(t, "Code"), Message: text().Draw(t, "Message")}
		s.Data = generated.CreateInstanceData{OrderId: text().Draw(t, "OrderId"), InstanceId: text().Draw(t, "InstanceId")}
		e := &generated.ErrorResponse{RequestId: text().Draw(t, "eRequestId"), HostId: text().Draw(t, "HostId"), Code: text().Draw(t, "eCode"),
			Message: text().Draw(t, "eMessage"), Recommend: text().Draw(t, "Recommend")}
		checkRoundTrip(t, s, e)
	})
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{"", `"quoted" \back\slash`, "<tag>&amp;", "tab\tnew\nline\r", "crlf\r\nend", "ctrl\x00\x01\x1f", "bad utf8 \xff\xfe", "中文 ✓", "\u2028\u2029", "]]> cdata end ]]]]>", "\uFFFE\uFFFF"} {
		t.Run(msg, func(t *testing.T) {
			t.Parallel()
			fuzzOne(t, msg)
		})
	}
}

// fuzzOne spreads msg over every field of both bodies and checks the round trip.
func fuzzOne(t *testing.T, msg string) {
	s := &generated.CreateInstanceResponse{RequestId: msg, Success: len(msg)%2 == 0, Code: msg, Message: msg}
	if len(msg)%3 != 0 {
		s.Data = generated.CreateInstanceData{OrderId: msg, InstanceId: msg}
	}
	e := &generated.ErrorResponse{RequestId: msg, HostId: msg, Code: msg, Message: msg, Recommend: msg}
	checkRoundTrip(t, s, e)
}

// FuzzEncode: any string, in any field of either body, in either format, decodes back into the
// generated types as the property test expects.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "a", "]]>", "\x00", "\xff", "<&>\"'", "中", "\r\n\r"} {
		f.Add(s)
	}
	f.Fuzz(fuzzOne)
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
		wantFormat  spec.Format
		wantErr     spec.Code
		wantParam   string
	}{
		{name: "V1 query", method: "POST", url: "/?Action=CreateInstance&Version=2017-12-14&Format=JSON", wantAction: "CreateInstance", wantVersion: "2017-12-14", wantFormat: spec.FormatJSON},
		{name: "V3 headers", method: "POST", url: "/?ProductCode=rtc", header: http.Header{"X-Acs-Action": {"CreateInstance"}, "X-Acs-Version": {"2017-12-14"}, "Accept": {"application/json"}}, wantAction: "CreateInstance", wantVersion: "2017-12-14", wantFormat: spec.FormatJSON},
		{name: "query wins over header", method: "POST", url: "/?Action=A&Version=V", header: http.Header{"X-Acs-Action": {"B"}, "X-Acs-Version": {"W"}}, wantAction: "A", wantVersion: "V", wantFormat: spec.FormatXML},
		{name: "form", method: "POST", url: "/", ct: "application/x-www-form-urlencoded", body: "Action=CreateInstance&Format=xml", wantAction: "CreateInstance", wantFormat: spec.FormatXML},
		{name: "bad query", method: "GET", url: "/?a=%zz&Format=JSON", wantErr: spec.CodeInvalidParameter, wantParam: "query string", wantFormat: spec.FormatJSON},
		{name: "bad form", method: "POST", url: "/", ct: "application/x-www-form-urlencoded", body: "a=%", wantErr: spec.CodeInvalidParameter, wantParam: "form body", wantFormat: spec.FormatXML},
		{name: "bad format", method: "GET", url: "/?Format=csv", wantErr: spec.CodeInvalidParameter, wantParam: "Format", wantFormat: spec.FormatXML},
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
