package contract_test

import (
	"context"
	"fmt"
	"regexp"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// An order whose answer was lost (the fake cuts the body short after storing the order) is listed
// as an outcome, then resolved by repeating the request with its ClientToken: the ledger names the
// order the fake holds.
func ExampleReport_LedgerCounts() {
	srv, _ := fake.New(fake.WithSeed(1), fake.WithRules(faults.Rule{
		Match:   faults.Match{ProductCode: faults.Exact("rtc")},
		Calls:   faults.Calls{Nth: 1},
		Outcome: &faults.Outcome{Fault: faults.FaultTruncate},
	}))
	_ = srv.Start()
	defer srv.Close()

	report, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()},
		contract.WithSeed(1), contract.WithRun(regexp.MustCompile(`^order/post-json$`)))
	if err != nil {
		fmt.Println(err)
		return
	}
	placed, unknown := report.LedgerCounts()
	fmt.Printf("%d orders placed, %d outcomes unknown\n", placed, unknown)
	l := report.Ledger[0]
	fmt.Println("status:", l.Status)
	fmt.Println("the fake's order:", l.OrderID == srv.Orders()[0].OrderID)
	fmt.Println("orders the fake holds:", len(srv.Orders()))
	// Output:
	// 1 orders placed, 0 outcomes unknown
	// status: placed
	// the fake's order: true
	// orders the fake holds: 1
}

// A fake started with an admin token refuses the suite's admin requests without it; WithAdminToken
// sends it, and the run learns the fake's catalogue.
func ExampleWithAdminToken() {
	srv, _ := fake.New(fake.WithSeed(1), fake.WithAdminToken("s3cret"))
	_ = srv.Start()
	defer srv.Close()
	target := contract.Target{URL: srv.URL()}
	only := contract.WithRun(regexp.MustCompile(`^order/post-json$`))

	without, _ := contract.Check(context.Background(), target, contract.WithSeed(1), only)
	fmt.Println(without.Warnings[0][:55])
	with, _ := contract.Check(context.Background(), target, contract.WithSeed(1), only, contract.WithAdminToken("s3cret"))
	fmt.Println("products:", with.Products, "warnings:", len(with.Warnings))
	// Output:
	// admin API present but refused (401): pass --admin-token
	// products: [rtc sas ddos] warnings: 0
}
