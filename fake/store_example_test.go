package fake_test

import (
	"fmt"
	"os"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/redistest"
)

// Two replicas of one environment sharing a Redis: a retry of a ClientToken that reaches the
// other replica gets the same order, and either replica lists it.
func ExampleWithStore() {
	dir, err := os.MkdirTemp("", "example-redis-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	redis, err := redistest.StartServer(dir, redistest.Options{}) // a redis-server on a free loopback port
	if err != nil {
		panic(err)
	}
	defer redis.Stop()

	var orderIDs []string
	var replicas []*fake.Server
	for range 2 {
		srv, err := fake.New(fake.WithStore(redis.URL(0), "staging"))
		if err != nil {
			panic(err)
		}
		if err := srv.Start(); err != nil {
			panic(err)
		}
		defer srv.Close()
		replicas = append(replicas, srv)

		client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "my-access-key", "my-secret")
		if err != nil {
			panic(err)
		}
		client.Domain = srv.Endpoint()
		req := bssopenapi.CreateCreateInstanceRequest()
		req.ProductCode = "rtc"
		req.SubscriptionType = "PayAsYouGo"
		req.ClientToken = "deploy-7" // the same token on both replicas: a retry
		req.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "ServiceType", Value: "universal"}}
		resp, err := client.CreateInstance(req)
		if err != nil {
			panic(err)
		}
		orderIDs = append(orderIDs, resp.Data.OrderId)
	}
	fmt.Println(orderIDs[0] == orderIDs[1])
	fmt.Println(len(replicas[0].Orders()), len(replicas[1].Orders()))
	fmt.Println(replicas[1].Journal()[1].Replayed)
	// Output:
	// true
	// 1 1
	// true
}
