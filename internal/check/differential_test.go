package check_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// The compiled checks are tested against kin-openapi (spec.Validator), the reference: for the same
// request or answer both must accept or both reject, except for the documented differences below,
// each of which the tables show exists.

// Documented differences between the compiled request validator and kin-openapi. In all but
// diffEmpty the compiled validator rejects what kin-openapi accepts, because the rule lives in a
// bsskit extension of the document that kin-openapi does not read, or in a behaviour of the real
// service that OpenAPI cannot express.
const (
	// diffEmpty: an empty value counts as absent, so an optional parameter sent empty is accepted
	// (the fake's rule since its start: the official SDKs never send one); kin-openapi validates
	// the empty string against the schema (minLength 1, integer) and rejects it.
	diffEmpty = "empty optional"
	// diffRepeated: Parameter.n.Code/Value are flattened repeated parameters
	// (x-bss-repeated-parameters); to kin-openapi they are unknown query parameters.
	diffRepeated = "repeated parameters"
	// diffCrossField: "Period when Subscription", "RenewPeriod when AutoRenewal" (x-bss-rules).
	diffCrossField = "cross-field rule"
	// diffTwice: a parameter given twice with different values is invalid; kin-openapi reads the
	// first value of a non-array query parameter.
	diffTwice = "given twice"
	// diffRawPattern: x-bss-pattern checks the raw text (OwnerId: 16 digits, no leading zero or
	// sign) where kin-openapi parses a float and cannot bound integers above 2^53 exactly.
	diffRawPattern = "raw pattern"
)

// documentedDifference names the documented difference that explains the compiled validator's
// verdict viol on params, or returns "".
func documentedDifference(params url.Values, viol *check.Violation) string {
	op := spec.CreateInstance()
	if viol == nil {
		for _, p := range op.Params {
			// Only where the schema itself rejects "" (minLength 1, integer), as kin-openapi does.
			if vs := params[p.Name]; p.Error != "" && !p.Required && len(vs) > 0 && vs[0] == "" && p.Schema.VisitJSON("") != nil {
				return diffEmpty
			}
		}
		return ""
	}
	if strings.HasPrefix(viol.Param, "Parameter.") {
		return diffRepeated
	}
	p, ok := op.Param(viol.Param)
	if !ok {
		return ""
	}
	if viol.Code == spec.CodeMissingParameter && !p.Required {
		return diffCrossField
	}
	vs := params[viol.Param]
	for _, v := range vs[min(1, len(vs)):] {
		if v != vs[0] {
			return diffTwice
		}
	}
	if p.Pattern != "" && len(vs) > 0 && !regexp.MustCompile(p.Pattern).MatchString(vs[0]) {
		// A difference only where the schema alone accepts the text as a number in bounds.
		n, err := strconv.ParseInt(vs[0], 10, 64)
		if err == nil && p.Schema.Min != nil && p.Schema.Max != nil && float64(n) >= *p.Schema.Min && float64(n) <= *p.Schema.Max {
			return diffRawPattern
		}
	}
	return ""
}

// notCompared are the query parameters kin-openapi checks and the compiled validator leaves to
// other layers: routing and format (Action, Version, Format: the wire layer) and the signature's
// (the verifier). Their values are kin-openapi's business alone and are dropped before comparing.
func notCompared() map[string]bool {
	skip := map[string]bool{}
	for _, p := range spec.CreateInstance().Params {
		if p.In == "query" && (p.Error == "" || p.Name == "Action" || p.Name == "Version" || p.Name == "Format") {
			skip[p.Name] = true
		}
	}
	return skip
}

// namesParam reports whether kin-openapi's error is (among others) about the parameter name: the
// compiled validator answers the first violation in document order, kin-openapi lists them all.
func namesParam(err error, name string) bool {
	return strings.Contains(err.Error(), `parameter "`+name+`"`)
}

type requestOracle struct {
	chk  *check.Spec
	kin  *spec.Validator
	skip map[string]bool
}

func newRequestOracle(t testing.TB) *requestOracle {
	t.Helper()
	chk, err := check.Shared()
	if err != nil {
		t.Fatal(err)
	}
	kin, err := spec.SharedValidator()
	if err != nil {
		t.Fatal(err)
	}
	return &requestOracle{chk: chk, kin: kin, skip: notCompared()}
}

