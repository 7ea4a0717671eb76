package fake_test

import (
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// panicClock panics when armed: a stand-in for a bug anywhere in the request path.
type panicClock struct{ armed atomic.Bool }

func (c *panicClock) Now() time.Time {
	if c.armed.Load() {
		panic("boom: a bug in the fake")
	}
	return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
}

// TestRecoverPanic: a panic while answering is logged with its stack and answered InternalError
// (HTTP 500) in the real shape, without the stack; the journal stays contiguous and the server keeps
// serving.
func TestRecoverPanic(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			clock := &panicClock{}
			logs := &syncBuf{}
			srv := fake.NewServer(t, fake.WithClock(clock), fake.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
			require.Equal(t, 200, call(t, srv, valid()).Status)

			clock.armed.Store(true)
			a := call(t, srv, with(valid(), "Format", format))
			clock.armed.Store(false)
			assert.Equal(t, 500, a.Status, a.Raw)
			assert.NotEmpty(t, a.RequestIDHd)
			if format == "JSON" {
				assert.Equal(t, "InternalError", a.Body["Code"])
				assert.Equal(t, "business.aliyuncs.com", a.Body["HostId"])
				assert.Equal(t, a.RequestIDHd, a.Body["RequestId"])
			} else {
				assert.Equal(t, "text/xml;charset=utf-8", a.ContentType)
				assert.Contains(t, a.Raw, "<Code>InternalError</Code>")
			}
			assert.NotContains(t, a.Raw, "boom")
			assert.NotContains(t, a.Raw, "goroutine")
			assert.Contains(t, logs.String(), "boom: a bug in the fake")
			assert.Contains(t, logs.String(), "recover.go", "the log has the stack")

			require.Equal(t, 200, call(t, srv, valid()).Status, "the server still serves")
			var seqs []uint64
			for _, e := range srv.Journal() {
				seqs = append(seqs, e.Seq)
			}
			assert.Equal(t, []uint64{1, 2, 3}, seqs)
			assert.Equal(t, "InternalError", srv.Journal()[1].Code)
		})
	}
}

// TestRecoverPanicAdmin: a panic in the admin API is answered {"error": ...} with HTTP 500.
func TestRecoverPanicAdmin(t *testing.T) {
	t.Parallel()
	clock := &panicClock{}
	srv := fake.NewServer(t, fake.WithClock(clock))
	clock.armed.Store(true)
	status, body := adminReq(t, srv, "POST", "/__admin/reset", nil, "") // Reset reads the clock
	clock.armed.Store(false)
	assert.Equal(t, 500, status)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	assert.Contains(t, m["error"], "internal error")
	assert.NotContains(t, body, "boom")
}
