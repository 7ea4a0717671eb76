package contract

import (
	"context"
	"go/build"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

const modulePath = "github.com/bsskit/bsskit"

// projectDeps returns the project packages in the non-test import closure of pkg (pkg included),
// read with go/build from the source tree, each mapped to the project package that first imports
// it.
func projectDeps(t *testing.T, pkg string) map[string]string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	seen := map[string]string{pkg: ""}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		dir := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(p, modulePath), "/")))
		bp, err := build.ImportDir(dir, 0)
		require.NoError(t, err, p)
		for _, imp := range bp.Imports {
			if imp != modulePath && !strings.HasPrefix(imp, modulePath+"/") {
				continue
			}
			if _, ok := seen[imp]; !ok {
				seen[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return seen
}

// TestOracleDependsOnNothingItJudges: the contract suite's non-test code reaches only the spec, the
// generated types, the signer and the redaction helper of the project; never fake or internal/wire,
// so that a wrong wire rule cannot be wrong on both sides.
func TestOracleDependsOnNothingItJudges(t *testing.T) {
	t.Parallel()
	allowed := []string{
		modulePath + "/contract",
		modulePath + "/spec",
		modulePath + "/generated",
		modulePath + "/internal/signing",
		modulePath + "/internal/redact",
	}
	deps := projectDeps(t, modulePath+"/contract")
	for p, by := range deps {
		assert.Contains(t, allowed, p, "contract depends on %s (imported by %s)", p, by)
	}
	assert.Contains(t, deps, modulePath+"/generated", "contract decodes answers into the generated types")
	assert.Contains(t, deps, modulePath+"/spec")

	// The walk does see what it forbids: the mutants package reaches fake, and fake internal/wire.
	mut := projectDeps(t, modulePath+"/internal/mutants")
	assert.Contains(t, mut, modulePath+"/fake")
	assert.Contains(t, mut, modulePath+"/internal/wire")
}

// TestViolations: every negative case derived from the spec breaks exactly its rule on the safe
// base, expects the spec's code, and still names no product that exists (no order can result).
func TestViolations(t *testing.T) {
	t.Parallel()
	byName := map[string]violation{}
	for _, v := range violations(spec.CreateInstance()) {
		_, dup := byName[v.name]
		require.False(t, dup, "duplicate case %s", v.name)
		byName[v.name] = v
	}
	for _, tc := range []struct {
		name string
		code spec.Code
		// check inspects the broken request.
		check func(t *testing.T, rq *request)
	}{
		{"routing/Action/missing", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.Empty(t, rq.action)
			assert.Equal(t, spec.Version, rq.version)
		}},
		{"routing/Version/unknown", spec.CodeInvalidVersion, func(t *testing.T, rq *request) {
			assert.Equal(t, spec.ActionCreateInstance, rq.action)
			assert.NotEqual(t, spec.Version, rq.version)
			assert.NotEmpty(t, rq.version)
		}},
		{"method/PUT", spec.CodeUnsupportedHTTPMethod, func(t *testing.T, rq *request) {
			assert.Equal(t, http.MethodPut, rq.method)
		}},
		{"missing/ProductCode", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.False(t, rq.params.Has("ProductCode"))
			assert.Equal(t, "PayAsYouGo", rq.params.Get("SubscriptionType"))
		}},
		{"missing/SubscriptionType", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.False(t, rq.params.Has("SubscriptionType"))
			assert.Equal(t, NoSuchProduct, rq.params.Get("ProductCode"))
		}},
		{"invalid/Period/below-minimum", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "0", rq.params.Get("Period"))
		}},
		{"invalid/Period/not-an-integer", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "twelve", rq.params.Get("Period"))
		}},
		{"invalid/Period/above-int32", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "2147483648", rq.params.Get("Period"))
		}},
		{"invalid/OwnerId/raw-pattern", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "0123456789012345", rq.params.Get("OwnerId"))
		}},
		{"invalid/ProductCode/too-long", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			pc := rq.params.Get("ProductCode")
			assert.True(t, strings.HasPrefix(pc, NoSuchProduct), "still the sentinel: %s", pc)
			assert.Greater(t, len(pc), len(NoSuchProduct))
		}},
		{"invalid/Format/pattern", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.NotEqual(t, "JSON", rq.format)
			assert.NotEqual(t, "XML", rq.format)
			assert.False(t, rq.params.Has("Format"), "Format travels in rq.format")
		}},
		{"repeated/Parameter/index-above-maximum", spec.CodeInvalidParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "bsskit", rq.params.Get("Parameter.101.Code"))
			assert.Equal(t, "bsskit", rq.params.Get("Parameter.101.Value"))
		}},
		{"repeated/Parameter/Value-missing", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "bsskit", rq.params.Get("Parameter.1.Code"))
			assert.False(t, rq.params.Has("Parameter.1.Value"))
		}},
		{"rule/period-required-for-subscription", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.Equal(t, "Subscription", rq.params.Get("SubscriptionType"))
			assert.False(t, rq.params.Has("Period"))
		}},
		{"rule/parameter-code-value-pairs/Code-alone", spec.CodeMissingParameter, func(t *testing.T, rq *request) {
			assert.True(t, rq.params.Has("Parameter.1.Code"))
			assert.False(t, rq.params.Has("Parameter.1.Value"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, ok := byName[tc.name]
			require.True(t, ok, "no case %s", tc.name)
			rq := newRequest(safeBase(), "JSON")
			v.apply(rq)
			// Pin the code the spec states today, so that a builder taking another rule's
			// code fails.
			assert.Equal(t, tc.code, v.code)
			tc.check(t, rq)
		})
	}
	t.Run("every case is safe", func(t *testing.T) {
		t.Parallel()
		for name, v := range byName {
			rq := newRequest(safeBase(), "XML")
			v.apply(rq)
			assert.True(t, safeParams(rq.params), "%s could place an order: %v", name, rq.params)
			_, known := spec.Lookup(v.code)
			assert.True(t, known, "%s expects %q, not in the catalogue", name, v.code)
		}
	})
}

