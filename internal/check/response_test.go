package check_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// TestRespCheckAgreesWithKinOpenAPI checks the compiled response check against kin-openapi, the
// reference, on valid and invalid answers in both formats.
func TestRespCheckAgreesWithKinOpenAPI(t *testing.T) {
	t.Parallel()
	chk, err := check.Shared()
	if err != nil {
		t.Fatal(err)
	}
	kin, err := spec.SharedValidator()
	if err != nil {
		t.Fatal(err)
	}
	var (
		js  = spec.FormatJSON.ContentType()
		xml = spec.FormatXML.ContentType()
	)
	ok := &generated.CreateInstanceResponse{RequestId: "6000EE23-274B-4E07-A697-FF2E999520A4", Success: true, Code: "Success", Message: "Successful!", Data: generated.CreateInstanceData{OrderId: "214567890120123", InstanceId: "rtc-cn-1"}}
	fail := &generated.ErrorResponse{RequestId: "1DD9FD9A", HostId: "business.aliyuncs.com", Code: "InvalidParameter", Message: "The specified parameter <a & b> is \"not\" valid.\n", Recommend: "https://x/?a=1&b=]]>2"}
	bodyFail := &generated.BusinessErrorResponse{RequestId: "r", HostId: "business.ap-southeast-1.aliyuncs.com", Code: "COMMODITY.INVALID_COMPONENT", Message: "模块非法 <&>", Recommend: "https://x/?a=1&b=2"}
	cases := []struct {
		name, ct, body string
		status         int
		noReqID        bool
		stricter       bool // the compiled check rejects what kin-openapi lets through
	}{
		{name: "success json", status: 200, ct: js, body: string(wire.AppendSuccess(nil, spec.FormatJSON, ok))},
		{name: "success xml", status: 200, ct: xml, body: string(wire.AppendSuccess(nil, spec.FormatXML, ok))},
		{name: "success false json", status: 200, ct: js, body: `{"RequestId":"r","Success":false,"Code":"InternalError","Message":"m"}`},
		{name: "success false xml", status: 200, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>r</RequestId><Success>false</Success><Code>c</Code><Message>m</Message></CreateInstanceResponse>`},
		{name: "body-channel error json", status: 200, ct: js, body: string(wire.AppendBodyFailure(nil, spec.FormatJSON, bodyFail))},
		{name: "body-channel error xml", status: 200, ct: xml, body: string(wire.AppendBodyFailure(nil, spec.FormatXML, bodyFail))},
		{name: "body-channel error with an empty Message", status: 200, ct: js, body: `{"RequestId":"r","HostId":"h","Code":"C","Message":"","Recommend":"u","Success":false}`},
		{name: "body-channel error without HostId", status: 200, ct: js, body: `{"RequestId":"r","Code":"C","Message":"m","Recommend":"u","Success":false}`},
		{name: "both success and body error", status: 200, ct: js, body: `{"RequestId":"r","HostId":"h","Code":"C","Message":"m","Recommend":"u","Success":false,"Data":{"OrderId":"1","InstanceId":"i"}}`},
		{name: "success without Data", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Success","Message":"m"}`},
		{name: "error without HostId", status: 400, ct: js, body: `{"RequestId":"r","Code":"C","Message":"m","Recommend":"u"}`},
		{name: "error json", status: 400, ct: js, body: string(wire.AppendFailure(nil, spec.FormatJSON, fail))},
		{name: "error xml", status: 404, ct: xml, body: string(wire.AppendFailure(nil, spec.FormatXML, fail))},
		{name: "error 503 json", status: 503, ct: js, body: string(wire.AppendFailure(nil, spec.FormatJSON, fail))},
		{name: "undocumented status", status: 418, ct: js, body: string(wire.AppendFailure(nil, spec.FormatJSON, fail))},
		{name: "undocumented content type", status: 200, ct: "text/plain", body: "hello"},
		{name: "no request id header", status: 200, ct: js, body: string(wire.AppendSuccess(nil, spec.FormatJSON, ok)), noReqID: true},
		{name: "missing RequestId", status: 200, ct: js, body: `{"Success":true,"Code":"Success","Message":"m"}`},
		{name: "empty RequestId", status: 400, ct: js, body: `{"RequestId":"","Code":"X","Message":"m"}`},
		{name: "Success as string", status: 200, ct: js, body: `{"RequestId":"r","Success":"true","Code":"Success","Message":"m"}`},
		{name: "OrderId not digits", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Success","Message":"m","Data":{"OrderId":"12a","InstanceId":"i"}}`},
		{name: "OrderId number", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Success","Message":"m","Data":{"OrderId":12,"InstanceId":"i"}}`},
		{name: "Data without InstanceId", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Success","Message":"m","Data":{"OrderId":"12"}}`},
		{name: "extra property", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Success","Message":"m","Extra":[1,{"a":null}]}`},
		{name: "escaped strings", status: 400, ct: js, body: `{"RequestId":"r\u0041","Code":"C\"","Message":"\\ \n"}`},
		{name: "truncated json", status: 200, ct: js, body: `{"RequestId":"r","Success":true,"Code":"Su`},
		{name: "empty body", status: 200, ct: js, body: ``},
		{name: "trailing garbage", status: 400, ct: js, body: `{"RequestId":"r","HostId":"h","Recommend":"u","Code":"C","Message":"m"}x`, stricter: true},
		{name: "xml wrong root", status: 400, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><Oops><RequestId>r</RequestId><Code>C</Code><Message>m</Message></Oops>`},
		{name: "xml missing Code", status: 400, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>r</RequestId><Message>m</Message></Error>`},
		{name: "xml Success not boolean", status: 200, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>r</RequestId><Success>yes</Success><Code>c</Code><Message>m</Message></CreateInstanceResponse>`},
		{name: "xml OrderId not digits", status: 200, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>r</RequestId><Success>true</Success><Code>c</Code><Message>m</Message><Data><OrderId>x1</OrderId><InstanceId>i</InstanceId></Data></CreateInstanceResponse>`},
		{name: "xml unclosed", status: 400, ct: xml, body: `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>r</RequestId>`},
		{name: "json escaped solidus", status: 400, ct: js, body: `{"RequestId":"a\/b","Code":"C","Message":"\u00e9\ud83d\ude00"}`},
		{name: "json Go-only escape", status: 400, ct: js, body: `{"RequestId":"\x41","Code":"C","Message":"m"}`},
		{name: "json number with a leading zero", status: 400, ct: js, body: `{"RequestId":"r","Code":"C","Message":"m","Extra":01}`},
		{name: "json number 1.", status: 400, ct: js, body: `{"RequestId":"r","Code":"C","Message":"m","Extra":1.}`},
		{name: "json number -0.5e+3", status: 400, ct: js, body: `{"RequestId":"r","Code":"C","Message":"m","Extra":-0.5e+3}`},
		{name: "json duplicate key", status: 400, ct: js, body: `{"RequestId":"r","HostId":"h","Recommend":"u","Code":"C","Code":"D","Message":"m"}`, stricter: true},
		{name: "xml control character", status: 400, ct: xml, body: "<Error><RequestId>r\x01</RequestId><Code>C</Code><Message>m</Message></Error>"},
		{name: "xml invalid UTF-8", status: 400, ct: xml, body: "<Error><RequestId>r\xff</RequestId><Code>C</Code><Message>m</Message></Error>"},
		{name: "xml character reference to NUL", status: 400, ct: xml, body: "<Error><RequestId>&#0;</RequestId><Code>C</Code><Message>m</Message></Error>"},
		{name: "xml version 1.1", status: 400, ct: xml, body: `<?xml version="1.1"?><Error><RequestId>r</RequestId><Code>C</Code><Message>m</Message></Error>`},
		{name: "xml without declaration", status: 400, ct: xml, body: `<Error><RequestId>r</RequestId><Code>C</Code><Message>m&lt;&#x41;</Message></Error>`},
		// The gateway's XML is a subset: what it never sends the compiled check rejects.
		{name: "xml attribute", status: 400, ct: xml, body: `<Error a="1"><RequestId>r</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><Recommend>u</Recommend></Error>`, stricter: true},
		{name: "xml comment", status: 400, ct: xml, body: `<Error><!-- c --><RequestId>r</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><Recommend>u</Recommend></Error>`, stricter: true},
		{name: "xml self-closing", status: 400, ct: xml, body: `<Error><RequestId>r</RequestId><HostId>h</HostId><Code>C</Code><Message/><Recommend>u</Recommend></Error>`, stricter: true},
		{name: "xml trailing content", status: 400, ct: xml, body: `<Error><RequestId>r</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><Recommend>u</Recommend></Error>x`, stricter: true},
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{"Content-Type": {c.ct}}
			if !c.noReqID {
				h.Set("X-Acs-Request-Id", "r")
			}
			want := kin.ValidateResponse(context.Background(), r, c.status, h, []byte(c.body))
			got := chk.Response(c.status, h, []byte(c.body))
			if c.stricter {
				if got == nil || want != nil {
					t.Errorf("compiled check says %v (want an error), kin-openapi says %v (want none)", got, want)
				}
				return
			}
			if (got == nil) != (want == nil) {
				t.Errorf("compiled check says %v, kin-openapi says %v", got, want)
			}
		})
	}
}

// FuzzRespCheck checks that every answer the encoders produce passes the compiled check, as it
// passes kin-openapi.
func FuzzRespCheck(f *testing.F) {
	f.Add("6000EE23", "Success", "Successful!", "214567890120123", "rtc-cn-1", true, false)
	f.Add("r", "InvalidParameter", "<&>\"'\x01]]>", "1", "i", false, true)
	chk, err := check.Shared()
	if err != nil {
		f.Fatal(err)
	}
	kin, err := spec.SharedValidator()
	if err != nil {
		f.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	f.Fuzz(func(t *testing.T, id, code, msg, order, inst string, success, xml bool) {
		format, ct := spec.FormatJSON, spec.FormatJSON.ContentType()
		if xml {
			format, ct = spec.FormatXML, spec.FormatXML.ContentType()
		}
		var body []byte
		status := 200
		if success {
			body = wire.AppendSuccess(nil, format, &generated.CreateInstanceResponse{RequestId: id, Success: true, Code: code, Message: msg, Data: generated.CreateInstanceData{OrderId: order, InstanceId: inst}})
		} else {
			status = 400
			body = wire.AppendFailure(nil, format, &generated.ErrorResponse{RequestId: id, HostId: "h", Code: code, Message: msg, Recommend: inst})
		}
		h := http.Header{"Content-Type": {ct}, "X-Acs-Request-Id": {"r"}}
		want := kin.ValidateResponse(context.Background(), r, status, h, body)
		got := chk.Response(status, h, body)
		if (got == nil) != (want == nil) {
			t.Errorf("body %q: compiled check says %v, kin-openapi says %v", body, got, want)
		}
	})
}

func BenchmarkRespCheck(b *testing.B) {
	chk, err := check.Shared()
	if err != nil {
		b.Fatal(err)
	}
	kin, err := spec.SharedValidator()
	if err != nil {
		b.Fatal(err)
	}
	body := wire.AppendSuccess(nil, spec.FormatJSON, &generated.CreateInstanceResponse{RequestId: "6000EE23-274B-4E07-A697-FF2E999520A4", Success: true, Code: "Success", Message: "Successful!", Data: generated.CreateInstanceData{OrderId: "214567890120123", InstanceId: "rtc-cn-1"}})
	h := http.Header{"Content-Type": {spec.FormatJSON.ContentType()}, "X-Acs-Request-Id": {"r"}}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	b.Run("impl=compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := chk.Response(200, h, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=kin-openapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := kin.ValidateResponse(context.Background(), r, 200, h, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRespCheckXML is BenchmarkRespCheck's compiled case for the gateway's XML.
func BenchmarkRespCheckXML(b *testing.B) {
	chk, err := check.Shared()
	if err != nil {
		b.Fatal(err)
	}
	body := wire.AppendFailure(nil, spec.FormatXML, &generated.ErrorResponse{RequestId: "1DD9FD9A", HostId: "business.aliyuncs.com", Code: "InvalidParameter", Message: "The specified parameter <a & b> is not valid.", Recommend: "https://x/?a=1&b=2"})
	h := http.Header{"Content-Type": {spec.FormatXML.ContentType()}, "X-Acs-Request-Id": {"r"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := chk.Response(400, h, body); err != nil {
			b.Fatal(err)
		}
	}
}
