package tfclient_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/internal/tfclient"
	"github.com/bsskit/bsskit/spec"
)

// The Terraform provider's ClientToken, cut to 64 characters.
func ExampleClientToken() {
	t := tfclient.ClientToken("CreateInstance", time.Unix(1764480000, 0), "0f8fad5b-d9cb-469f-a165-70867728950e")
	fmt.Println(t, len(t))
	// Output: TF-CreateInstance-1764480000-0f8fad5b-d9cb-469f-a165-70867728950 64
}

// Buying from a fake as the Terraform provider does.
func ExampleClient_RPCPost() {
	srv, err := fake.New(fake.WithCredentials("LTAIexampleKey", "example-secret"))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()
	c := &tfclient.Client{Endpoint: srv.Endpoint(), Credentials: signing.Credentials{AccessKeyID: "LTAIexampleKey", AccessKeySecret: "example-secret"}}
	body, err := c.RPCPost(context.Background(), "CreateInstance", spec.Version, nil, map[string]any{
		"ProductCode": "rtc", "ProductType": "", "SubscriptionType": "PayAsYouGo",
		"Parameter":   []map[string]any{{"Code": "ServiceType", "Value": "universal"}},
		"ClientToken": tfclient.ClientToken("CreateInstance", time.Unix(1764480000, 0), "0f8fad5b-d9cb-469f-a165-70867728950e"),
	})
	fmt.Println(body["Code"], err, len(srv.Orders()))
	// Output: Success <nil> 1
}
