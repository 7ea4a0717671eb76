package verdict_test

import (
	"fmt"
	"net/http"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/bsskit/bsskit/spec"
)

// ExampleJudge judges a journal: a caller that lost an answer to a reset and ordered again
// without a ClientToken bought twice.
func ExampleJudge() {
	entries := []journal.Entry{
		{Seq: 1, Action: "CreateInstance", Places: "purchase", Query: "Action=CreateInstance&ProductCode=rtc", Fault: "reset", Aborted: true, OrderID: "211"},
		{Seq: 2, Action: "CreateInstance", Places: "purchase", Query: "Action=CreateInstance&ProductCode=rtc", Status: 200, Code: "Success", OrderID: "212"},
	}
	for _, f := range verdict.Judge(entries, verdict.Thresholds{}) {
		fmt.Println(f)
	}
	// Output:
	// duplicate-order (error) requests 1,2: after fault reset, whose outcome it could not know, the caller ordered again with no ClientToken: order 212 is a second order
}

// ExampleJudge_server judges a fake's journal: a caller repeats an order the catalogue says no retry can change.
func ExampleJudge_server() {
	srv, err := fake.New()
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.Faults().Add(faults.FailAlways(spec.CodeInvalidParameter))
	for range 2 {
		resp, err := http.Post(srv.URL()+"/?Action=CreateInstance&Version=2017-12-14&ProductCode=rtc", "", nil)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	for _, f := range verdict.Judge(srv.Journal(), verdict.Thresholds{}) {
		fmt.Println(f.Name, f.Severity, f.Seqs)
	}
	// Output:
	// retried-non-retryable error [1 2]
}
