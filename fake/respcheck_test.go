package fake

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// reportingTB records the Errorf calls NewServer's response check makes, and is the real test
// for everything else.
type reportingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *reportingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// answerWith runs the end of an exchange (journal, response check) on an answer the fake's own
// code would never produce.
func answerWith(s *Server, status int, body string) {
	w := httptest.NewRecorder()
	w.Header().Set("Content-Type", spec.FormatJSON.ContentType())
	w.Header().Set("X-Acs-Request-Id", "6000EE23")
	ex := &exchange{s: s, w: w, r: httptest.NewRequest(http.MethodPost, "/", nil), status: status, body: []byte(body), written: true}
	ex.entry.RequestID = "6000EE23"
	ex.finish()
}

const (
	conforming = `{"RequestId":"6000EE23","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"1","InstanceId":"i"}}`
	offSpec    = `{"RequestId":"6000EE23","Code":"Success","Message":"Successful!"}` // no Success
)

// TestResponseCheckReports checks which response check runs and where its failures go: the
// compiled check by default (NewServer: t.Errorf), kin-openapi with WithSpecCheck(report), none
// with WithSpecCheck(nil).
func TestResponseCheckReports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		check      string // "default", "kin-openapi", "none"
		body       string
		wantTB     string // substring of the one t.Errorf report; "" for none
		wantReport string // substring of the one WithSpecCheck report; "" for none
	}{
		{name: "default, conforming answer", check: "default", body: conforming},
		{name: "default, off-spec answer", check: "default", body: offSpec, wantTB: "property Success is missing"},
		{name: "kin-openapi, conforming answer", check: "kin-openapi", body: conforming},
		{name: "kin-openapi, off-spec answer", check: "kin-openapi", body: offSpec, wantReport: `property "Success" is missing`},
		{name: "none, off-spec answer", check: "none", body: offSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := &reportingTB{TB: t}
			var reports []string
			var opts []Option
			switch tt.check {
			case "kin-openapi":
				opts = append(opts, WithSpecCheck(func(err error) { reports = append(reports, err.Error()) }))
			case "none":
				opts = append(opts, WithSpecCheck(nil))
			}
			answerWith(NewServer(tb, opts...), 200, tt.body)
			assertOne(t, "t.Errorf", tb.errs, tt.wantTB)
			assertOne(t, "WithSpecCheck's report", reports, tt.wantReport)
		})
	}
}

func assertOne(t *testing.T, what string, got []string, want string) {
	t.Helper()
	if want == "" {
		assert.Empty(t, got, what)
		return
	}
	if assert.Len(t, got, 1, what) {
		assert.Contains(t, got[0], want, what)
	}
}

// TestResponseCheckLogs: without NewServer (fake.New, bsskit serve) a failed compiled check is
// logged at error level, with the request's ID.
func TestResponseCheckLogs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s, err := New(WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))))
	require.NoError(t, err)
	answerWith(s, 200, conforming)
	assert.Empty(t, buf.String())
	answerWith(s, 200, offSpec)
	assert.Contains(t, buf.String(), "level=ERROR")
	assert.Contains(t, buf.String(), `msg="response does not conform to the spec" requestId=6000EE23`)
	assert.Contains(t, buf.String(), "property Success is missing")
}