// TestParamsOrReplay: a replayed request reports the ProductCode and ClientToken of the request it
// resends (the ledger lost them before).
func TestParamsOrReplay(t *testing.T) {
	t.Parallel()
	orig := &request{params: url.Values{"ProductCode": {"rtc"}, "ClientToken": {"tok-1"}}}
	p := &prepared{params: cloneValues(orig.params)}
	for _, tc := range []struct {
		name    string
		rq      *request
		product string
		token   string
	}{
		{"original", orig, "rtc", "tok-1"},
		{"replay", &request{replayOf: p}, "rtc", "tok-1"},
		{"no params", &request{}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.product, tc.rq.paramsOrReplay("ProductCode"))
			assert.Equal(t, tc.token, tc.rq.paramsOrReplay("ClientToken"))
		})
	}
	t.Run("prepare keeps the parameters", func(t *testing.T) {
		t.Parallel()
		base, err := parseBase("http://127.0.0.1:1")
		require.NoError(t, err)
		pr, err := prepare(&Target{}, base, newRequest(orig.params, "JSON"), fixedNow())
		require.NoError(t, err)
		replay, err := prepare(&Target{}, base, &request{replayOf: pr}, fixedNow())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", (&request{replayOf: replay}).paramsOrReplay("ClientToken"))
	})
}

