package redis_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/internal/store/redis"
	"github.com/bsskit/bsskit/fake/internal/store/storetest"
	"github.com/bsskit/bsskit/internal/redistest"
)

// TestRedisConformance runs the suite with three clients (replicas) of one environment, on a real
// redis-server when one is on PATH, else on the in-process Redis (redistest).
func TestRedisConformance(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	t.Logf("Redis: %s", r.Kind())
	var envs atomic.Int64
	storetest.Run(t, func(t *testing.T, n int) []store.Backend {
		env := "conformance-" + strconv.FormatInt(envs.Add(1), 10)
		out := make([]store.Backend, n)
		for i := range out {
			s, err := redis.OpenTimeout(r.URL(0), env, 100, 10*time.Second) // -race on a loaded machine
			require.NoError(t, err)
			out[i] = s
		}
		return out
	})
}
