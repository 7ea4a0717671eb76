package mutants

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/internal/synth"
)

// sampleOperation is the generated operation the mutants of the every-operation cases (issue 21)
// break: a read with a required parameter (BillingCycle) and parameters of several types.
const sampleOperation = "DescribeInstanceBill"

// operationMutants break one generated operation: they answer it themselves (with internal/synth's
// schema-true body), so that they are mutants of a fake that serves it whether or not the fake under
// them does, and pass every other request through.
func operationMutants() []Mutant {
	return []Mutant{
		{
			Name: "operation-missing-parameter-accepted", Expect: contract.CheckExpected,
			Deviation: sampleOperation + " is answered with success whatever its parameters: without its required BillingCycle too, instead of MissingParameter",
			Wrap: answerOperation(func(r *http.Request) bool {
				return r.Method == http.MethodPost || r.Method == http.MethodGet
			}, nil),
		},
		{
			Name: "operation-answer-wrong-type", Expect: contract.CheckSchema,
			Deviation: sampleOperation + "'s answer carries the first string of its Data as a number",
			Wrap: answerOperation(func(r *http.Request) bool {
				return validSample(r)
			}, func(body map[string]any) { RetypeFirstString(body["Data"]) }),
		},
	}
}

// validSample says whether r is the sample operation with exactly its required parameters, as the
// contract's answer case sends it: the signature's, the routing's, Format and BillingCycle.
func validSample(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return false
	}
	q := r.URL.Query()
	if q.Get("BillingCycle") == "" {
		return false
	}
	for k := range q {
		switch k {
		case "Action", "Version", "Format", "BillingCycle", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken":
		default:
			return false
		}
	}
	return true
}

// answerOperation answers the sample operation's requests that match with a JSON success (edited by
// edit, when set), and passes every other request to next.
func answerOperation(match func(*http.Request) bool, edit func(map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isAdmin(r) || !isAction(r, sampleOperation) || !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			id := "mutant-" + nonce()
			body, err := synth.Answer(sampleOperation, 1, id)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			if edit != nil {
				edit(body)
			}
			b, err := json.Marshal(body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json;charset=utf-8")
			w.Header().Set("x-acs-request-id", id)
			_, _ = w.Write(b)
		})
	}
}

// RetypeFirstString turns the first string leaf of v (maps in key order) into a number; false when v
// has none. Tests use it to make a schema-true answer wrong in one place.
func RetypeFirstString(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if _, ok := v[k].(string); ok {
				v[k] = 12345
				return true
			}
			if RetypeFirstString(v[k]) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if RetypeFirstString(e) {
				return true
			}
		}
	}
	return false
}
