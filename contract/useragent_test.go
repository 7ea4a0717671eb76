package contract_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// TestRequestsIdentifyThemselves: every request of a run, to the API and to the admin API, carries
// the suite's User-Agent, so that a judge of callers can leave the run out.
func TestRequestsIdentifyThemselves(t *testing.T) {
	t.Parallel()
	f, err := fake.New(fake.WithSeed(4))
	require.NoError(t, err)
	var mu sync.Mutex
	agents := map[string]int{}
	paths := map[string]bool{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.UserAgent()]++
		paths[r.URL.Path] = true
		mu.Unlock()
		f.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL}, contract.WithSeed(4), contract.WithGenerated(2))
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.Findings())
	assert.True(t, paths["/__admin/catalog"] && paths["/__admin/clock/advance"], "the admin API was called: %v", paths)
	require.Len(t, agents, 1, "one User-Agent for every request: %v", agents)
	for ua := range agents {
		assert.Equal(t, contract.UserAgent(), ua)
		assert.True(t, strings.HasPrefix(ua, contract.UserAgentProduct+"/"), ua)
	}
}

// The User-Agent of the suite's requests starts with its product token.
func ExampleUserAgent() {
	fmt.Println(strings.HasPrefix(contract.UserAgent(), contract.UserAgentProduct+"/"))
	// Output: true
}
