package verdict_test

import (
	"fmt"
	"net/http"
	"time"

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

// ExampleJudge_siteMove: the same request with the same ClientToken, sent to the international site
// after the domestic one answered NotApplicable, is a move (the journal records each request's
// site); sent to the domestic site again, it is a repeat no retry can change.
func ExampleJudge_siteMove() {
	const q = "Action=CreateInstance&ProductCode=rtc&ClientToken=t1"
	notApplicable := journal.Entry{Seq: 1, Action: "CreateInstance", Places: "purchase", Query: q,
		Site: spec.SiteDomestic, Status: 400, Code: "NotApplicable"}
	for _, site := range []string{spec.SiteInternational, spec.SiteDomestic} {
		again := journal.Entry{Seq: 2, Action: "CreateInstance", Places: "purchase", Query: q,
			Site: site, Status: 200, Code: "Success", OrderID: "213"}
		fmt.Println(site+":", verdict.Judge([]journal.Entry{notApplicable, again}, verdict.Thresholds{}))
	}
	// Output:
	// international: []
	// domestic: [retried-non-retryable (error) requests 1,2: repeated the request after NotApplicable (HTTP 400), which no retry can change]
}

// ExampleDefaultHangBound: a caller that keeps the old Go SDK's default read timeout (10 s) holds a
// hung request a little longer than 10 s; the default bound is above it.
func ExampleDefaultHangBound() {
	held := journal.Entry{Seq: 1, Action: "CreateInstance", Places: "purchase", Query: "Action=CreateInstance&ProductCode=rtc&ClientToken=t1",
		Fault: "hang", Aborted: true, Held: 10004 * time.Millisecond, Note: "the client gave up after 10.004s", OrderID: "214"}
	fmt.Println(verdict.DefaultHangBound, verdict.Judge([]journal.Entry{held}, verdict.Thresholds{}))
	fmt.Println(verdict.Judge([]journal.Entry{held}, verdict.Thresholds{HangBound: 10 * time.Second}))
	// Output:
	// 15s []
	// [no-timeout (error) requests 1: the caller held a hung request for 10.004s (bound 10s): it needs a timeout]
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
