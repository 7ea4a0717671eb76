package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// The spec names every Action of the API; the dispatch table alone decides which the fake serves.
// Every other Action, although the spec (and internal/check) now describe it, answers
// InvalidAction.NotFound, by POST and by GET; every served Action is in the spec.
func TestActionsNotInTheDispatchTableAnswerNotFound(t *testing.T) {
	t.Parallel()
	s, err := New()
	require.NoError(t, err)
	h := s.Handler()
	unserved := 0
	for _, op := range spec.Operations() {
		if _, ok := operationFor(op.Action); ok {
			continue
		}
		unserved++
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			q := url.Values{"Action": {op.Action}, "Version": {spec.Version}, "Format": {"JSON"}}
			r := httptest.NewRequest(method, "http://127.0.0.1/?"+q.Encode(), nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, http.StatusNotFound, w.Code, "%s %s", method, op.Action)
			var body struct{ Code string }
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "%s %s: %s", method, op.Action, w.Body)
			assert.Equal(t, string(spec.CodeInvalidActionNotFound), body.Code, "%s %s", method, op.Action)
		}
	}
	assert.GreaterOrEqual(t, unserved, len(spec.Operations())-len(operations))
	assert.NotZero(t, unserved)
	for action := range operations {
		_, ok := spec.OperationFor(action)
		assert.True(t, ok, "served %s is in the spec", action)
	}
}
