// Package mutants builds deliberately wrong fakes to prove the contract suite: each [Mutant] is the
// real fake (package fake) with exactly one deviation from the spec, added by HTTP middleware that
// rewrites requests or responses around [fake.Server.Handler]. The contract suite must fail every
// mutant, naming the check that catches its deviation, and pass the unmodified fake.
//
//	for _, m := range mutants.All() {
//		ts, _, _ := mutants.Start(m)
//		report, _ := contract.Check(ctx, contract.Target{URL: ts.URL})
//		killed := !report.OK() && slices.Contains(report.FailedChecks(), m.Expect)
//		ts.Close()
//	}
//
// Some mutants break what the fake and the suite both take from package spec (the content type of
// an XML answer, the Format default of the negotiation rule) or what the suite decodes into the
// generated types: the suite imports neither fake nor internal/wire, so it judges those facts by the
// spec alone and kills these mutants too. Only this package, a test helper, joins the two.
//
// It is internal: tests and `make mutants` use it; it is no API.
package mutants

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/signing"
)

// The credentials of mutants that need signature verification ([Mutant.Credentials]).
const (
	AccessKeyID     = "LTAImutantTestKey"
	AccessKeySecret = "mutant-test-secret"
)

// Mutant is the fake with one deviation.
type Mutant struct {
	// Name identifies the mutant, e.g. "content-type-no-charset".
	Name string
	// Deviation says what is wrong, in words.
	Deviation string
	// Expect is the check the contract suite must fail on this mutant.
	Expect contract.CheckName
	// Credentials: the mutant runs with signature verification on (fake.WithCredentials with
	// [AccessKeyID] and [AccessKeySecret]) and the suite must sign with them.
	Credentials bool
	// Wrap adds the deviation around the real fake's handler.
	Wrap func(http.Handler) http.Handler
	// Fake are options of the fake under the mutant (a catalogue of state-produced errors).
	Fake []fake.Option
}

// Start starts the fake (with opts, and the credentials when the mutant needs them) behind the
// mutant's middleware on a loopback httptest server. Close the server when done.
func Start(m Mutant, opts ...fake.Option) (*httptest.Server, *fake.Server, error) {
	if m.Credentials {
		opts = append(opts, fake.WithCredentials(AccessKeyID, AccessKeySecret))
	}
	opts = append(opts, m.Fake...)
	f, err := fake.New(opts...)
	if err != nil {
		return nil, nil, err
	}
	h := f.Handler()
	if m.Wrap != nil {
		h = m.Wrap(h)
	}
	return httptest.NewServer(h), f, nil
}

// Target returns the contract target for a mutant started at url.
func (m Mutant) Target(url string) contract.Target {
	t := contract.Target{URL: url}
	if m.Credentials {
		t.Credentials = contract.Credentials{AccessKeyID: AccessKeyID, AccessKeySecret: AccessKeySecret}
	}
	return t
}

