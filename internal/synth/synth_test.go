package synth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

const requestID = "6000EE23-274B-4E07-A697-FF2E999520A4"

// Every operation's synthesized answer passes kin-openapi's validation of its HTTP 200 answer,
// JSON, and is stable for a seed.
func TestEveryAnswerIsSchemaTrue(t *testing.T) {
	t.Parallel()
	v, err := spec.SharedValidator()
	require.NoError(t, err)
	ops := spec.Operations()
	require.Len(t, ops, 100)
	for _, op := range ops {
		t.Run(op.Action, func(t *testing.T) {
			t.Parallel()
			body, err := synth.Answer(op.Action, 42, requestID)
			require.NoError(t, err)
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, "/?"+url.Values{"Action": {op.Action}, "Version": {spec.Version}}.Encode(), nil)
			h := http.Header{"Content-Type": {"application/json;charset=utf-8"}, "X-Acs-Request-Id": {requestID}}
			require.NoError(t, v.ValidateResponse(context.Background(), req, http.StatusOK, h, raw), "%s", raw)
			assert.Equal(t, requestID, body["RequestId"])
			again, err := synth.Answer(op.Action, 42, requestID)
			require.NoError(t, err)
			assert.Equal(t, body, again, "stable for a seed")
			assertListsNonEmpty(t, body, op.Action)
		})
	}
}

func assertListsNonEmpty(t *testing.T, v any, path string) {
	t.Helper()
	switch c := v.(type) {
	case map[string]any:
		for k, e := range c {
			assertListsNonEmpty(t, e, path+"."+k)
		}
	case []any:
		assert.NotEmpty(t, c, path)
		for _, e := range c {
			assertListsNonEmpty(t, e, path+"[]")
		}
	}
}

// Another seed gives another answer (of the same shape); the served operations' constraints hold
// (CreateInstance's OrderId is digits, the times are UTC).
func TestSeedsAndConstraints(t *testing.T) {
	t.Parallel()
	a, err := synth.Answer("QueryAccountBalance", 1, requestID)
	require.NoError(t, err)
	b, err := synth.Answer("QueryAccountBalance", 2, requestID)
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	ci, err := synth.Answer(spec.ActionCreateInstance, 7, requestID)
	require.NoError(t, err)
	data := ci["Data"].(map[string]any)
	assert.Regexp(t, `^[0-9]{1,20}$`, data["OrderId"])
	assert.Equal(t, true, ci["Success"])
	assert.Equal(t, "Success", ci["Code"])
	_, err = synth.Answer("NoSuchAction", 1, requestID)
	assert.Error(t, err)
}

// The validation above is not vacuous: a synthesized answer with one field of the wrong type fails it.
func TestValidationCatchesAWrongType(t *testing.T) {
	t.Parallel()
	v, err := spec.SharedValidator()
	require.NoError(t, err)
	body, err := synth.Answer("QueryAvailableInstances", 3, requestID)
	require.NoError(t, err)
	body["Data"].(map[string]any)["PageNum"] = "one"
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/?Action=QueryAvailableInstances&Version="+spec.Version, nil)
	h := http.Header{"Content-Type": {"application/json;charset=utf-8"}, "X-Acs-Request-Id": {requestID}}
	assert.Error(t, v.ValidateResponse(context.Background(), req, http.StatusOK, h, raw))
}
