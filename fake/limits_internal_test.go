package fake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimitsResolved: zero fields take the defaults, set fields win, negative ones stay (off).
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
	// What the http.Server does with them is asserted on the wire by TestTimeouts.
}
