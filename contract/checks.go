package contract

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

// CheckName names one check. Every [Finding] carries the check that failed.
type CheckName string

// The checks. The response checks run on every exchange; the others belong to the cases.
const (
	// CheckTransport: the request got an HTTP answer (no connection error, no timeout).
	CheckTransport CheckName = "transport"
	// CheckStatus: the HTTP status is the catalogue's documented status for the code answered
	// (200 only with Code "Success" and Success true, or for a code of the body channel).
	CheckStatus CheckName = "status"
	// CheckCatalogue: the code answered is in the spec's error catalogue.
	CheckCatalogue CheckName = "catalogue"
	// CheckContentType: the Content-Type is exactly the spec's x-bss-content-type for the format
	// the request negotiated by the Format parameter's x-bss-negotiation ([spec.ResponseFormat]):
	// "application/json;charset=utf-8" or "text/xml;charset=utf-8".
	CheckContentType CheckName = "content-type"
	// CheckSchema: the response conforms to the spec (spec.Validator.ValidateResponse, kin-openapi,
	// JSON and XML).
	CheckSchema CheckName = "schema"
	// CheckTypedDecode: the body decodes into the generated type of its answer (encoding/json or
	// encoding/xml into generated.CreateInstanceResponse for an HTTP 200 success,
	// generated.BusinessErrorResponse for an HTTP 200 error, generated.ErrorResponse otherwise), as a
	// client built from the spec would decode it.
	CheckTypedDecode CheckName = "typed-decode"
	// CheckXMLRoot: an XML answer's root element is <CreateInstanceResponse> for HTTP 200 and
	// <Error> otherwise.
	CheckXMLRoot CheckName = "xml-root"
	// CheckErrorShape: an error body has RequestId, Code and Message and every field is a string
	// (the old SDK panics on anything else).
	CheckErrorShape CheckName = "error-shape"
	// CheckRequestID: the body carries a non-empty RequestId.
	CheckRequestID CheckName = "request-id"
	// CheckRequestIDUnique: no two answers of the run share a RequestId.
	CheckRequestIDUnique CheckName = "request-id-unique"
	// CheckRequestIDHeader: the x-acs-request-id header is present and equals the body's RequestId.
	CheckRequestIDHeader CheckName = "request-id-header"
	// CheckSuccessData: Success true comes with Data.OrderId (digits) and Data.InstanceId.
	CheckSuccessData CheckName = "success-data"
	// CheckMessage: an error's Message matches the catalogue's message template for its code.
	CheckMessage CheckName = "message-template"
	// CheckExpected: the case's request got the answer the spec documents for it: an expected
	// error code (and so its status), or success.
	CheckExpected CheckName = "expected-answer"
	// CheckIdempotency: the same ClientToken gives the same OrderId and InstanceId; a new token a
	// new order.
	CheckIdempotency CheckName = "idempotency"
	// CheckBudget: the run stopped because the next request could exceed the order budget.
	CheckBudget CheckName = "order-budget"
)

// CheckInfo documents a check.
type CheckInfo struct {
	Name CheckName `json:"name"`
	Doc  string    `json:"doc"`
}

