package fake

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// call sends one unsigned RPC call (verification is off on a fake without credentials) to h on
// host's site and returns the recorded answer.
func call(t *testing.T, h http.Handler, host, method, action, format string, params url.Values) *httptest.ResponseRecorder {
	t.Helper()
	q := url.Values{"Action": {action}, "Version": {spec.Version}, "Format": {format}}
	for k, vs := range params {
		q[k] = vs
	}
	r := httptest.NewRequest(method, "http://"+host+"/?"+q.Encode(), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Every operation of the spec is in the dispatch table and answers: a valid request built from
// the spec's required parameters gets a success in the documented shape, in JSON and in XML, on
// both sites, the RequestId the fake's (the header's) and the body conforming to the spec; the
// same request without one of its required parameters gets MissingParameter naming it, a code
// the Action documents. An Action the spec does not name still answers InvalidAction.NotFound.
func TestEveryOperationAnswers(t *testing.T) {
	t.Parallel()
	var reports []error
	s, err := New(WithSeed(1))
	require.NoError(t, err)
	s.cfg.checkReport = func(err error) { reports = append(reports, err) }
	h := s.Handler()
	ops := spec.Operations()
	require.GreaterOrEqual(t, len(ops), 100)
	for _, op := range ops {
		require.NotNil(t, operationFor(op.Action), "%s is in the table", op.Action)
		params, err := synth.Request(op.Action, 1)
		require.NoError(t, err)
		rc, err := check.SharedFor(op.Action)
		require.NoError(t, err)
		for _, site := range spec.Sites() {
			for _, format := range []string{"JSON", "XML"} {
				w := call(t, h, site.Host, http.MethodPost, op.Action, format, params)
				if isStateful(op.Action) {
					// A request of required parameters alone meets the state's rules (an unknown
					// product, an order never placed, no account on that site): it is routed
					// and answered in a documented shape; the handlers' own tests cover success.
					assert.NotEqual(t, http.StatusNotFound, w.Code, "%s %s %s: %s", site.Name, format, op.Action, w.Body)
					require.NoError(t, rc.Response(w.Code, w.Header(), w.Body.Bytes()), "%s %s %s", site.Name, format, op.Action)
					continue
				}
				require.Equal(t, http.StatusOK, w.Code, "%s %s %s: %s", site.Name, format, op.Action, w.Body)
				id := w.Header().Get("X-Acs-Request-Id")
				require.NotEmpty(t, id)
				require.NoError(t, rc.Response(w.Code, w.Header(), w.Body.Bytes()), "%s %s %s", site.Name, format, op.Action)
				var body struct {
					RequestId string
					Success   *bool
				}
				if format == "XML" {
					require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &body), "%s: %s", op.Action, w.Body)
					var root struct{ XMLName xml.Name }
					require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &root))
					assert.Equal(t, op.Action+"Response", root.XMLName.Local)
				} else {
					require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "%s: %s", op.Action, w.Body)
				}
				assert.Equal(t, id, body.RequestId, "%s %s", format, op.Action)
				if body.Success != nil {
					assert.True(t, *body.Success, "%s %s", format, op.Action)
				}
			}
		}
		for name := range params {
			missing := url.Values{}
			for k, vs := range params {
				if k != name {
					missing[k] = vs
				}
			}
			w := call(t, h, spec.Sites()[0].Host, http.MethodPost, op.Action, "JSON", missing)
			assert.Equal(t, http.StatusBadRequest, w.Code, "%s without %s: %s", op.Action, name, w.Body)
			var body struct{ Code, Message string }
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "%s: %s", op.Action, w.Body)
			assert.Equal(t, string(spec.CodeMissingParameter), body.Code, "%s without %s", op.Action, name)
			assert.Contains(t, body.Message, strings.SplitN(name, ".", 2)[0], "%s: the message names the parameter", op.Action)
			require.NoError(t, rc.Response(w.Code, w.Header(), w.Body.Bytes()), "%s without %s", op.Action, name)
			break // one missing parameter per operation is enough to show the path
		}
	}
	assert.Empty(t, reports, "every answer conforms to the spec")
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		w := call(t, h, spec.Sites()[0].Host, method, "NoSuchAction", "JSON", nil)
		assert.Equal(t, http.StatusNotFound, w.Code, method)
		var body struct{ Code string }
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "%s: %s", method, w.Body)
		assert.Equal(t, string(spec.CodeInvalidActionNotFound), body.Code, method)
	}
	for _, op := range operations {
		_, ok := spec.OperationFor(op.action)
		assert.True(t, ok, "served %s is in the spec", op.action)
	}
}