// All returns every mutant, in a stable order.
func All() []Mutant {
	return append([]Mutant{
		{
			Name: "error-request-id-missing", Expect: contract.CheckErrorShape,
			Deviation: "error bodies lack the RequestId field",
			Wrap:      rewriteBody(errorsOnly, jsonField("RequestId", "")),
		},
		{
			Name: "error-host-id-number", Expect: contract.CheckErrorShape,
			Deviation: "error bodies carry HostId as a number (the old SDK panics)",
			Wrap:      rewriteBody(errorsOnly, regexpReplace(`"HostId":"[^"]*"`, `"HostId":0`)),
		},
		{
			Name: "order-id-number", Expect: contract.CheckSchema,
			Deviation: "Data.OrderId is a JSON number where the spec has a string",
			Wrap:      rewriteBody(successOnly, regexpReplace(`"OrderId":"([0-9]+)"`, `"OrderId":$1`)),
		},
		{
			Name: "success-as-string", Expect: contract.CheckSchema,
			Deviation: `Success is the string "true" instead of a boolean`,
			Wrap:      rewriteBody(successOnly, regexpReplace(`"Success":true`, `"Success":"true"`)),
		},
		{
			Name: "missing-parameter-404", Expect: contract.CheckStatus,
			Deviation: "MissingParameter is answered with HTTP 404 instead of the documented 400",
			Wrap:      rewriteStatus(func(code string, status int) int { return pick(code == "MissingParameter", 404, status) }),
		},
		{
			Name: "errors-as-200", Expect: contract.CheckStatus,
			Deviation: "every error is answered with HTTP 200",
			Wrap:      rewriteStatus(func(code string, status int) int { return pick(status >= 400, 200, status) }),
		},
		{
			Name: "wrong-code-invalid-version", Expect: contract.CheckExpected,
			Deviation: "an unknown Version is answered with InvalidParameter instead of InvalidVersion",
			Wrap: rewriteBody(errorsOnly, func(b []byte) []byte {
				return bytes.ReplaceAll(b, []byte("InvalidVersion"), []byte("InvalidParameter"))
			}),
		},
		{
			Name: "client-token-ignored", Expect: contract.CheckIdempotency,
			Deviation: "ClientToken is ignored: a replay places a second order",
			Wrap:      rewriteQuery(func(r *http.Request, q url.Values) { q.Del("ClientToken") }),
		},
		{
			Name: "signature-not-checked", Expect: contract.CheckExpected, Credentials: true,
			Deviation: "signatures, keys, timestamps and nonces are not checked",
			Wrap:      resign,
		},
		{
			Name: "content-type-no-charset", Expect: contract.CheckContentType,
			Deviation: `JSON answers have Content-Type "application/json" without ";charset=utf-8"`,
			Wrap: rewriteHeader(func(h http.Header) {
				if h.Get("Content-Type") == "application/json;charset=utf-8" {
					h.Set("Content-Type", "application/json")
				}
			}),
		},
		{
			Name: "xml-error-content-type", Expect: contract.CheckContentType,
			Deviation: `XML errors have Content-Type "application/xml" (darabonba-openapi then fails to parse them)`,
			Wrap: rewriteHeader(func(h http.Header) {
				if h.Get("Content-Type") == "text/xml;charset=utf-8" {
					h.Set("Content-Type", "application/xml")
				}
			}),
		},
		{
			Name: "xml-content-type-application-xml", Expect: contract.CheckContentType,
			Deviation: `every XML answer has Content-Type "application/xml;charset=utf-8" instead of the spec's "text/xml;charset=utf-8"`,
			Wrap: rewriteHeader(func(h http.Header) {
				if h.Get("Content-Type") == "text/xml;charset=utf-8" {
					h.Set("Content-Type", "application/xml;charset=utf-8")
				}
			}),
		},
		{
			Name: "xml-content-type-no-charset", Expect: contract.CheckContentType,
			Deviation: `every XML answer has Content-Type "text/xml" without ";charset=utf-8"`,
			Wrap: rewriteHeader(func(h http.Header) {
				if h.Get("Content-Type") == "text/xml;charset=utf-8" {
					h.Set("Content-Type", "text/xml")
				}
			}),
		},
		{
			Name: "format-default-flipped", Expect: contract.CheckContentType,
			Deviation: "without a Format parameter and without a JSON Accept the answer is JSON (the spec says XML)",
			Wrap:      flipFormatDefault,
		},
		{
			Name: "error-recommend-array", Expect: contract.CheckTypedDecode,
			Deviation: "JSON error bodies carry Recommend as an array: they do not decode into generated.ErrorResponse",
			Wrap:      rewriteBody(errorsOnly, regexpReplace(`"Recommend":("[^"]*")`, `"Recommend":[$1]`)),
		},
		{
			Name: "xml-success-flag-not-boolean", Expect: contract.CheckTypedDecode,
			Deviation: "XML success bodies say <Success>yes</Success>: they do not decode into generated.CreateInstanceResponse",
			Wrap:      rewriteBody(successOnly, regexpReplace(`<Success>true</Success>`, `<Success>yes</Success>`)),
		},
		{
			Name: "xml-success-root", Expect: contract.CheckXMLRoot,
			Deviation: "XML success bodies have the root <Response> instead of <CreateInstanceResponse>",
			Wrap: rewriteBody(successOnly, func(b []byte) []byte {
				return bytes.ReplaceAll(b, []byte("CreateInstanceResponse>"), []byte("Response>"))
			}),
		},
		{
			Name: "xml-ignored", Expect: contract.CheckContentType,
			Deviation: "Format=XML is ignored: the answer is JSON",
			Wrap: rewriteQuery(func(r *http.Request, q url.Values) {
				if strings.EqualFold(q.Get("Format"), "XML") {
					q.Set("Format", "JSON")
				}
			}),
		},
		{
			Name: "request-id-header-missing", Expect: contract.CheckRequestIDHeader,
			Deviation: "no x-acs-request-id header",
			Wrap:      rewriteHeader(func(h http.Header) { h.Del("X-Acs-Request-Id") }),
		},
		{
			Name: "request-id-header-mismatch", Expect: contract.CheckRequestIDHeader,
			Deviation: "x-acs-request-id differs from the body's RequestId",
			Wrap:      rewriteHeader(func(h http.Header) { h.Set("X-Acs-Request-Id", "00000000-0000-4000-8000-000000000000") }),
		},
		{
			Name: "request-id-reused", Expect: contract.CheckRequestIDUnique,
			Deviation: "every answer carries the same RequestId",
			Wrap:      reuseRequestID,
		},
		{
			Name: "success-without-data", Expect: contract.CheckSuccessData,
			Deviation: "Success=true without Data (no OrderId, no InstanceId)",
			Wrap: rewriteBody(successOnly, chain(
				regexpReplace(`,"Data":\{[^}]*\}`, ``),
				regexpReplace(`<Data>.*</Data>`, ``))),
		},
		{
			Name: "period-rule-dropped", Expect: contract.CheckExpected,
			Deviation: "the rule 'Period is required for Subscription' is not enforced",
			Wrap: rewriteQuery(func(r *http.Request, q url.Values) {
				if q.Get("SubscriptionType") == "Subscription" && q.Get("Period") == "" {
					q.Set("Period", "12")
				}
			}),
		},
		{
			Name: "enum-check-dropped", Expect: contract.CheckExpected,
			Deviation: "RenewalStatus values outside its enum are accepted",
			Wrap: rewriteQuery(func(r *http.Request, q url.Values) {
				if v := q.Get("RenewalStatus"); v != "" && v != "AutoRenewal" && v != "ManualRenewal" {
					q.Set("RenewalStatus", "ManualRenewal")
				}
			}),
		},
		{
			Name: "parameter-index-unbounded", Expect: contract.CheckExpected,
			Deviation: "Parameter.n with n above 100 is accepted",
			Wrap: rewriteQuery(func(r *http.Request, q url.Values) {
				for k, v := range q {
					rest, ok := strings.CutPrefix(k, "Parameter.")
					if !ok {
						continue
					}
					idx, field, _ := strings.Cut(rest, ".")
					if n, err := strconv.Atoi(idx); err == nil && n > 100 {
						q.Del(k)
						q["Parameter.100."+field] = v
					}
				}
			}),
		},
		{
			Name: "message-changed", Expect: contract.CheckMessage,
			Deviation: "InvalidParameter's message does not follow the catalogue's template",
			Wrap:      rewriteBody(errorsOnly, regexpReplace(`The specified parameter ([^ <"]*) is not valid\.`, `Bad value for $1.`)),
		},
		{
			Name: "unknown-action-accepted", Expect: contract.CheckExpected,
			Deviation: "an unknown Action is served as CreateInstance",
			Wrap: rewriteQuery(func(r *http.Request, q url.Values) {
				if a := q.Get("Action"); a != "" && !knownAction(a) {
					q.Set("Action", "CreateInstance")
				}
				if a := r.Header.Get("x-acs-action"); a != "" && !knownAction(a) {
					r.Header.Set("x-acs-action", "CreateInstance")
				}
			}),
		},
		{
			Name: "read-page-num-ignored", Expect: contract.CheckReadPaging,
			Deviation: "QueryAvailableInstances ignores PageNum: every page is the first",
			Wrap: resigned(rewriteQuery(func(r *http.Request, q url.Values) {
				if isQuery(r, q) {
					q.Del("PageNum")
				}
			})),
		},
		{
			Name: "read-product-filter-ignored", Expect: contract.CheckReadFilter,
			Deviation: "QueryAvailableInstances ignores ProductCode: every product is listed",
			Wrap: resigned(rewriteQuery(func(r *http.Request, q url.Values) {
				if isQuery(r, q) {
					q.Del("ProductCode")
				}
			})),
		},
		{
			Name: "read-never-normal", Expect: contract.CheckReadAfterCreate,
			Deviation: "QueryAvailableInstances reports every instance Creating, forever",
			Wrap:      rewriteBody(successOnly, regexpReplace(`"Status":"Normal"`, `"Status":"Creating"`)),
		},
		{
			Name: "get-unsupported", Expect: contract.CheckExpected,
			Deviation: "GET is refused (UnsupportedHTTPMethod) although the spec allows it",
			Wrap: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodGet && !isAdmin(r) {
						r.Method = http.MethodPatch
					}
					next.ServeHTTP(w, r)
				})
			},
		},
	}, slices.Concat(callerMutants(), readMutants(), operationMutants())...)
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