// Checks returns every check with its documentation, in report order.
func Checks() []CheckInfo {
	return append([]CheckInfo{
		{CheckTransport, "the request got an HTTP answer"},
		{CheckStatus, "the HTTP status is the catalogue's documented status for the code answered; 200 only for Success or a body-channel code"},
		{CheckCatalogue, "the code answered is in the spec's error catalogue"},
		{CheckContentType, "Content-Type is exactly application/json;charset=utf-8 or text/xml;charset=utf-8, as negotiated"},
		{CheckSchema, "the response conforms to the spec (kin-openapi ValidateResponse, JSON and XML)"},
		{CheckTypedDecode, "the body decodes into the generated type (CreateInstanceResponse for 200, ErrorResponse otherwise) in its format"},
		{CheckXMLRoot, "XML answers have the root <CreateInstanceResponse> (200) or <Error>"},
		{CheckErrorShape, "error bodies carry RequestId, Code and Message and every field is a string"},
		{CheckRequestID, "every body carries a non-empty RequestId"},
		{CheckRequestIDUnique, "no two answers of the run share a RequestId"},
		{CheckRequestIDHeader, "x-acs-request-id equals the body's RequestId"},
		{CheckSuccessData, "Success=true comes with Data.OrderId (digits, a string) and Data.InstanceId"},
		{CheckMessage, "an error's Message matches the catalogue's template for its code"},
		{CheckExpected, "the request got the answer the spec documents for it (error code and status, or success)"},
		{CheckIdempotency, "same ClientToken: same OrderId and InstanceId; new token: new order"},
		{CheckBudget, "the run stopped before a request could exceed the order budget"},
		{CheckReadPaging, "QueryAvailableInstances pages: none longer than PageSize, TotalCount the same on every page, no instance twice, pages add up to TotalCount"},
		{CheckReadFilter, "every instance QueryAvailableInstances lists matches the filter sent; InstanceIDs lists only those"},
		{CheckReadAfterCreate, "on loopback fakes: a new instance is listed with the ordered fields, goes Creating to Normal, and GetOrderDetail returns its order"},
	}, append(siteChecks(), stateChecks()...)...)
}

// answer is a decoded response body.
type answer struct {
	format spec.Format // what the body parsed as
	root   string      // XML root element
	fields map[string]any
	err    error
}

func (a *answer) str(name string) (string, bool) {
	if a == nil || a.fields == nil {
		return "", false
	}
	s, ok := a.fields[name].(string)
	return s, ok
}