// verdicts validates params both ways: the compiled violation and kin-openapi's error.
func (o *requestOracle) verdicts(params url.Values) (*check.Violation, error) {
	q := url.Values{}
	for k, vs := range params {
		if !o.skip[k] {
			q[k] = vs
		}
	}
	_, viol := o.chk.Request(q)
	q.Set("Action", "CreateInstance")
	q.Set("Version", "2017-12-14")
	r := httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil)
	return viol, o.kin.ValidateRequest(context.Background(), r)
}

func TestRequestAgreesWithKinOpenAPI(t *testing.T) {
	t.Parallel()
	o := newRequestOracle(t)
	base := "ProductCode=rtc&SubscriptionType=PayAsYouGo"
	sub := "ProductCode=sas&SubscriptionType=Subscription&Period=12"
	tests := []struct {
		name, query string
		diff        string // "": both must agree; else the compiled validator rejects and kin-openapi accepts
	}{
		{"minimal", base, ""},
		{"everything valid", sub + "&ProductType=t&OwnerId=1234567890123456&ClientToken=tok-1&RenewalStatus=AutoRenewal&RenewPeriod=1&Logistics=%7B%7D", ""},
		{"missing ProductCode", "SubscriptionType=PayAsYouGo", ""},
		{"empty ProductCode", "ProductCode=&SubscriptionType=PayAsYouGo", ""},
		{"ProductCode of 64", "SubscriptionType=PayAsYouGo&ProductCode=" + strings.Repeat("p", 64), ""},
		{"ProductCode of 65", "SubscriptionType=PayAsYouGo&ProductCode=" + strings.Repeat("p", 65), ""},
		{"ProductCode of 64 runes", "SubscriptionType=PayAsYouGo&ProductCode=" + strings.Repeat("%C3%A9", 64), ""},
		{"missing SubscriptionType", "ProductCode=rtc", ""},
		{"SubscriptionType not in enum", "ProductCode=rtc&SubscriptionType=Monthly", ""},
		{"empty optional string without minLength", base + "&ProductType=&Logistics=", ""},
		{"PricingCycle 2", base + "&PricingCycle=2", ""},
		{"PricingCycle 4", base + "&PricingCycle=4", ""},
		{"PricingCycle 0", base + "&PricingCycle=0", ""},
		{"PricingCycle 02", base + "&PricingCycle=02", ""},
		{"Logistics a JSON object", base + "&Logistics=" + url.QueryEscape(`{"cityCode":"330100"}`), ""},
		{"Logistics not JSON", base + "&Logistics=Hangzhou", ""},
		{"empty ClientToken", base + "&ClientToken=", diffEmpty},
		{"empty RenewPeriod", base + "&RenewPeriod=", diffEmpty},
		{"Period 1", base + "&Period=1", ""},
		{"Period 0", base + "&Period=0", ""},
		{"Period -1", base + "&Period=-1", ""},
		{"Period +12", base + "&Period=%2B12", ""},
		{"Period leading zero", base + "&Period=012", ""},
		{"Period 12.0", base + "&Period=12.0", ""},
		{"Period 1e1", base + "&Period=1e1", ""},
		{"Period max int32", base + "&Period=2147483647", ""},
		{"Period over int32", base + "&Period=2147483648", ""},
		{"Period not a number", base + "&Period=x", ""},
		{"RenewPeriod 0", base + "&RenewPeriod=0", ""},
		{"RenewalStatus not in enum", base + "&RenewalStatus=Never", ""},
		{"ClientToken of 64", base + "&ClientToken=" + strings.Repeat("t", 64), ""},
		{"ClientToken of 65", base + "&ClientToken=" + strings.Repeat("t", 65), ""},
		{"ClientToken not ASCII", base + "&ClientToken=%C3%A9", ""},
		{"ClientToken control character", base + "&ClientToken=a%01b", ""},
		{"OwnerId lowest", base + "&OwnerId=1000000000000000", ""},
		{"OwnerId highest", base + "&OwnerId=9999999999999999", ""},
		{"OwnerId of 15 digits", base + "&OwnerId=999999999999999", ""},
		{"OwnerId of 17 digits, 10^16", base + "&OwnerId=10000000000000000", diffRawPattern}, // above the maximum, which is 10^16 as a float
		{"OwnerId not digits", base + "&OwnerId=12345678901234ab", ""},
		{"Logistics of 4097", base + "&Logistics=" + strings.Repeat("l", 4097), ""},
		{"same value twice", base + "&ProductType=a&ProductType=a", ""},
		{"invalid first of two", base + "&Period=0&Period=0", ""},
		{"unknown parameter", base + "&Foo=bar", ""},
		{"signature parameters left to the verifier", base + "&SignatureMethod=MD5&Timestamp=now", ""},
		{"Format left to the wire layer", base + "&Format=yaml", ""},
		{"Parameter.n valid", base + "&Parameter.1.Code=a&Parameter.1.Value=b&Parameter.2.Code=c&Parameter.2.Value=d", ""},
		// Documented differences.
		{"Parameter.n without Value", base + "&Parameter.1.Code=a", diffRepeated},
		{"Parameter.0", base + "&Parameter.0.Code=a&Parameter.0.Value=b", diffRepeated},
		{"Parameter.101", base + "&Parameter.101.Code=a&Parameter.101.Value=b", diffRepeated},
		{"Parameter.n.Code too long", base + "&Parameter.1.Code=" + strings.Repeat("c", 257) + "&Parameter.1.Value=b", diffRepeated},
		{"Subscription without Period", "ProductCode=sas&SubscriptionType=Subscription", diffCrossField},
		{"AutoRenewal without RenewPeriod", base + "&RenewalStatus=AutoRenewal", diffCrossField},
		{"ProductCode twice", "SubscriptionType=PayAsYouGo&ProductCode=a&ProductCode=b", diffTwice},
		{"Period twice", base + "&Period=1&Period=2", diffTwice},
		{"OwnerId with a leading zero", base + "&OwnerId=01000000000000000", diffRawPattern},
		{"OwnerId with a sign", base + "&OwnerId=%2B1000000000000000", diffRawPattern},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			viol, kinErr := o.verdicts(params)
			if got := documentedDifference(params, viol); got != tt.diff {
				t.Fatalf("documented difference %q, want %q (compiled: %v)", got, tt.diff, viol)
			}
			if tt.diff == diffEmpty {
				if viol != nil || kinErr == nil {
					t.Fatalf("%s: compiled says %v (want none), kin-openapi says %v (want an error)", tt.diff, viol, kinErr)
				}
				return
			}
			if tt.diff != "" {
				if viol == nil || kinErr != nil {
					t.Fatalf("%s: compiled says %v (want a violation), kin-openapi says %v (want none)", tt.diff, viol, kinErr)
				}
				return
			}
			if (viol == nil) != (kinErr == nil) {
				t.Fatalf("compiled says %v, kin-openapi says %v", viol, kinErr)
			}
			if viol != nil && !namesParam(kinErr, viol.Param) {
				t.Fatalf("compiled names %s, kin-openapi does not: %v", viol.Param, kinErr)
			}
		})
	}
}

