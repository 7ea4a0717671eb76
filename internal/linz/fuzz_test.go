package linz

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzClassify: whatever a replica answers, classify returns one of the results (never panics),
// a 5xx is never taken for a success, and a success of CreateInstance carries the body's IDs.
func FuzzClassify(f *testing.F) {
	f.Add(200, uint8(Create), `{"Success":true,"Code":"Success","Data":{"OrderId":"1","InstanceId":"i-1"}}`)
	f.Add(200, uint8(Create), `{"Success":false,"Code":"ORDER.OPEND","Message":"opened: i-1"}`)
	f.Add(200, uint8(Query), `{"Success":true,"Data":{"InstanceList":[{"InstanceID":"b"},{"InstanceID":"a"}]}}`)
	f.Add(200, uint8(Probe), `{"Success":true,"Data":{"InstanceList":[{"InstanceID":"a","Status":"Normal"}]}}`)
	f.Add(400, uint8(GetOrder), `{"Code":"InvalidParameter","Message":"The specified parameter OrderId is not valid."}`)
	f.Add(503, uint8(Create), `{"Code":"ServiceUnavailable"}`)
	f.Add(200, uint8(Create), `not json`)
	f.Fuzz(func(t *testing.T, status int, kind uint8, body string) {
		if status < 100 || status > 999 {
			return
		}
		k := Kind(kind%uint8(Probe) + 1)
		resp := &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body))}
		out := classify(resp, nil, k)
		if out.Result < OK || out.Result > Unknown {
			t.Fatalf("result %v", out.Result)
		}
		if status >= 500 && out.Result != Unknown {
			t.Fatalf("a %d answer classified %v", status, out.Result)
		}
		if out.Result == OK && status != http.StatusOK {
			t.Fatalf("a %d answer classified ok", status)
		}
	})
}