func isAdmin(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/__admin/") }

// knownAction says whether the fake serves the Action.
func knownAction(a string) bool {
	return a == "CreateInstance" || a == "QueryAvailableInstances" || a == "GetOrderDetail"
}

// isQuery says whether the request is a QueryAvailableInstances (Action in the query or the
// x-acs-action header).
func isQuery(r *http.Request, q url.Values) bool {
	return q.Get("Action") == "QueryAvailableInstances" || r.Header.Get("x-acs-action") == "QueryAvailableInstances"
}

// captured is a response recorded from the fake.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// around records the fake's answer, lets edit change it and writes it.
func around(next http.Handler, edit func(r *http.Request, c *captured)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAdmin(r) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		c := &captured{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
		edit(r, c)
		for k, v := range c.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
		w.WriteHeader(c.status)
		_, _ = w.Write(c.body)
	})
}

func errorsOnly(c *captured) bool  { return c.status != http.StatusOK }
func successOnly(c *captured) bool { return c.status == http.StatusOK }

func rewriteBody(when func(*captured) bool, f func([]byte) []byte) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return around(next, func(_ *http.Request, c *captured) {
			if when(c) {
				c.body = f(c.body)
			}
		})
	}
}

func rewriteHeader(f func(http.Header)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return around(next, func(_ *http.Request, c *captured) { f(c.header) })
	}
}

