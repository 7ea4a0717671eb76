package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// respField is one property of a generated answer: its name and JSON type ("string", "boolean",
// "object").
type respField struct{ name, typ string }

var (
	successFields = []respField{{"RequestId", "string"}, {"Success", "boolean"}, {"Code", "string"}, {"Message", "string"}, {"Data", "object"}}
	dataFields    = []respField{{"OrderId", "string"}, {"InstanceId", "string"}}
	errorFields   = []respField{{"RequestId", "string"}, {"HostId", "string"}, {"Code", "string"}, {"Message", "string"}, {"Recommend", "string"}}
)

// answer is what the structured fuzz target varies: which fields are present (bit i: field i, then
// Data's fields from bit 8), which have the wrong type, the values, the root and the content type.
type answer struct {
	success         bool
	xml             bool
	present, wrong  uint16
	values          [3]string // strings of the answer, reused in turn
	wrongRoot       bool
	contentType     uint8 // 0: exact, 1: no charset, 2: undocumented
	noRequestHeader bool
}

func (a *answer) body() []byte {
	fields, root := errorFields, "Error"
	if a.success {
		fields, root = successFields, "CreateInstanceResponse"
	}
	if a.wrongRoot {
		root = "Response"
	}
	var b bytes.Buffer
	if a.xml {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
		b.WriteString("<" + root + ">")
		a.xmlFields(&b, fields, 0)
		b.WriteString("</" + root + ">")
		return b.Bytes()
	}
	b.WriteByte('{')
	a.jsonFields(&b, fields, 0)
	b.WriteByte('}')
	return b.Bytes()
}

func (a *answer) value(i int) string { return a.values[i%len(a.values)] }

func (a *answer) jsonFields(b *bytes.Buffer, fields []respField, bit int) {
	first := true
	for i, f := range fields {
		if a.present&(1<<(bit+i)) == 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(f.name)
		b.Write(k)
		b.WriteByte(':')
		typ := f.typ
		if a.wrong&(1<<(bit+i)) != 0 {
			typ = map[string]string{"string": "number", "boolean": "string", "object": "string"}[typ]
		}
		switch typ {
		case "string":
			v, _ := json.Marshal(a.value(bit + i))
			b.Write(v)
		case "number":
			b.WriteString("12")
		case "boolean":
			b.WriteString("true")
		case "object":
			b.WriteByte('{')
			a.jsonFields(b, dataFields, 8)
			b.WriteByte('}')
		}
	}
}

func (a *answer) xmlFields(b *bytes.Buffer, fields []respField, bit int) {
	for i, f := range fields {
		if a.present&(1<<(bit+i)) == 0 {
			continue
		}
		b.WriteString("<" + f.name + ">")
		typ := f.typ
		if a.wrong&(1<<(bit+i)) != 0 {
			typ = map[string]string{"string": "object", "boolean": "string", "object": "string"}[typ]
		}
		switch typ {
		case "string":
			_ = xml.EscapeText(b, []byte(a.value(bit+i)))
		case "boolean":
			b.WriteString("false")
		case "object":
			if f.typ == "object" {
				a.xmlFields(b, dataFields, 8)
			} else {
				b.WriteString("<X>1</X>")
			}
		}
		b.WriteString("</" + f.name + ">")
	}
}

func (a *answer) header() http.Header {
	ct := spec.FormatJSON.ContentType()
	if a.xml {
		ct = spec.FormatXML.ContentType()
	}
	switch a.contentType % 3 {
	case 1:
		ct = map[bool]string{false: "application/json", true: "text/xml"}[a.xml]
	case 2:
		ct = "text/plain"
	}
	h := http.Header{"Content-Type": {ct}}
	if !a.noRequestHeader {
		h.Set("X-Acs-Request-Id", a.value(0))
	}
	return h
}

type responseOracle struct {
	chk *check.Spec
	kin *spec.Validator
	r   *http.Request
}

func newResponseOracle(t testing.TB) *responseOracle {
	t.Helper()
	chk, err := check.Shared()
	if err != nil {
		t.Fatal(err)
	}
	kin, err := spec.SharedValidator()
	if err != nil {
		t.Fatal(err)
	}
	return &responseOracle{chk: chk, kin: kin, r: httptest.NewRequest(http.MethodPost, "/", nil)}
}

func (o *responseOracle) verdicts(status int, h http.Header, body []byte) (compiled, kin error) {
	return o.chk.Response(status, h, body), o.kin.ValidateResponse(context.Background(), o.r, status, h, body)
}

var fuzzStatuses = []int{200, 400, 403, 404, 500, 503, 418}

