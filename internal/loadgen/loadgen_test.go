package loadgen_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/loadgen"
	"github.com/bsskit/bsskit/internal/signing"
)

func TestV1RequestMatchesSigning(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	r := &loadgen.V1Request{
		Host: "127.0.0.1:1", AccessKeyID: "ak", Secret: "s3cr*t",
		Params:      map[string]string{"Action": "CreateInstance", "Version": "2017-12-14", "Parameter.1.Code": "Service Type"},
		Tokens:      4,
		Now:         func() time.Time { return now },
		NoncePrefix: "run",
	}
	f := r.Factory(2)
	for seq := range uint64(6) {
		raw := f(nil, 1, seq)
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		require.NoError(t, err)
		q := req.URL.Query()
		got := q.Get("Signature")
		want := url.Values{}
		for k, v := range q {
			want[k] = append([]string(nil), v...)
		}
		signing.SignV1(http.MethodPost, want, signing.Credentials{AccessKeyID: "ak", AccessKeySecret: "s3cr*t"}, now, q.Get("SignatureNonce"))
		assert.Equal(t, want.Get("Signature"), got, "seq %d", seq)
		assert.Equal(t, "run-1-"+string(rune('0'+seq)), q.Get("SignatureNonce"))
		assert.Equal(t, "lg-1-"+string(rune('0'+seq%4)), q.Get("ClientToken"))
		assert.Equal(t, "Service Type", q.Get("Parameter.1.Code"))
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("fail") != "" {
				w.WriteHeader(http.StatusBadRequest)
			}
			if chunked {
				w.(http.Flusher).Flush()
			}
			_, _ = io.WriteString(w, `{"ok":true}`)
		}))
		addr := strings.TrimPrefix(srv.URL, "http://")
		res, err := loadgen.Run(context.Background(), loadgen.Config{
			Addr: addr, Conns: 4, Duration: 5 * time.Second, Requests: 200,
			Request: func(dst []byte, w int, seq uint64) []byte {
				if seq == 3 && w == 0 {
					return append(dst, "GET /?fail=1 HTTP/1.1\r\nHost: x\r\n\r\n"...)
				}
				return append(dst, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"...)
			},
			Check: func(status int, body []byte) error {
				if status != 200 {
					return io.ErrUnexpectedEOF
				}
				if string(body) != `{"ok":true}` {
					t.Errorf("body %q", body)
				}
				return nil
			},
		})
		srv.Close()
		require.NoError(t, err)
		assert.GreaterOrEqual(t, res.OK+res.Failed, uint64(200), "chunked=%v", chunked)
		assert.Equal(t, uint64(1), res.Failed, "chunked=%v", chunked)
		assert.Len(t, res.Latencies, int(res.OK))
		assert.LessOrEqual(t, res.Percentile(0.5), res.Percentile(0.99))
		assert.Greater(t, res.RPS(), 0.0)
	}
}