var codeRE = regexp.MustCompile(`"Code":"([^"]*)"|<Code>([^<]*)</Code>`)

func rewriteStatus(f func(code string, status int) int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return around(next, func(_ *http.Request, c *captured) {
			code := ""
			if m := codeRE.FindSubmatch(c.body); m != nil {
				code = string(m[1]) + string(m[2])
			}
			c.status = f(code, c.status)
		})
	}
}

func regexpReplace(pattern, repl string) func([]byte) []byte {
	re := regexp.MustCompile(pattern)
	return func(b []byte) []byte { return re.ReplaceAll(b, []byte(repl)) }
}

func chain(fs ...func([]byte) []byte) func([]byte) []byte {
	return func(b []byte) []byte {
		for _, f := range fs {
			b = f(b)
		}
		return b
	}
}

// jsonField removes a top-level string field of a JSON body (repl "" removes it).
func jsonField(name, _ string) func([]byte) []byte {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(name) + `":"[^"]*",?`)
	return func(b []byte) []byte { return re.ReplaceAll(b, nil) }
}

// rewriteQuery edits the request's query (and form body) parameters before the fake sees them.
func rewriteQuery(f func(r *http.Request, q url.Values)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isAdmin(r) {
				next.ServeHTTP(w, r)
				return
			}
			q := r.URL.Query()
			f(r, q)
			r.URL.RawQuery = q.Encode()
			if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				body, _ := io.ReadAll(r.Body)
				form, err := url.ParseQuery(string(body))
				if err == nil {
					f(r, form)
					body = []byte(form.Encode())
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = int64(len(body))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// flipFormatDefault answers in JSON a request that has no Format parameter (query or form) and no
// Accept header asking for JSON, where the spec's negotiation gives XML.
func flipFormatDefault(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAdmin(r) || strings.Contains(strings.ToLower(r.Header.Get("Accept")), "json") {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if q.Has("Format") {
			next.ServeHTTP(w, r)
			return
		}
		if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil && form.Has("Format") {
				next.ServeHTTP(w, r)
				return
			}
		}
		if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
			// A V3 request signs its query: tell the fake by the header it reads instead.
			r.Header.Set("Accept", "application/json")
		} else {
			q.Set("Format", "JSON")
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}

// reuseRequestID answers every request with the RequestId of the first answer.
func reuseRequestID(next http.Handler) http.Handler {
	const fixed = "11111111-2222-4333-8444-555555555555"
	re := regexp.MustCompile(`[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`)
	return around(next, func(_ *http.Request, c *captured) {
		c.body = re.ReplaceAll(c.body, []byte(fixed))
		c.header.Set("X-Acs-Request-Id", fixed)
	})
}

// resigned applies a request rewrite and then signs the rewritten request again, so that the
// deviation is what the suite sees even when the fake verifies signatures.
func resigned(rewrite func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return rewrite(resign(next)) }
}

// resign replaces every request's signature with a valid one made with the mutant's credentials,
// which is what a gateway that does not check signatures amounts to.
func resign(next http.Handler) http.Handler {
	cred := signing.Credentials{AccessKeyID: AccessKeyID, AccessKeySecret: AccessKeySecret}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAdmin(r) {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		now := time.Now()
		if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
			for _, h := range []string{"Authorization", "X-Acs-Date", "X-Acs-Signature-Nonce", "X-Acs-Content-Sha256"} {
				r.Header.Del(h)
			}
			u := *r.URL
			u.Host = r.Host
			sr := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: r.Header}
			_ = signing.SignV3(sr, body, cred, now, nonce())
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if q.Has("Signature") {
			all := url.Values{}
			var form url.Values
			if len(body) > 0 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				form, _ = url.ParseQuery(string(body))
				for k, v := range form {
					all[k] = v
				}
			}
			for k, v := range q {
				all[k] = v
			}
			signing.SignV1(r.Method, all, cred, now, nonce())
			for k, v := range all {
				if _, inForm := form[k]; !inForm {
					q[k] = v
				}
			}
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}

func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ByName returns the mutant of All with that name; false if there is none, so that a misspelt name
// fails a test instead of quietly running the unmodified fake.
func ByName(name string) (Mutant, bool) {
	for _, m := range All() {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}
