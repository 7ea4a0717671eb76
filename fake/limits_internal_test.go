package fake

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimitsResolved: zero fields take the defaults, set fields win, negative ones stay (off), and
// the http.Server gets every timeout.
func TestLimitsResolved(t *testing.T) {
	t.Parallel()
	srv, err := New()
	require.NoError(t, err)
	assert.Equal(t, DefaultLimits(), srv.limits)

	srv, err = New(WithLimits(Limits{MaxConns: 3, MaxBodyBytes: 99, ReadTimeout: -1, ReadHeaderTimeout: time.Second, WriteTimeout: 3 * time.Second, IdleTimeout: 4 * time.Second}))
	require.NoError(t, err)
	l := srv.limits
	assert.Equal(t, 3, l.MaxConns)
	assert.Equal(t, int64(99), l.MaxBodyBytes)
	assert.Equal(t, time.Duration(-1), l.ReadTimeout, "negative: off")
	assert.Equal(t, DefaultLimits().MaxParams, l.MaxParams)

	var hs http.Server
	l.applyTimeouts(&hs)
	assert.Equal(t, []time.Duration{time.Second, 0, 3 * time.Second, 4 * time.Second},
		[]time.Duration{hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout})
}
