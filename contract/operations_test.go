package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/mutants"
	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// opServer is a tiny endpoint that serves one operation of the spec: it validates the parameters
// with the spec's compiled rules (internal/check), answers internal/synth's schema-true body in
// JSON or XML, and every error in the documented shape. mode makes it wrong in one way.
type opServer struct {
	action string
	mode   string // "": correct; "accept-missing": a missing required parameter is answered with success;
	// "wrong-type": the first string of the answer's Data is a number; "not-found": it serves nothing
	mu      sync.Mutex
	seen    []string // the Action of every request
	counter int
}

var jsonOrXML = regexp.MustCompile(`^(?i:json|xml)$`)

func (s *opServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	action := r.Form.Get("Action")
	if action == "" {
		action = r.Header.Get("x-acs-action")
	}
	s.mu.Lock()
	s.seen = append(s.seen, action)
	s.counter++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", s.counter)
	s.mu.Unlock()
	format := spec.ResponseFormat(r.Form.Get("Format"), r.Header.Get("Accept"))
	fail := func(code spec.Code, param string) {
		def := spec.MustLookup(code)
		body := map[string]string{"RequestId": id, "HostId": "business.aliyuncs.com", "Code": string(code), "Message": def.Render(param), "Recommend": "https://api.aliyun.com/troubleshoot?q=" + string(code)}
		write(w, format, def.HTTPStatus, id, "Error", body)
	}
	switch {
	case r.Method != http.MethodPost && r.Method != http.MethodGet:
		fail(spec.CodeUnsupportedHTTPMethod, "")
		return
	case action != s.action || s.mode == "not-found":
		fail(spec.CodeInvalidActionNotFound, action)
		return
	case r.Form.Get("Format") != "" && !jsonOrXML.MatchString(r.Form.Get("Format")):
		op, _ := spec.OperationFor(action)
		p, _ := op.Param("Format")
		fail(p.Error, "Format")
		return
	}
	params := url.Values{}
	for k, v := range r.Form {
		if k != "Action" && k != "Version" && k != "Format" {
			params[k] = v
		}
	}
	c, err := check.SharedFor(action)
	if err != nil {
		fail(spec.CodeInternalError, "")
		return
	}
	if _, viol := c.Request(params); viol != nil && !(s.mode == "accept-missing" && viol.Code == spec.CodeMissingParameter) {
		fail(viol.Code, viol.Param)
		return
	}
	body, err := synth.Answer(action, 1, id)
	if err != nil {
		fail(spec.CodeInternalError, "")
		return
	}
	if s.mode == "wrong-type" {
		mutants.RetypeFirstString(body["Data"])
	}
	write(w, format, http.StatusOK, id, action+"Response", body)
}

func write[T any](w http.ResponseWriter, f spec.Format, status int, id, root string, body map[string]T) {
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("x-acs-request-id", id)
	w.WriteHeader(status)
	if f == spec.FormatXML {
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
		writeXML(&b, root, body)
		_, _ = w.Write(b.Bytes())
		return
	}
	_ = json.NewEncoder(w).Encode(body)
}

// writeXML writes v as the gateway does: objects as child elements, arrays unwrapped.
func writeXML(b *bytes.Buffer, name string, v any) {
	rv := v
	if m, ok := v.(map[string]string); ok {
		mm := map[string]any{}
		for k, s := range m {
			mm[k] = s
		}
		rv = mm
	}
	if items, ok := rv.([]any); ok {
		for _, it := range items {
			writeXML(b, name, it)
		}
		return
	}
	b.WriteString("<" + name + ">")
	switch v := rv.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			writeXML(b, k, v[k])
		}
	case string:
		_ = xml.EscapeText(b, []byte(v))
	default:
		b.WriteString(fmt.Sprint(v))
	}
	b.WriteString("</" + name + ">")
}

func (s *opServer) sent(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.seen {
		if a == action {
			n++
		}
	}
	return n
}

func operationRun(action string) contract.Option {
	return contract.WithRun(regexp.MustCompile("^operation/" + action + "/"))
}

// TestOperationCasesPassACorrectEndpoint: against an endpoint that serves one generated operation
// as the spec says, that operation's cases (the answer of a read, the negative cases of every RPC
// style: types, enums, JSON-encoded values, repeatList lists of values and of objects) all pass.
func TestOperationCasesPassACorrectEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		action string
		want   []string
	}{
		{"DescribeInstanceBill", []string{"answer", "missing/BillingCycle", "invalid/IsBillingItem/not-a-boolean", "invalid/MaxResults/not-an-integer", "invalid/MaxResults/above-int32", "invalid/BillOwnerId/below-minimum", "invalid/OwnerId/raw-pattern", "method/PUT"}},
		{"QuerySkuPriceList", []string{"answer", "missing/CommodityCode", "invalid/PriceFactorConditionMap/not-json"}},
		{"TagResources", []string{"missing/ResourceType", "repeated/ResourceId/missing", "repeated/ResourceId/index-above-maximum", "repeated/Tag/missing", "repeated/Tag/Key-missing", "repeated/Tag/index-not-a-number"}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			t.Parallel()
			srv := &opServer{action: tc.action}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL, Credentials: creds}, operationRun(tc.action))
			require.NoError(t, err)
			assert.True(t, rep.OK(), "%v", rep.Findings())
			assert.Empty(t, rep.Warnings)
			assert.Empty(t, rep.Unserved)
			var names []string
			for _, c := range rep.Cases {
				names = append(names, strings.TrimPrefix(c.Name, "operation/"+tc.action+"/"))
				assert.Equal(t, contract.StatusPass, c.Status, "%s: %s", c.Name, c.Reason)
			}
			for _, w := range tc.want {
				assert.Contains(t, names, w)
			}
			assert.Positive(t, srv.sent(tc.action))
			if c, ok := rep.Case("operation/" + tc.action + "/answer"); ok {
				require.Len(t, c.Exchanges, 2, "JSON and XML")
				assert.Contains(t, c.Exchanges[1].Response.Body, "<"+tc.action+"Response>")
			}
		})
	}
}