// TestProductsFromCatalog: the products of a fake's catalogue, decoded into the suite's own types,
// give valid orders (first billing method, the period multiple, the first product type, every module
// with its first value) and name the not-applicable product.
func TestProductsFromCatalog(t *testing.T) {
	t.Parallel()
	cat := &catalogAnswer{Products: []catalogProduct{
		{Code: "ecs", NotApplicable: true},
		{Code: "sas", SubscriptionTypes: []string{"Subscription"}, PeriodMultiple: 12, ProductTypes: []string{"sas_intl", "sas"},
			Modules: []catalogModule{{Code: "Version", Values: []string{"level2", "level3"}, Required: true}, {Code: "Bandwidth"}}},
		{Code: "rtc"},
		{Code: ""}, // no code: ignored
	}}
	products, na := productsFromCatalog(cat)
	require.NotNil(t, na)
	assert.Equal(t, "ecs", na.Code)
	var codes []string
	for _, p := range products {
		codes = append(codes, p.Code)
		assert.NotNil(t, p.catalog, p.Code)
	}
	assert.Equal(t, []string{"sas", "rtc"}, codes)
	want := url.Values{
		// The suite orders on the domestic site: the first ProductType that is not the other site's.
		"SubscriptionType": {"Subscription"}, "Period": {"12"}, "ProductType": {"sas"},
		"Parameter.1.Code": {"Version"}, "Parameter.1.Value": {"level2"},
		"Parameter.2.Code": {"Bandwidth"}, "Parameter.2.Value": {"1"},
	}
	if diff := cmp.Diff(want, products[0].Params); diff != "" {
		t.Errorf("sas order params (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(url.Values{"SubscriptionType": {"PayAsYouGo"}}, products[1].Params); diff != "" {
		t.Errorf("rtc order params (-want +got):\n%s", diff)
	}
	got := products[1].orderParams()
	assert.Equal(t, "rtc", got.Get("ProductCode"))
}

// TestOptions: without options every setting takes its default (20 generated cases, the default
// order budget); each option sets exactly its setting; WithMaxOrders(0) and WithGenerated(0) are
// explicit, and negative counts are usage errors.
func TestOptions(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^x$`)
	for _, tc := range []struct {
		name      string
		opts      []Option
		generated int
		limit     int
		explicit  bool
		usage     bool
	}{
		{name: "none", generated: 20},
		{name: "no generated", opts: []Option{WithGenerated(0)}, generated: 0},
		{name: "five generated", opts: []Option{WithGenerated(5)}, generated: 5},
		{name: "budget zero", opts: []Option{WithMaxOrders(0)}, generated: 20, limit: 0, explicit: true},
		{name: "budget three", opts: []Option{WithMaxOrders(3)}, generated: 20, limit: 3, explicit: true},
		{name: "negative budget", opts: []Option{WithMaxOrders(-1)}, usage: true},
		{name: "negative generated", opts: []Option{WithGenerated(-1)}, usage: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := newConfig(append(tc.opts, WithSeed(7), WithRun(re), WithAdminToken("tok")))
			if tc.usage {
				assert.ErrorIs(t, err, ErrUsage)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.generated, c.generated())
			n, ok := c.Orders.Limit()
			assert.Equal(t, tc.limit, n)
			assert.Equal(t, tc.explicit, ok)
			assert.Equal(t, uint64(7), c.Seed)
			assert.Same(t, re, c.Run)
			assert.Equal(t, "tok", c.AdminToken)
		})
	}
}

// errorBody renders a conformant JSON or XML error body of code.
func errorBody(t *testing.T, code spec.Code, format spec.Format, requestID string) string {
	t.Helper()
	def, ok := spec.Lookup(code)
	require.True(t, ok)
	msg := def.Render("param", "ProductCode", "stringToSign", "POST&%2F&x")
	if format == spec.FormatXML {
		return `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>` + requestID + `</RequestId><HostId>business.aliyuncs.com</HostId><Code>` + string(code) + `</Code><Message>` + msg + `</Message><Recommend>https://api.aliyun.com</Recommend></Error>`
	}
	return `{"RequestId":"` + requestID + `","HostId":"business.aliyuncs.com","Code":"` + string(code) + `","Message":"` + msg + `","Recommend":"https://api.aliyun.com"}`
}

const (
	rid1        = "6A3B1C2D-0000-4000-8000-000000000001"
	successJSON = `{"RequestId":"` + rid1 + `","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"209990012345678","InstanceId":"rtc-abc"}}`
	successXML  = `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>` + rid1 + `</RequestId><Success>true</Success><Code>Success</Code><Message>Successful!</Message><Data><OrderId>209990012345678</OrderId><InstanceId>rtc-abc</InstanceId></Data></CreateInstanceResponse>`
)

