package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

func TestAdminFaultsLifecycle(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(8))

	status, ans := adminDo(t, srv, http.MethodPost, "/__admin/faults", `{"id": "slow", "calls": {"first": 1}, "outcome": {"latency": "5ms"}}`)
	require.Equal(t, http.StatusCreated, status, "%v", ans)
	assert.Equal(t, []any{"slow"}, ans["ids"])

	status, ans = adminDo(t, srv, http.MethodPost, "/__admin/faults", "seed: 8\nrules:\n  - outcome: {error: InternalError}\n    calls: {nth: 2}\n  - id: gone\n    outcome: {fault: proxy502}\n    match: {productCode: none}\n")
	require.Equal(t, http.StatusCreated, status, "%v", ans)
	assert.Equal(t, []any{"rule-1", "gone"}, ans["ids"])

	status, ans = adminDo(t, srv, http.MethodGet, "/__admin/faults", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, float64(8), ans["seed"])
	rules := ans["rules"].([]any)
	require.Len(t, rules, 3)
	assert.Equal(t, map[string]any{"id": "slow", "calls": map[string]any{"first": float64(1)}, "outcome": map[string]any{"latency": "5ms"}}, rules[0],
		"rules read back in the form they are written")

	assert.Equal(t, []int{200, 200, 400}, statuses(srv, 3, faultParams()), "slow took call 1, so rule-1 sees call 3 as its 2nd")
	_, ans = adminDo(t, srv, http.MethodGet, "/__admin/faults", "")
	stats := ans["stats"].([]any)
	assert.Equal(t, map[string]any{"id": "rule-1", "matched": float64(2), "fired": float64(1), "used": true}, stats[1])

	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/__admin/faults/scenario", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sc, err := faults.ParseScenario(text)
	require.NoError(t, err, "%s", text)
	assert.Equal(t, uint64(8), *sc.Seed)
	assert.Len(t, sc.Rules, 3)

	status, _ = adminDo(t, srv, http.MethodDelete, "/__admin/faults/gone", "")
	assert.Equal(t, http.StatusOK, status)
	status, ans = adminDo(t, srv, http.MethodDelete, "/__admin/faults/gone", "")
	assert.Equal(t, http.StatusNotFound, status, "%v", ans)
	assert.Len(t, rulesOf(t, srv), 2)

	status, ans = adminDo(t, srv, http.MethodPost, "/__admin/faults", "seed: 9\nrules:\n  - outcome: {pass: true}\n    id: other-seed\n")
	assert.Equal(t, http.StatusCreated, status)
	assert.Contains(t, ans["warning"], "seed 9 is not applied: the server runs with seed 8")

	status, _ = adminDo(t, srv, http.MethodPost, "/__admin/faults/reset", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, rulesOf(t, srv))
}

func TestAdminFaultsRejectBadInputWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		want       []string // in the error
		wantLine   int      // of the first error, if any
	}{
		{name: "not YAML or JSON", body: `{"outcome": `, wantStatus: 400, want: []string{"did not find expected node content"}},
		{name: "empty", body: ``, wantStatus: 400, want: []string{"empty document"}},
		{name: "unknown code", body: "{\n  \"outcome\": {\n    \"error\": \"Teapot\"\n  }\n}", wantStatus: 400, want: []string{"outcome.error", `"Teapot" is not a catalogued error code`}, wantLine: 3},
		{name: "unknown field", body: `{"outcome": {"pass": true}, "oops": 1}`, wantStatus: 400, want: []string{`unknown field "oops"`}, wantLine: 1},
		{name: "id in use", body: `{"id": "existing", "outcome": {"pass": true}}`, wantStatus: 400, want: []string{`"existing" is already in use`}},
		{name: "one bad rule in a scenario", body: "rules:\n  - outcome: {pass: true}\n  - outcome: {fault: lost}\n  - outcome: {pass: true}\n", wantStatus: 400, want: []string{"rules[1].outcome.fault"}, wantLine: 3},
		{name: "not a mapping", body: `[1, 2]`, wantStatus: 400, want: []string{"want a mapping"}, wantLine: 1},
		{name: "wrong method", method: http.MethodPut, wantStatus: 405, want: []string{"PUT is not allowed"}},
		{name: "delete unknown", method: http.MethodDelete, path: "/__admin/faults/nope", wantStatus: 404, want: []string{"no rule nope"}},
		{name: "nested path", method: http.MethodDelete, path: "/__admin/faults/a/b", wantStatus: 404},
		{name: "too large", body: "rules: [" + strings.Repeat(" ", 2<<20) + "]", wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(1), fake.WithRules(faults.Rule{ID: "existing", Outcome: fails}))
			before := rulesOf(t, srv)
			method, path := tt.method, tt.path
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/__admin/faults"
			}
			status, ans := adminDo(t, srv, method, path, tt.body)
			assert.Equal(t, tt.wantStatus, status, "%v", ans)
			for _, w := range tt.want {
				assert.Contains(t, ans["error"], w)
			}
			if tt.wantLine > 0 {
				errs := ans["errors"].([]any)
				require.NotEmpty(t, errs)
				assert.Equal(t, float64(tt.wantLine), errs[0].(map[string]any)["line"], "%v", errs)
			}
			if diff := cmp.Diff(before, rulesOf(t, srv)); diff != "" {
				t.Errorf("rules changed:\n%s", diff)
			}
		})
	}
}

// FuzzAdminFaults: any body POSTed to /__admin/faults is applied whole (201, with one ID per new
// rule) or refused whole (400, nothing changes); the handler never fails otherwise.
func FuzzAdminFaults(f *testing.F) {
	f.Add(`{"outcome": {"error": "InternalError"}}`)
	f.Add(`{"id": "a", "match": {"productCode": {"prefix": "r"}}, "sequence": [{"fault": "reset"}, {"pass": true}]}`)
	f.Add("seed: 1\nrules:\n  - rateLimit: {perSecond: 3}\n  - outcome: {latency: {min: 1ms, max: 2ms}}\n")
	f.Add("rules: [{outcome: {fault: hang, afterCommit: true}}, {id: existing, outcome: {pass: true}}]")
	f.Add(`{"rules": []}`)
	f.Add(`{"outcome": {"error": "Throttling.User", "status": 200, "message": "x"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		srv, err := fake.New(fake.WithSeed(1), fake.WithRules(faults.Rule{ID: "existing", Outcome: fails}))
		if err != nil {
			t.Fatal(err)
		}
		before := rulesOf(t, srv)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__admin/faults", strings.NewReader(body)))
		var ans struct {
			IDs    []string `json:"ids"`
			Error  string   `json:"error"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
			t.Fatalf("answer is not JSON: %v: %q", err, rec.Body.String())
		}
		switch rec.Code {
		case http.StatusCreated:
			if got := len(rulesOf(t, srv)); got != len(before)+len(ans.IDs) {
				t.Fatalf("%d rules after adding %d to %d", got, len(ans.IDs), len(before))
			}
		case http.StatusBadRequest:
			if ans.Error == "" || len(ans.Errors) == 0 {
				t.Fatalf("a refusal without reasons: %q", rec.Body.String())
			}
			if diff := cmp.Diff(before, rulesOf(t, srv)); diff != "" {
				t.Fatalf("refused, but the rules changed:\n%s", diff)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	})
}
