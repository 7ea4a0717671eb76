package verdict_test

import (
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/verdict"
)

// FuzzJudge: Judge never panics on journals of arbitrary requests and polls (the query and body
// come from callers), and every finding names requests of the journal.
func FuzzJudge(f *testing.F) {
	f.Add("Action=CreateInstance&ProductCode=rtc&ClientToken=a", "", 0, "", "reset", "1", uint8(3))
	f.Add("ProductCode=%zz&&=", "a=b;c", 400, "Throttling.User", "", "", uint8(12))
	f.Add("", "ClientToken=x&Parameter.1.Code=y", 503, "ServiceUnavailable", "hang", "2", uint8(5))
	f.Add("Action=CreateInstance", `{"HostId":"business.aliyuncs.com"}`, 400, "NotApplicable", "", "3", uint8(9))
	f.Fuzz(func(t *testing.T, query, body string, status int, code, fault, orderID string, n uint8) {
		var es []journal.Entry
		seqs := map[uint64]bool{}
		for i := range int(n % 16) {
			e := journal.Entry{Seq: uint64(i + 1), Time: time.Unix(int64(i), 0), Action: "CreateInstance", Places: "purchase", Query: query, Body: body,
				Status: status, Code: code, Fault: fault, OrderID: orderID, Held: time.Duration(i) * time.Second}
			if i%2 == 1 {
				e.ClientToken, e.Status, e.Code = "t", 200, "Success"
			}
			if i%3 == 2 { // a poll between orders, whose answer body (and HostId) comes from the fuzzer
				e.Action, e.Places, e.Reads, e.ResponseBody = "QueryAvailableInstances", "", "instances", body
			}
			es = append(es, e)
			seqs[e.Seq] = true
		}
		for _, fd := range verdict.Judge(es, verdict.Thresholds{}) {
			if len(fd.Seqs) == 0 || fd.Name == "" || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			for _, s := range fd.Seqs {
				if !seqs[s] {
					t.Fatalf("finding %s names request %d, not in the journal", fd.Name, s)
				}
			}
		}
	})
}
