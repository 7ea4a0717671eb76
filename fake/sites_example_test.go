package fake_test

import (
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// An international account buys as the Terraform provider does: the domestic site answers
// NotApplicable, so the caller switches to the international endpoint and ProductType and retries
// with the same ClientToken. Both sites share one state.
func ExampleServer_InternationalEndpoint() {
	srv, err := fake.New(fake.WithSeed(1), fake.WithAccounts(fake.Account{
		ID: "1000000000000002", Site: spec.SiteInternational, AccessKeys: []fake.AccessKey{{ID: "intl-key"}},
	}), fake.WithCatalog(&fake.Catalog{Products: []fake.Product{{
		Code: "vipcloudfw", ProductTypes: []string{"cfw_elasticity_public_cn", "cfw_elasticity_public_intl"},
	}}}))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	buy := func(endpoint, productType string) (*bssopenapi.CreateInstanceResponse, error) {
		client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "intl-key", "any-secret")
		if err != nil {
			return nil, err
		}
		client.Domain = endpoint
		req := bssopenapi.CreateCreateInstanceRequest()
		req.ProductCode, req.ProductType, req.SubscriptionType = "vipcloudfw", productType, "PayAsYouGo"
		req.ClientToken = "TF-CreateInstance-1764460800-5d0f"
		return client.CreateInstance(req)
	}
	_, err = buy(srv.Endpoint(), "cfw_elasticity_public_cn")
	fmt.Println(strings.Contains(err.Error(), "ErrorCode: NotApplicable"))
	resp, err := buy(srv.InternationalEndpoint(), "cfw_elasticity_public_intl")
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Success, len(srv.Orders()))
	// Output:
	// true
	// true 1
}

// Errors the fake's own state produces come on the body channel, as the real commodity and
// payment systems answer: HTTP 200, which the SDK does not raise, with Success false, the code and
// a non-empty Message.
func ExamplePayment() {
	balance := 100.0
	srv, err := fake.New(fake.WithSeed(1),
		fake.WithAccounts(fake.Account{ID: "1000000000000001", AccessKeys: []fake.AccessKey{{ID: "key"}},
			Payment: &fake.Payment{Balance: &balance}}),
		fake.WithCatalog(&fake.Catalog{Products: []fake.Product{{Code: "sas", MonthlyPrice: 30}}}))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "key", "any-secret")
	if err != nil {
		panic(err)
	}
	client.Domain = srv.Endpoint()
	for _, months := range []int{3, 3} { // 90, then 90 more than the 10 left
		req := bssopenapi.CreateCreateInstanceRequest()
		req.ProductCode, req.SubscriptionType = "sas", "Subscription"
		req.Period = requests.NewInteger(months)
		resp, err := client.CreateInstance(req)
		if err != nil {
			panic(err)
		}
		fmt.Println(resp.GetHttpStatus(), resp.Success, resp.Code)
	}
	fmt.Println(len(srv.Orders()))
	// Output:
	// 200 true Success
	// 200 false PAY.INSUFFICIENT_BALANCE
	// 1
}

// A rule can answer a code nobody has catalogued yet, on the channel you choose.
func ExampleOutcome_channel() {
	srv, err := fake.New(fake.WithSeed(1))
	if err != nil {
		panic(err)
	}
	if _, err := srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{
		Error: "ORDER.NOT_YET_LISTED", Channel: spec.ChannelBody, Message: "not yet listed",
	}}); err != nil {
		panic(err)
	}
	_, err = srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: "ORDER.NOT_YET_LISTED"}})
	fmt.Println(err != nil)
	// Output:
	// true
}
