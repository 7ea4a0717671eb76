package contract_test

import (
	"context"
	"fmt"
	"regexp"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// Check a fake: against loopback every case runs, orders included, with the fake's own catalogue.
func ExampleCheck() {
	srv, _ := fake.New(fake.WithSeed(1))
	_ = srv.Start()
	defer srv.Close()

	report, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	n := report.Counts()
	fmt.Println("conformant:", report.OK())
	fmt.Println("failed:", n[contract.StatusFail])
	fmt.Println("orders in the ledger match the fake:", len(report.Ledger) == len(srv.Orders()))
	c, _ := report.Case("auth/bad-signature")
	fmt.Println(c.Name, c.Status+":", c.Reason)
	// Output:
	// conformant: true
	// failed: 0
	// orders in the ledger match the fake: true
	// auth/bad-signature not-applicable: the target does not verify signatures (GET /__admin/health says verifiesSignatures=false)
}

// An explicit order budget of zero: even a fake gets no order, and the order cases say why.
func ExampleWithMaxOrders() {
	srv, _ := fake.New(fake.WithSeed(1))
	_ = srv.Start()
	defer srv.Close()

	report, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()},
		contract.WithSeed(1), contract.WithGenerated(0), contract.WithMaxOrders(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := report.Case("order/post-json")
	fmt.Println("conformant:", report.OK())
	fmt.Println("orders placed:", len(srv.Orders()), "ledger:", len(report.Ledger))
	fmt.Println(c.Name, c.Status)
	// Output:
	// conformant: true
	// orders placed: 0 ledger: 0
	// order/post-json not-applicable
}

// Writes other than the lifecycle's refused even to a fake: their cases say why, and nothing of
// them is sent. Against an endpoint that is not loopback this is the default; WithWrites(true)
// (bsskit contract --allow-writes) sends them there too.
func ExampleWithWrites() {
	srv, _ := fake.New(fake.WithSeed(1))
	_ = srv.Start()
	defer srv.Close()

	report, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()},
		contract.WithRun(regexp.MustCompile(`^operation/TagResources/missing/`)), contract.WithWrites(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := report.Case("operation/TagResources/missing/ResourceType")
	fmt.Println("writes allowed:", report.WritesAllowed)
	fmt.Println(c.Name, c.Status)
	// Output:
	// writes allowed: false
	// operation/TagResources/missing/ResourceType not-applicable
}
