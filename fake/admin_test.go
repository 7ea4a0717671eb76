package fake_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
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

	var journal []fake.Entry
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
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "GET", resp.Header.Get("Allow"))

	assert.Equal(t, http.StatusMethodNotAllowed, get("/__admin/reset", nil), "reset changes state: POST only")
	resp, err = http.Post(srv.URL()+"/__admin/reset", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, srv.Orders())
	assert.Empty(t, srv.Journal())
}