// TestResponseChecks: each response check on hand-made answers: a conformant answer has no finding,
// each deviation exactly the checks it breaks.
func TestResponseChecks(t *testing.T) {
	t.Parallel()
	v, err := sharedValidator()
	require.NoError(t, err)
	jsonErr := errorBody(t, spec.CodeMissingParameter, spec.FormatJSON, rid1)
	xmlErr := errorBody(t, spec.CodeMissingParameter, spec.FormatXML, rid1)
	jsonCT, xmlCT := spec.FormatJSON.ContentType(), spec.FormatXML.ContentType()
	for _, tc := range []struct {
		name   string
		format spec.Format // negotiated by the request
		status int
		ct     string
		hdrID  string // x-acs-request-id; "-" for none
		body   string
		want   []CheckName
	}{
		{"json error conforms", spec.FormatJSON, 400, jsonCT, rid1, jsonErr, nil},
		{"xml error conforms", spec.FormatXML, 400, xmlCT, rid1, xmlErr, nil},
		{"json success conforms", spec.FormatJSON, 200, jsonCT, rid1, successJSON, nil},
		{"xml success decodes", spec.FormatXML, 200, xmlCT, rid1, successXML, nil},
		{"error without HostId (required by the spec)", spec.FormatJSON, 400, jsonCT, rid1, strings.Replace(jsonErr, `"HostId":"business.aliyuncs.com",`, "", 1), []CheckName{CheckErrorHostID, CheckSchema}},
		{"error without RequestId", spec.FormatJSON, 400, jsonCT, "-", strings.Replace(jsonErr, `"RequestId":"`+rid1+`",`, "", 1),
			[]CheckName{CheckErrorShape, CheckRequestID, CheckSchema}}, // a missing field still decodes
		{"HostId a number", spec.FormatJSON, 400, jsonCT, rid1, strings.Replace(jsonErr, `"HostId":"business.aliyuncs.com"`, `"HostId":0`, 1),
			[]CheckName{CheckErrorHostID, CheckErrorShape, CheckSchema, CheckTypedDecode}},
		{"xml with application/xml", spec.FormatXML, 400, "application/xml;charset=utf-8", rid1, xmlErr, []CheckName{CheckContentType, CheckSchema}},
		{"xml without charset", spec.FormatXML, 400, "text/xml", rid1, xmlErr, []CheckName{CheckContentType}},
		{"json answer to an xml request", spec.FormatXML, 400, jsonCT, rid1, jsonErr, []CheckName{CheckContentType}},
		{"not json", spec.FormatJSON, 400, jsonCT, rid1, `Internal Server Error`, []CheckName{CheckSchema}},
		{"OrderId a number", spec.FormatJSON, 200, jsonCT, rid1, strings.Replace(successJSON, `"209990012345678"`, `209990012345678`, 1),
			[]CheckName{CheckSchema, CheckSuccessData, CheckSuccessShape, CheckTypedDecode}},
		{"Success a string", spec.FormatJSON, 200, jsonCT, rid1, strings.Replace(successJSON, `"Success":true`, `"Success":"true"`, 1),
			[]CheckName{CheckSchema, CheckSuccessShape, CheckTypedDecode}},
		{"xml Success not a boolean", spec.FormatXML, 200, xmlCT, rid1, strings.Replace(successXML, `<Success>true</Success>`, `<Success>yes</Success>`, 1),
			[]CheckName{CheckSchema, CheckStatus, CheckSuccessShape, CheckTypedDecode}},
		{"xml success root", spec.FormatXML, 200, xmlCT, rid1, strings.ReplaceAll(successXML, "CreateInstanceResponse>", "Response>"), []CheckName{CheckSchema, CheckXMLRoot}},
		{"success without Data", spec.FormatJSON, 200, jsonCT, rid1, strings.Replace(successJSON, `,"Data":{"OrderId":"209990012345678","InstanceId":"rtc-abc"}`, "", 1),
			[]CheckName{CheckSchema, CheckSuccessData, CheckSuccessShape}}, // the schema requires Data too
		{"error as 200", spec.FormatJSON, 200, jsonCT, rid1, jsonErr, []CheckName{CheckBodyError, CheckSchema, CheckStatus}},
		{"documented 400 as 404", spec.FormatJSON, 404, jsonCT, rid1, jsonErr, []CheckName{CheckStatus}},
		{"uncatalogued code", spec.FormatJSON, 400, jsonCT, rid1, strings.Replace(jsonErr, `"Code":"MissingParameter"`, `"Code":"BsskitNoSuchCode"`, 1), []CheckName{CheckCatalogue}},
		{"message off template", spec.FormatJSON, 400, jsonCT, rid1, strings.Replace(jsonErr, `"Message":"`, `"Message":"Oops: `, 1), []CheckName{CheckMessage}},
		{"no request id header", spec.FormatJSON, 400, jsonCT, "-", jsonErr, []CheckName{CheckRequestIDHeader, CheckSchema}},
		{"request id header differs", spec.FormatJSON, 400, jsonCT, "00000000-0000-4000-8000-000000000000", jsonErr, []CheckName{CheckRequestIDHeader}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &runner{ctx: context.Background(), validator: v, requestIDs: map[string]string{}}
			h := http.Header{}
			h.Set("Content-Type", tc.ct)
			if tc.hdrID != "-" {
				h.Set("X-Acs-Request-Id", tc.hdrID)
			}
			ex := &Exchange{Response: ExchangeResponse{Status: tc.status, Header: h, Body: tc.body, rawBody: []byte(tc.body)}}
			p := &prepared{method: http.MethodPost, format: tc.format}
			got := checkNames(r.responseChecks(ex, p, decodeAnswer([]byte(tc.body)), "case"))
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("request id reused", func(t *testing.T) {
		t.Parallel()
		r := &runner{ctx: context.Background(), validator: v, requestIDs: map[string]string{}}
		h := http.Header{"Content-Type": {jsonCT}, "X-Acs-Request-Id": {rid1}}
		ex := &Exchange{Response: ExchangeResponse{Status: 400, Header: h, rawBody: []byte(jsonErr)}}
		p := &prepared{method: http.MethodPost, format: spec.FormatJSON}
		assert.Empty(t, r.responseChecks(ex, p, decodeAnswer([]byte(jsonErr)), "first"))
		assert.Equal(t, []CheckName{CheckRequestIDUnique}, checkNames(r.responseChecks(ex, p, decodeAnswer([]byte(jsonErr)), "second")))
	})
}

func fixedNow() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func checkNames(fs []finding) []CheckName {
	var out []CheckName
	for _, f := range fs {
		if !slices.Contains(out, f.check) {
			out = append(out, f.check)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TestTypedDecode: the typed decode uses the generated type of the answer's status in its format.
func TestTypedDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		format spec.Format
		body   string
		ok     bool
	}{
		{"json success", 200, spec.FormatJSON, successJSON, true},
		{"xml success", 200, spec.FormatXML, successXML, true},
		{"json error", 400, spec.FormatJSON, `{"RequestId":"x","Code":"C","Message":"m","HostId":"h"}`, true},
		{"xml error", 400, spec.FormatXML, `<Error><RequestId>x</RequestId><Code>C</Code><Message>m</Message></Error>`, true},
		{"OrderId number", 200, spec.FormatJSON, `{"Success":true,"Data":{"OrderId":1}}`, false},
		{"Success string", 200, spec.FormatJSON, `{"Success":"true"}`, false},
		{"xml Success not boolean", 200, spec.FormatXML, `<CreateInstanceResponse><Success>maybe</Success></CreateInstanceResponse>`, false},
		{"error Code object", 400, spec.FormatJSON, `{"Code":{"a":1}}`, false},
		{"HostId number", 503, spec.FormatJSON, `{"HostId":7}`, false},
		{"truncated xml", 400, spec.FormatXML, `<Error><Code>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := typedDecode(tc.status, false, tc.format, []byte(tc.body), spec.ActionCreateInstance)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// FuzzResponseChecks: any answer (status, content type, body) goes through the decoders and every
// response check without a panic, and a body that does not decode into its generated type is always
// a typed-decode finding.
func FuzzResponseChecks(f *testing.F) {
	f.Add(200, spec.FormatJSON.ContentType(), successJSON)
	f.Add(200, spec.FormatXML.ContentType(), successXML)
	f.Add(400, spec.FormatJSON.ContentType(), `{"RequestId":"x","Code":"MissingParameter","Message":"m","HostId":7}`)
	f.Add(400, spec.FormatXML.ContentType(), `<Error><Code>`)
	f.Add(503, "text/html", `<html><body>busy</body></html>`)
	f.Add(200, "", `{"Success":true,"Data":{"OrderId":1e400}}`)
	f.Add(200, spec.FormatJSON.ContentType(), `{"RequestId":"x","HostId":"business.aliyuncs.com","Code":"PAY.INSUFFICIENT_BALANCE","Message":"","Recommend":"r","Success":false}`)
	v, err := sharedValidator()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		if status < 100 || status > 599 {
			status = 500
		}
		r := &runner{ctx: context.Background(), validator: v, requestIDs: map[string]string{}}
		h := http.Header{"Content-Type": {ct}}
		ex := &Exchange{Response: ExchangeResponse{Status: status, Header: h, rawBody: []byte(body)}}
		a := decodeAnswer([]byte(body))
		p := &prepared{method: http.MethodPost, format: a.format}
		got := checkNames(r.responseChecks(ex, p, a, "fuzz"))
		if a.err == nil && typedDecode(status, bodyError(status, a), a.format, []byte(body), spec.ActionCreateInstance) != nil && !slices.Contains(got, CheckTypedDecode) {
			t.Errorf("body %q does not decode into its type, yet no %s finding: %v", body, CheckTypedDecode, got)
		}
		_ = shape(ex)
		_ = messageTemplate(ex)
	})
}

// TestBusinessCasesFromCatalogue: the catalogue-derived business cases break one thing of a valid
// order: a module value the module does not allow (the other modules keep theirs), one more module,
// the billing method the product does not offer, a Period off the product's multiple.
func TestBusinessCasesFromCatalogue(t *testing.T) {
	t.Parallel()
	// An endpoint whose only admin API is the catalogue, answering every call with an error.
	const catalogue = `{"products":[{"code":"sas","subscriptionTypes":["Subscription"],"periodMultiple":12,` +
		`"modules":[{"code":"Version","values":["level2"],"required":true},{"code":"Region","values":["cn"],"required":true}]}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__admin/catalog" {
			_, _ = w.Write([]byte(catalogue))
			return
		}
		http.Error(w, "no", http.StatusBadRequest)
	}))
	defer srv.Close()
	rep, err := Check(context.Background(), Target{URL: srv.URL, Credentials: Credentials{AccessKeyID: "k", AccessKeySecret: "s"}},
		WithSeed(1), WithRunID("test"), WithGenerated(0), WithRun(regexp.MustCompile(`^business/`)))
	require.NoError(t, err)
	assert.Equal(t, []string{"sas"}, rep.Products)
	sent := map[string]url.Values{}
	for _, c := range rep.Cases {
		if len(c.Exchanges) == 0 {
			continue
		}
		u, err := url.Parse(c.Exchanges[0].Request.URL)
		require.NoError(t, err)
		sent[c.Name] = u.Query()
	}
	for _, tc := range []struct {
		name string
		want map[string]string // parameter -> value ("" absent)
	}{
		{"business/invalid-config-code", map[string]string{"Parameter.1.Code": "Version", "Parameter.1.Value": "bsskit-no-such-value", "Parameter.2.Code": "Region", "Parameter.2.Value": "cn", "Period": "12"}},
		{"business/invalid-module-code", map[string]string{"Parameter.3.Code": "BsskitNoSuchModule", "Parameter.1.Value": "level2", "Parameter.2.Value": "cn"}},
		{"business/subscription-type-not-offered", map[string]string{"SubscriptionType": "PayAsYouGo", "Period": ""}},
		{"business/period-not-a-multiple", map[string]string{"SubscriptionType": "Subscription", "Period": "13"}},
		{"business/invalid-owner", map[string]string{"OwnerId": "9999999999999999", "ProductCode": "sas"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := sent[tc.name]
			require.True(t, ok, "case %s did not run", tc.name)
			for k, want := range tc.want {
				assert.Equal(t, want, v.Get(k), k)
			}
			assert.True(t, strings.HasPrefix(v.Get("ClientToken"), "bsskit-test-"), "a fresh ClientToken")
		})
	}
}