// FuzzResponseAgreesWithKinOpenAPI generates answers in both formats (fields present or missing, of
// the right or the wrong type, any values, right or wrong root element and content type) and
// checks that the compiled check and kin-openapi agree on pass and fail: the generated answers are
// within the gateway's JSON and XML, where the two have no documented difference.
func FuzzResponseAgreesWithKinOpenAPI(f *testing.F) {
	f.Add(uint8(0), true, false, uint16(0xFFFF), uint16(0), "6000EE23", "Success", "214567890120123", false, uint8(0), false)
	f.Add(uint8(1), false, true, uint16(0xFFFF), uint16(0), "r", "<&>\"'", "x", false, uint8(0), false)
	f.Add(uint8(0), true, true, uint16(0x1F|0x300), uint16(0x2), "r", "c", "123", false, uint8(1), false)
	f.Add(uint8(0), true, false, uint16(0x0F), uint16(0x10), "", "c", "1", true, uint8(0), true)
	f.Add(uint8(6), false, false, uint16(0x0F), uint16(0), "r", "c", "m", false, uint8(2), false)
	o := newResponseOracle(f)
	f.Fuzz(func(t *testing.T, st uint8, success, isXML bool, present, wrong uint16, v1, v2, v3 string, wrongRoot bool, ct uint8, noHeader bool) {
		a := answer{success: success, xml: isXML, present: present, wrong: wrong, values: [3]string{v1, v2, v3},
			wrongRoot: wrongRoot, contentType: ct, noRequestHeader: noHeader}
		status := fuzzStatuses[int(st)%len(fuzzStatuses)]
		body, h := a.body(), a.header()
		got, want := o.verdicts(status, h, body)
		if (got == nil) != (want == nil) {
			t.Fatalf("status %d, %s, body %q:\ncompiled check says %v\nkin-openapi says %v", status, h.Get("Content-Type"), body, got, want)
		}
	})
}

// FuzzResponseSound feeds any bytes as a body: the compiled check never panics and never accepts
// an answer kin-openapi rejects. (It may reject more: JSON with a repeated key or nesting beyond
// 64 levels, and XML outside what the gateway sends, such as attributes, comments, self-closing
// elements or content around the root; response_test.go lists them.)
func FuzzResponseSound(f *testing.F) {
	ok := &generated.CreateInstanceResponse{RequestId: "6000EE23", Success: true, Code: "Success", Message: "Successful!", Data: generated.CreateInstanceData{OrderId: "214567890120123", InstanceId: "rtc-cn-1"}}
	fail := &generated.ErrorResponse{RequestId: "1DD9FD9A", HostId: "business.aliyuncs.com", Code: "InvalidParameter", Message: "<a & b>", Recommend: "https://x/?a=1&b=]]>2"}
	f.Add(uint8(0), false, wire.AppendSuccess(nil, spec.FormatJSON, ok))
	f.Add(uint8(0), true, wire.AppendSuccess(nil, spec.FormatXML, ok))
	f.Add(uint8(1), false, wire.AppendFailure(nil, spec.FormatJSON, fail))
	f.Add(uint8(1), true, wire.AppendFailure(nil, spec.FormatXML, fail))
	body := &generated.BusinessErrorResponse{RequestId: "r", HostId: "business.ap-southeast-1.aliyuncs.com", Code: "COMMODITY.INVALID_COMPONENT", Message: "模块非法", Recommend: "u"}
	f.Add(uint8(0), false, wire.AppendBodyFailure(nil, spec.FormatJSON, body))
	f.Add(uint8(0), true, wire.AppendBodyFailure(nil, spec.FormatXML, body))
	f.Add(uint8(1), true, []byte(`<Error><RequestId><![CDATA[r]]></RequestId><Code>&#x43;</Code><Message/></Error>`))
	f.Add(uint8(1), false, []byte(`{"RequestId":"\u0072","Code":"C","Message":"m","X":[1,-0.5e3,{"a":null},true]}`))
	o := newResponseOracle(f)
	f.Fuzz(func(t *testing.T, st uint8, isXML bool, body []byte) {
		status := fuzzStatuses[int(st)%len(fuzzStatuses)]
		ct := spec.FormatJSON.ContentType()
		if isXML {
			ct = spec.FormatXML.ContentType()
		}
		h := http.Header{"Content-Type": {ct}, "X-Acs-Request-Id": {"r"}}
		got, want := o.verdicts(status, h, body)
		if got == nil && want != nil {
			t.Fatalf("status %d, %s, body %q: the compiled check accepts what kin-openapi rejects: %v", status, ct, body, want)
		}
	})
}