// code returns the Code field whatever its type.
func (a *answer) code() string {
	if a == nil || a.fields == nil {
		return ""
	}
	switch v := a.fields["Code"].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func (a *answer) success() bool {
	if a == nil || a.fields == nil {
		return false
	}
	switch v := a.fields["Success"].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func (a *answer) data() (orderID, instanceID any, ok bool) {
	if a == nil || a.fields == nil {
		return nil, nil, false
	}
	d, ok := a.fields["Data"].(map[string]any)
	if !ok {
		return nil, nil, false
	}
	return d["OrderId"], d["InstanceId"], true
}

// decodeAnswer parses a body as JSON or XML, whichever it looks like.
func decodeAnswer(body []byte) *answer {
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '<' {
		a := &answer{format: spec.FormatXML}
		a.root, a.fields, a.err = spec.DecodeXML(t)
		return a
	}
	a := &answer{format: spec.FormatJSON}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		a.err = fmt.Errorf("body is neither a JSON object nor XML: %v", err)
		return a
	}
	a.fields = m
	return a
}

var orderIDPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// finding is what a check found on one exchange.
type finding struct {
	check CheckName
	msg   string
}

// responseChecks runs the checks every exchange gets; r.requestIDs maps RequestIds to the case
// that first received them.
func (r *runner) responseChecks(ex *Exchange, p *prepared, a *answer, caseName string) []finding {
	var out []finding
	add := func(c CheckName, format string, args ...any) {
		out = append(out, finding{c, fmt.Sprintf(format, args...)})
	}
	if a.err != nil {
		add(CheckSchema, "cannot decode the body: %v", a.err)
	}
	// Content type.
	want := p.format.ContentType()
	if got := ex.Response.Header.Get("Content-Type"); got != want {
		add(CheckContentType, "Content-Type is %q, want exactly %q (the request negotiated %s)", got, want, p.format)
	}
	// Schema.
	if r.validator != nil {
		vr, err := http.NewRequest(p.method, "http://contract.invalid/"+readQuery(p.action), nil) // cases_read.go
		if err == nil {
			if p.method != http.MethodPost && p.method != http.MethodGet {
				vr.Method = http.MethodPost
			}
			if err := r.validator.ValidateResponse(r.ctx, vr, ex.Response.Status, ex.Response.Header, ex.Response.rawBody); err != nil {
				add(CheckSchema, "%s", oneLine(err.Error()))
			}
		}
	}
	code := a.code()
	// XML root.
	if a.err == nil {
		if err := typedDecode(ex.Response.Status, bodyError(ex.Response.Status, a), a.format, ex.Response.rawBody, p.action); err != nil {
			add(CheckTypedDecode, "%v", err)
		}
	}
	if a.format == spec.FormatXML && a.err == nil {
		wantRoot := "Error"
		if ex.Response.Status == http.StatusOK {
			wantRoot = successRoot(p.action) // cases_read.go
		}
		if a.root != wantRoot {
			add(CheckXMLRoot, "XML root is <%s>, want <%s>", a.root, wantRoot)
		}
	}
	// Status and catalogue.
	switch {
	case a.err != nil:
	case ex.Response.Status == http.StatusOK:
		if !a.success() || code != "Success" {
			def, ok := spec.Lookup(spec.Code(code))
			switch {
			case ok && def.Channel == spec.ChannelBody && !a.success():
				// A body-channel error: HTTP 200 is its documented status (body-error judges
				// Success and Message).
				if msg, isStr := a.str("Message"); isStr && msg != "" && !messageMatches(def.Message, msg) {
					add(CheckMessage, "Message %q does not match the template %q of %s", msg, def.Message, code)
				}
			case ok:
				add(CheckStatus, "HTTP 200 with Success=%v and Code %q; the catalogue documents %s with HTTP %d", a.success(), code, code, def.HTTPStatus)
			default:
				add(CheckStatus, "HTTP 200 with Success=%v and Code %q; want Success=true and Code \"Success\", or a body-channel code of the catalogue", a.success(), code)
			}
		}
	default:
		def, ok := spec.Lookup(spec.Code(code))
		switch {
		case code == "":
			add(CheckErrorShape, "HTTP %d without an error Code", ex.Response.Status)
		case !ok:
			add(CheckCatalogue, "code %q (HTTP %d) is not in the error catalogue", code, ex.Response.Status)
		case def.HTTPStatus != ex.Response.Status:
			add(CheckStatus, "code %s came with HTTP %d; the catalogue documents HTTP %d", code, ex.Response.Status, def.HTTPStatus)
		}
		if ok && a.fields != nil {
			if msg, isStr := a.str("Message"); isStr && !messageMatches(def.Message, msg) {
				add(CheckMessage, "Message %q does not match the template %q of %s", msg, def.Message, code)
			}
		}
	}
	// Error shape.
	if ex.Response.Status != http.StatusOK && a.err == nil {
		for _, f := range []string{"RequestId", "Code", "Message"} {
			if _, present := a.fields[f]; !present {
				add(CheckErrorShape, "error body has no %s", f)
			}
		}
		keys := make([]string, 0, len(a.fields))
		for k := range a.fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "AccessDeniedDetail" {
				continue // an object, when present
			}
			if _, isStr := a.fields[k].(string); !isStr {
				add(CheckErrorShape, "error field %s is %s, want a string", k, typeName(a.fields[k]))
			}
		}
	}
	// RequestId.
	if a.err == nil {
		id, isStr := a.str("RequestId")
		switch {
		case !isStr || id == "":
			add(CheckRequestID, "the body has no RequestId string")
		default:
			if first, dup := r.requestIDs[id]; dup {
				add(CheckRequestIDUnique, "RequestId %s was already answered to case %s", id, first)
			} else {
				r.requestIDs[id] = caseName
			}
			hdr := ex.Response.Header.Values("X-Acs-Request-Id")
			switch {
			case len(hdr) == 0:
				add(CheckRequestIDHeader, "no x-acs-request-id header (body RequestId %s)", id)
			case hdr[0] != id:
				add(CheckRequestIDHeader, "x-acs-request-id %q differs from the body's RequestId %q", hdr[0], id)
			}
		}
	}
	// Success implies Data (CreateInstance's; the other operations' are checked by their cases).
	if a.err == nil && a.success() && !isOtherOperation(p.action) {
		oid, iid, ok := a.data()
		switch {
		case !ok:
			add(CheckSuccessData, "Success=true without Data")
		default:
			if s, isStr := oid.(string); !isStr || !orderIDPattern.MatchString(s) {
				add(CheckSuccessData, "Data.OrderId is %s %v, want a string of digits", typeName(oid), oid)
			}
			if s, isStr := iid.(string); !isStr || s == "" {
				add(CheckSuccessData, "Data.InstanceId is %s %v, want a non-empty string", typeName(iid), iid)
			}
		}
	}
	out = append(out, callerChecks(ex.Response.Status, p, a)...)
	if handWrittenRead(p.action) && a.err == nil && ex.Response.Status == http.StatusOK {
		out = append(out, timeChecks(a)...) // cases_read.go
	}
	return out
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null/absent"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// templateCache holds the compiled message templates (string -> *regexp.Regexp).
var templateCache sync.Map

// messageMatches reports whether msg is the template with its placeholders filled in.
func messageMatches(template, msg string) bool {
	var re *regexp.Regexp
	if v, ok := templateCache.Load(template); ok {
		re = v.(*regexp.Regexp)
	} else {
		var b strings.Builder
		b.WriteString(`^`)
		rest := template
		for {
			i := strings.Index(rest, "{")
			j := strings.Index(rest, "}")
			if i < 0 || j < i {
				b.WriteString(regexp.QuoteMeta(rest))
				break
			}
			b.WriteString(regexp.QuoteMeta(rest[:i]))
			b.WriteString(`(?s:.*)`)
			rest = rest[j+1:]
		}
		b.WriteString(`$`)
		re = regexp.MustCompile(b.String())
		templateCache.Store(template, re)
	}
	return re.MatchString(msg)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > 600 {
		s = s[:600] + "..."
	}
	return s
}

// xmlDecodable reports whether encoding/xml can decode into t: no map anywhere in it.
func xmlDecodable(t reflect.Type) bool {
	if v, ok := decodableCache.Load(t); ok {
		return v.(bool)
	}
	ok := decodable(t, map[reflect.Type]bool{})
	decodableCache.Store(t, ok)
	return ok
}

var decodableCache sync.Map // reflect.Type -> bool

func decodable(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Map:
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return decodable(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if !decodable(t.Field(i).Type, seen) {
				return false
			}
		}
	}
	return true
}

// typedDecode decodes body, an answer with HTTP status in format, into the generated type the spec
// gives it: for a 200 success the operation's success type ([generated.CreateInstanceResponse] for
// CreateInstance), [generated.BusinessErrorResponse] for a 200 error (businessError),
// [generated.ErrorResponse] otherwise.
func typedDecode(status int, businessError bool, format spec.Format, body []byte, action string) error {
	var v any = &generated.ErrorResponse{}
	name := "generated.ErrorResponse"
	switch {
	case status == http.StatusOK && businessError:
		v, name = &generated.BusinessErrorResponse{}, "generated.BusinessErrorResponse"
	case status == http.StatusOK:
		v, name = successType(action) // cases_read.go
	}
	var err error
	if format == spec.FormatXML {
		if !xmlDecodable(reflect.TypeOf(v)) {
			// A type with a map (a JSON object of free keys, such as QuerySkuPriceList's
			// PriceFactorConditionMap) is beyond encoding/xml: the schema check judged the body.
			return nil
		}
		err = xml.Unmarshal(body, v)
	} else {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return fmt.Errorf("the %s body does not decode into %s: %w", format, name, err)
	}
	return nil
}
