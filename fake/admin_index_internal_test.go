package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdminRouteTableIsTheIndex walks the route table: GET /__admin/ lists exactly its routes, in
// its order, and the admin mux sends each route's method and path to that route's pattern, so an
// endpoint cannot be routed without being listed, nor listed without being routed.
func TestAdminRouteTableIsTheIndex(t *testing.T) {
	t.Parallel()
	s, err := New()
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/__admin/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var index struct {
		Endpoints []struct{ Method, Path, Doc string } `json:"endpoints"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &index))

	routes := adminRoutes()
	type listed struct{ Method, Path, Doc string }
	var want, got []listed
	for _, rt := range routes {
		want = append(want, listed{rt.Method, rt.Path, rt.Doc})
	}
	for _, e := range index.Endpoints {
		got = append(got, listed(e))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("GET /__admin/ is not the route table (-table +index):\n%s", d)
	}

	mux := s.newAdminMux()
	seen := map[string]bool{}
	for _, rt := range routes {
		assert.NotEmpty(t, rt.Doc, rt.Path)
		assert.False(t, seen[rt.pattern()], "%s is in the table twice", rt.pattern())
		seen[rt.pattern()] = true
		req := httptest.NewRequest(rt.Method, "http://127.0.0.1"+strings.ReplaceAll(rt.Path, "{id}", "x"), nil)
		_, pattern := mux.Handler(req)
		assert.Equal(t, rt.pattern(), pattern, "%s %s is routed to its own handler", rt.Method, rt.Path)
	}
	// The endpoints the hand-kept index once missed are in the table.
	for _, p := range []string{"GET /__admin/verdicts", "GET /__admin/instances", "POST /__admin/clock/advance"} {
		assert.True(t, seen[p], "the table routes %s", p)
	}
}