// TestOperationCasesCatchAWrongEndpoint: an endpoint that accepts a missing required parameter, or
// answers a field of the wrong type, fails the case that is about it, with the check that names it.
func TestOperationCasesCatchAWrongEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode, failed string
		check        contract.CheckName
	}{
		{"accept-missing", "operation/DescribeInstanceBill/missing/BillingCycle", contract.CheckExpected},
		{"wrong-type", "operation/DescribeInstanceBill/answer", contract.CheckSchema},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(&opServer{action: "DescribeInstanceBill", mode: tc.mode})
			defer ts.Close()
			rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL, Credentials: creds}, operationRun("DescribeInstanceBill"))
			require.NoError(t, err)
			assert.False(t, rep.OK())
			c, ok := rep.Case(tc.failed)
			require.True(t, ok)
			require.Equal(t, contract.StatusFail, c.Status)
			var checks []contract.CheckName
			for _, f := range c.Findings {
				checks = append(checks, f.Check)
			}
			assert.Contains(t, checks, tc.check)
			for _, other := range rep.Cases {
				if other.Name != tc.failed {
					assert.Equal(t, contract.StatusPass, other.Status, "only the case about the deviation fails: %s %v", other.Name, other.Findings)
				}
			}
		})
	}
}

// TestUnservedOperationIsNotApplicable: an endpoint that answers InvalidAction.NotFound to an
// operation of the spec does not serve it: its cases are not applicable (not failed), and the report
// says so in one line.
func TestUnservedOperationIsNotApplicable(t *testing.T) {
	t.Parallel()
	srv := &opServer{action: "DescribeInstanceBill", mode: "not-found"}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL, Credentials: creds}, contract.WithRun(regexp.MustCompile("^operation/(DescribeInstanceBill|QueryAccountBalance)/")))
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Findings())
	na := 0
	for _, c := range rep.Cases {
		assert.Equal(t, contract.StatusNotApplicable, c.Status, c.Name)
		assert.Contains(t, c.Reason, "InvalidAction.NotFound")
		na++
	}
	assert.Greater(t, na, 10)
	assert.Equal(t, 2, srv.sent("DescribeInstanceBill")+srv.sent("QueryAccountBalance"), "one request per operation: the rest are not sent")
	assert.Empty(t, rep.Warnings)
	assert.Contains(t, rep.Unserved, "2 operation(s)")
	assert.Contains(t, rep.Unserved, "DescribeInstanceBill")
	assert.Contains(t, rep.Unserved, "QueryAccountBalance")
	for _, c := range rep.Coverage {
		if c.Code == spec.CodeMissingParameter {
			assert.Empty(t, c.Provoked, "a case that did not apply provoked nothing")
		}
	}
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Equal(t, 1, strings.Count(text.String(), "InvalidAction.NotFound to 2 operation(s)"), "one line per run")
	assert.Contains(t, text.String(), "NOT SERVED: the endpoint answers")
	assert.Contains(t, text.String(), "  writes:   the endpoint is loopback")
	assert.NotContains(t, text.String(), "- operation/DescribeInstanceBill/missing/BillingCycle:", "counted, not listed")
	assert.Contains(t, text.String(), fmt.Sprintf("- and %d case(s) of the operations the endpoint does not serve (NOT SERVED above)", na))
}

// TestWritesNeedAllowingOffLoopback: the cases of a write other than the lifecycle's are sent to a
// loopback endpoint, never to a non-loopback one without WithWrites(true) (the run reaches the
// endpoint through a made-up host name that resolves to a remote address), and to none with
// WithWrites(false).
func TestWritesNeedAllowingOffLoopback(t *testing.T) {
	t.Parallel()
	const action = "TagResources"
	for _, tc := range []struct {
		name   string
		remote bool
		opts   []contract.Option
		sent   bool
		reason string
	}{
		{"loopback", false, nil, true, "loopback"},
		{"loopback-refused", false, []contract.Option{contract.WithWrites(false)}, false, "WithWrites(false)"},
		{"remote", true, nil, false, "not loopback"},
		{"remote-allowed", true, []contract.Option{contract.WithWrites(true)}, true, "explicitly"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := &opServer{action: action}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			target := contract.Target{URL: ts.URL, Credentials: creds}
			opts := append([]contract.Option{operationRun(action)}, tc.opts...)
			if tc.remote {
				tgt, res := remoteTarget(ts.Listener.Addr().String())
				target = tgt
				opts = append(opts, contract.WithResolver(res))
			}
			rep, err := contract.Check(context.Background(), target, opts...)
			require.NoError(t, err)
			assert.Equal(t, !tc.remote, rep.Loopback)
			assert.Equal(t, tc.sent, rep.WritesAllowed)
			assert.Contains(t, rep.WritesReason, tc.reason)
			require.NotEmpty(t, rep.Cases)
			if !tc.sent {
				assert.Zero(t, srv.sent(action), "no request of the write may reach the endpoint")
				for _, c := range rep.Cases {
					assert.Equal(t, contract.StatusNotApplicable, c.Status, c.Name)
					assert.Contains(t, c.Reason, "writes are not allowed")
				}
				return
			}
			assert.True(t, rep.OK(), "%v", rep.Findings())
			assert.Equal(t, len(rep.Cases), srv.sent(action), "one request per case")
		})
	}
}
