package fake_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// TestAdminIndexListsEveryEndpoint: GET /__admin/ lists the admin endpoints, and each one listed is
// routed: the listed method on it is not answered 404 or 405.
func TestAdminIndexListsEveryEndpoint(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	resp, err := http.Get(srv.URL() + "/__admin/")
	require.NoError(t, err)
	var index struct {
		Endpoints []struct {
			Method string `json:"method"`
			Path   string `json:"path"`
			Doc    string `json:"doc"`
		} `json:"endpoints"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&index))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	paths := map[string]bool{}
	for _, e := range index.Endpoints {
		paths[e.Method+" "+e.Path] = true
		assert.NotEmpty(t, e.Doc, e.Path)
	}
	for _, want := range []string{"GET /__admin/health", "GET /__admin/requests", "GET /__admin/orders", "GET /__admin/catalog",
		"POST /__admin/reset", "GET /__admin/faults", "POST /__admin/faults", "DELETE /__admin/faults/{id}",
		"GET /__admin/verdicts", "GET /__admin/instances", "POST /__admin/clock/advance"} {
		assert.True(t, paths[want], "GET /__admin/ lists %s", want)
	}
	for _, e := range index.Endpoints {
		t.Run(e.Method+" "+e.Path, func(t *testing.T) {
			req, err := http.NewRequest(e.Method, srv.URL()+strings.ReplaceAll(e.Path, "{id}", "x"), nil)
			require.NoError(t, err)
			r, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var body struct {
				Error string `json:"error"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			r.Body.Close()
			assert.NotEqual(t, http.StatusMethodNotAllowed, r.StatusCode)
			assert.NotContains(t, body.Error, "no admin endpoint", "listed but not routed")
		})
	}
}
