package fake_test

import (
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/fake"
)

// Buy, then wait until Normal: the purchase as callers live it, with the old SDK's typed calls. The
// instance is Creating until the provisioning delay has passed on the fake's clock; a ManualClock
// makes the wait instant and exact.
func Example_buyThenWaitUntilNormal() {
	clock := fake.NewManualClock(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	srv, err := fake.New(fake.WithSeed(1), fake.WithClock(clock), fake.WithProvisioningDelay(30*time.Second))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "my-access-key", "my-secret")
	if err != nil {
		panic(err)
	}
	client.Domain = srv.Endpoint()

	buy := bssopenapi.CreateCreateInstanceRequest()
	buy.ProductCode = "sas"
	buy.ProductType = "sas"
	buy.SubscriptionType = "Subscription"
	buy.Period = "12"
	buy.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "Version", Value: "level2"}}
	bought, err := client.CreateInstance(buy)
	if err != nil {
		panic(err)
	}

	poll := bssopenapi.CreateQueryAvailableInstancesRequest()
	poll.ProductCode = "sas"
	poll.InstanceIDs = bought.Data.InstanceId
	for {
		resp, err := client.QueryAvailableInstances(poll)
		if err != nil {
			panic(err)
		}
		in := resp.Data.InstanceList[0]
		fmt.Println(clock.Now().Format(time.TimeOnly), in.Status, in.EndTime)
		if in.Status == "Normal" {
			break
		}
		clock.Advance(20 * time.Second) // instead of sleeping between polls
	}

	detail := bssopenapi.CreateGetOrderDetailRequest()
	detail.OrderId = bought.Data.OrderId
	order, err := client.GetOrderDetail(detail)
	if err != nil {
		panic(err)
	}
	o := order.Data.OrderList.Order[0]
	fmt.Println(o.OrderId == bought.Data.OrderId, o.OrderType, o.PaymentStatus, o.InstanceIDs == bought.Data.InstanceId)
	// Output:
	// 08:00:00 Creating 2027-11-30T08:00:00Z
	// 08:00:20 Creating 2027-11-30T08:00:00Z
	// 08:00:40 Normal 2027-11-30T08:00:00Z
	// true New Paid true
}
