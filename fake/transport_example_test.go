package fake_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// A client without a timeout meets a hang: the fake breaks the answer off after the hang limit and
// its journal says that the client has no timeout.
func ExampleWithHangLimit() {
	srv, err := fake.New(
		fake.WithHangLimit(20*time.Millisecond),
		fake.WithRules(faults.Rule{ID: "stuck", Outcome: &faults.Outcome{Fault: faults.FaultHang}}),
	)
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	client := &http.Client{} // no Timeout: the bug the hang finds
	resp, err := client.Post(srv.URL()+"/?Action=CreateInstance&Version=2017-12-14&Format=JSON", "", nil)
	if err == nil {
		resp.Body.Close()
	}
	fmt.Println("client error:", err != nil)
	e := srv.Journal()[0]
	fmt.Println("fault:", e.Fault, "aborted:", e.Aborted, "status:", e.Status)
	fmt.Println(strings.HasSuffix(e.Note, "without timing out: it has no timeout"))
	// Output:
	// client error: true
	// fault: hang aborted: true status: 0
	// true
}
