package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/spec"
)

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(9), fake.WithCredentials("ak-admin", "super-secret"))
	call(t, srv, with(valid(), "ClientToken", "t"))

	get := func(path string, v any) int {
		resp, err := http.Get(srv.URL() + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		if v != nil {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
		}
		return resp.StatusCode
	}
	var health map[string]any
	require.Equal(t, 200, get("/__admin/health", &health))
	assert.Equal(t, "ok", health["status"])
	assert.EqualValues(t, 9, health["seed"])
	assert.Equal(t, true, health["verifiesSignatures"])

	var journal []journal.Entry
	require.Equal(t, 200, get("/__admin/requests", &journal))
	require.Len(t, journal, 1)
	assert.Equal(t, srv.Journal()[0].RequestID, journal[0].RequestID)

	var catalog fake.Catalog
	require.Equal(t, 200, get("/__admin/catalog", &catalog))
	assert.Equal(t, fake.DefaultCatalog(), &catalog)

	var orders []fake.Order
	require.Equal(t, 200, get("/__admin/orders", &orders))
	assert.Len(t, orders, len(srv.Orders()))

	var errBody map[string]string
	assert.Equal(t, 404, get("/__admin/nothing", &errBody))
	assert.Contains(t, errBody["error"], "/__admin/nothing")

	resp, err := http.Post(srv.URL()+"/__admin/requests", "", nil)
	require.NoError(t, err)
	var notAllowed map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&notAllowed), "405 in the admin error shape")
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
	assert.Equal(t, map[string]string{"error": "POST is not allowed on /__admin/requests"}, notAllowed)

	assert.Equal(t, http.StatusMethodNotAllowed, get("/__admin/reset", nil), "reset changes state: POST only")
	resp, err = http.Post(srv.URL()+"/__admin/reset", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, srv.Orders())
	assert.Empty(t, srv.Journal())
}

// TestAdminRouting: the admin API's routes are net/http method patterns; a path no route knows is
// 404 and a method the path's routes do not take is 405 with the Allow header ServeMux computes,
// both in the admin error shape.
func TestAdminRouting(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	srv.Faults().Add(faults.FailAlways(spec.CodeServiceUnavailable)) // rule-1, for the DELETE route
	tests := []struct {
		method, path string
		status       int
		allow        string
		errText      string // "" for a success
	}{
		{"GET", "/__admin/health", 200, "", ""},
		{"HEAD", "/__admin/health", 200, "", ""},
		{"HEAD", "/__admin/orders", 200, "", ""},
		{"GET", "/__admin/faults/scenario", 200, "", ""},
		{"POST", "/__admin/health", 405, "GET, HEAD", "POST is not allowed on /__admin/health"},
		{"DELETE", "/__admin/orders", 405, "GET, HEAD", "DELETE is not allowed on /__admin/orders"},
		{"GET", "/__admin/reset", 405, "POST", "GET is not allowed on /__admin/reset"},
		{"PUT", "/__admin/faults", 405, "GET, HEAD, POST", "PUT is not allowed on /__admin/faults"},
		{"GET", "/__admin/faults/reset", 405, "DELETE, POST", "GET is not allowed on /__admin/faults/reset"},
		{"POST", "/__admin/faults/rule-1", 405, "DELETE", "POST is not allowed on /__admin/faults/rule-1"},
		{"GET", "/__admin/nothing", 404, "", "no admin endpoint /__admin/nothing"},
		{"GET", "/__admin/", 200, "", ""},
		{"POST", "/__admin/", 405, "GET, HEAD", "POST is not allowed on /__admin/"},
		{"DELETE", "/__admin/faults/a/b", 404, "", "no admin endpoint /__admin/faults/a/b"},
		{"DELETE", "/__admin/faults/nope", 404, "", "no rule nope"},
		{"GET", "/__admin/./orders", 404, "", "no admin endpoint /__admin/./orders"},
		{"GET", "/__admin//orders", 404, "", "no admin endpoint /__admin//orders"},
		{"POST", "/__admin/faults/../reset", 404, "", "no admin endpoint /__admin/faults/../reset"},
		{"DELETE", "/__admin/faults/rule-1", 200, "", ""},
	}
	for _, tt := range tests { // in order, sharing the server: the last case removes rule-1
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL()+tt.path, nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.allow, resp.Header.Get("Allow"))
			if tt.errText != "" {
				var e map[string]string
				require.NoError(t, json.Unmarshal(body, &e), "%s", body)
				assert.Equal(t, tt.errText, e["error"])
				assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			}
		})
	}
	assert.Empty(t, rulesOf(t, srv), "DELETE removed the rule")
}
