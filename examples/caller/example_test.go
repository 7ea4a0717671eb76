package caller_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bsskit/bsskit/examples/caller"
	"github.com/bsskit/bsskit/fake"
)

// The careful caller buys on a fake whose account belongs to the international site: the domestic
// endpoint answers NotApplicable, the caller moves with its ClientToken, then confirms the order.
func ExamplePolicy_Buy() {
	s, err := fake.New(fake.WithProvisioningDelay(100*time.Millisecond),
		fake.WithAccounts(fake.Account{ID: fake.DefaultAccountID, Site: "international",
			AccessKeys: []fake.AccessKey{{ID: testAK, Secret: testSecret}}}))
	if err != nil {
		panic(err)
	}
	if err := s.Start(); err != nil {
		panic(err)
	}
	defer s.Close()
	err = caller.Careful().Buy(context.Background(), target(s))
	fmt.Println("error:", err)
	last := ""
	for _, e := range s.Journal() { // the polls while Creating print once
		if line := e.Action + " " + e.Code; line != last {
			fmt.Println(line)
			last = line
		}
	}
	for _, o := range s.Orders() {
		fmt.Println("order for", o.ProductType)
	}
	// Output:
	// error: <nil>
	// CreateInstance NotApplicable
	// CreateInstance Success
	// QueryAvailableInstances Success
	// GetOrderDetail Success
	// order for rtc_intl
}