// FuzzRequestAgreesWithKinOpenAPI builds a request from a query string and checks that the compiled
// validator accepts exactly what kin-openapi accepts, modulo the documented differences.
func FuzzRequestAgreesWithKinOpenAPI(f *testing.F) {
	for _, q := range []string{
		"ProductCode=rtc&SubscriptionType=PayAsYouGo",
		"ProductCode=sas&SubscriptionType=Subscription&Period=12&RenewalStatus=AutoRenewal&RenewPeriod=12",
		"ProductCode=x&SubscriptionType=PayAsYouGo&OwnerId=1234567890123456&ClientToken=abc&Logistics=%7B%7D",
		"ProductCode=x&SubscriptionType=PayAsYouGo&Period=2147483648&RenewPeriod=-1",
		"ProductCode=x&ProductCode=x&SubscriptionType=PayAsYouGo&ProductType=",
		"ProductCode=x&SubscriptionType=PayAsYouGo&Parameter.1.Code=a&Parameter.1.Value=b",
	} {
		f.Add(q)
	}
	o := newRequestOracle(f)
	f.Fuzz(func(t *testing.T, rawQuery string) {
		params, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		viol, kinErr := o.verdicts(params)
		if documentedDifference(params, viol) != "" {
			return // a documented difference may apply: the table shows each one
		}
		if (viol == nil) != (kinErr == nil) {
			t.Fatalf("query %q: compiled says %v, kin-openapi says %v", rawQuery, viol, kinErr)
		}
		if viol != nil && !namesParam(kinErr, viol.Param) {
			t.Fatalf("query %q: compiled names %s, kin-openapi does not: %v", rawQuery, viol.Param, kinErr)
		}
	})
}
