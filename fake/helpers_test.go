package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// answer is a decoded JSON answer of the fake.
type answer struct {
	Status      int
	ContentType string
	RequestIDHd string
	Body        map[string]any
	Raw         string
}

// call sends params as the old SDK does (POST, everything in the query) and decodes the answer.
func call(t *testing.T, srv *fake.Server, params url.Values) answer {
	t.Helper()
	return do(t, srv, http.MethodPost, "/?"+params.Encode(), "", nil)
}

func do(t *testing.T, srv *fake.Server, method, target, contentType string, body io.Reader) answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+target, body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), RequestIDHd: resp.Header.Get("X-Acs-Request-Id"), Raw: string(raw)}
	if strings.HasPrefix(a.ContentType, "application/json") {
		require.NoError(t, json.Unmarshal(raw, &a.Body), "body %q", raw)
	}
	return a
}

// valid returns the parameters of a valid pay-as-you-go rtc order in the default catalogue.
func valid() url.Values {
	return url.Values{
		"Action":            {"CreateInstance"},
		"Version":           {"2017-12-14"},
		"Format":            {"JSON"},
		"ProductCode":       {"rtc"},
		"SubscriptionType":  {"PayAsYouGo"},
		"Parameter.1.Code":  {"ServiceType"},
		"Parameter.1.Value": {"universal"},
	}
}

// with returns a copy of v with the given changes: a key mapped to "" is deleted.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// rulesOf returns srv's fault rules, failing the test if they cannot be read.
func rulesOf(t testing.TB, srv *fake.Server) []faults.Rule {
	t.Helper()
	rules, err := srv.Faults().Rules()
	require.NoError(t, err)
	return rules
}

// statsOf returns srv's rule usage, failing the test if it cannot be read.
func statsOf(t testing.TB, srv *fake.Server) []faults.RuleStat {
	t.Helper()
	stats, err := srv.Faults().Stats()
	require.NoError(t, err)
	return stats
}

// unusedOf returns the IDs of srv's rules not fully used.
func unusedOf(t testing.TB, srv *fake.Server) []string {
	t.Helper()
	var out []string
	for _, st := range statsOf(t, srv) {
		if !st.Used {
			out = append(out, st.ID)
		}
	}
	return out
}
