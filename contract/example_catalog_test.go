package contract_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// Against staging the suite cannot ask for the catalogue: give it the one staging sells, in the
// format of bsskit serve --catalog, so that it expects ORDER.OPEND of a service that opens once
// and COMMODITY.INVALID_COMPONENT of a product that validates on the commodity channel. (Here a
// fake stands in for staging.)
func ExampleWithCatalog() {
	const file = `
products:
  - code: vipcloudfw
    subscriptionTypes: [PayAsYouGo]
    commodityChannel: true
    opensOnce: true
    modules:
      - code: CfwAccountNum
        values: ["0", "1", "2"]
  - code: rtc
    subscriptionTypes: [PayAsYouGo]
`
	cat, err := contract.ParseCatalog([]byte(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, _ := fake.ParseCatalog([]byte(file))
	f, _ := fake.New(fake.WithCatalog(fc))
	ts := httptest.NewServer(f.Handler())
	defer ts.Close()

	rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL}, contract.WithCatalog(cat),
		contract.WithGenerated(0), contract.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cat.Products())
	for _, name := range []string{"business/opens-once/vipcloudfw", "business/commodity-invalid-component"} {
		c, _ := rep.Case(name)
		fmt.Println(name, c.Status, c.Exchanges[len(c.Exchanges)-1].Code)
	}
	// Output:
	// [vipcloudfw rtc]
	// business/opens-once/vipcloudfw pass Success
	// business/commodity-invalid-component pass COMMODITY.INVALID_COMPONENT
}