// isStateful reports whether action has a handler of its own (the operations slice).
func isStateful(action string) bool {
	for _, op := range operations {
		if op.action == action {
			return true
		}
	}
	return false
}

// The synthesized answers are stable under WithSeed: two fakes of one seed answer the same
// requests with the same bytes (RequestIds included, which the seed fixes too); another seed
// answers otherwise.
func TestEveryOperationStableUnderSeed(t *testing.T) {
	t.Parallel()
	answers := func(seed uint64) []string {
		s, err := New(WithSeed(seed))
		require.NoError(t, err)
		var out []string
		for _, action := range []string{"QueryAccountBalance", "DescribeInstanceBill", "QueryRIUtilizationDetail", "RenewInstance"} {
			params, err := synth.Request(action, 3)
			require.NoError(t, err)
			for _, format := range []string{"JSON", "XML"} {
				w := call(t, s.Handler(), spec.Sites()[0].Host, http.MethodPost, action, format, params)
				require.Equal(t, http.StatusOK, w.Code, "%s: %s", action, w.Body)
				out = append(out, w.Body.String())
			}
		}
		return out
	}
	a, b, c := answers(9), answers(9), answers(10)
	assert.Equal(t, a, b)
	for i := range a {
		assert.NotEqual(t, a[i], c[i], "answer %d differs under another seed", i)
	}
}

// Fault rules match any Action of the table: a rule for one Action fails its next call with the
// code, leaves the other Actions alone, and is spent after one call.
func TestEveryOperationTakesFaults(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(2))
	require.NoError(t, err)
	h := s.Handler()
	host := spec.Sites()[0].Host
	for _, op := range spec.Operations() {
		if isStateful(op.Action) {
			continue // their fault tests are their own (faults_sdk_test.go, sweep)
		}
		params, err := synth.Request(op.Action, 2)
		require.NoError(t, err)
		rule := faults.FailNext(spec.CodeServiceUnavailable)
		rule.Match.Action = faults.Exact(op.Action)
		_, err = s.Faults().Add(rule)
		require.NoError(t, err)
		other := "QueryAccountBalance"
		if op.Action == other {
			other = "QueryBillOverview"
		}
		otherParams, err := synth.Request(other, 2)
		require.NoError(t, err)
		w := call(t, h, host, http.MethodPost, other, "JSON", otherParams)
		assert.Equal(t, http.StatusOK, w.Code, "%s: a rule for %s", other, op.Action)
		w = call(t, h, host, http.MethodPost, op.Action, "XML", params)
		assert.Equal(t, http.StatusServiceUnavailable, w.Code, "%s: %s", op.Action, w.Body)
		assert.Contains(t, w.Body.String(), "<Code>ServiceUnavailable</Code>", op.Action)
		w = call(t, h, host, http.MethodPost, op.Action, "XML", params)
		assert.Equal(t, http.StatusOK, w.Code, "%s: the rule is spent: %s", op.Action, w.Body)
	}
	j := s.Journal()
	require.NotEmpty(t, j)
	assert.Equal(t, http.StatusServiceUnavailable, j[len(j)-2].Status)
}

// Under WithSpecCheck (kin-openapi, the reference validator) the synthesized answers conform too:
// a sample in JSON and XML.
func TestEveryOperationSampleUnderKinOpenAPI(t *testing.T) {
	t.Parallel()
	var reports []error
	s, err := New(WithSeed(4), WithSpecCheck(func(err error) { reports = append(reports, err) }))
	require.NoError(t, err)
	for _, action := range []string{"QueryAccountBalance", "DescribeInstanceBill", "QueryOrders", "TagResources", "QuerySkuPriceList"} {
		params, err := synth.Request(action, 4)
		require.NoError(t, err)
		for _, format := range []string{"JSON", "XML"} {
			w := call(t, s.Handler(), spec.Sites()[0].Host, http.MethodPost, action, format, params)
			assert.Equal(t, http.StatusOK, w.Code, "%s %s: %s", action, format, w.Body)
		}
	}
	assert.Empty(t, reports)
}
