package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeLifecycle: against `bsskit serve --provisioning-delay`, the old SDK buys, polls
// QueryAvailableInstances until Normal (the admin API moves the lifecycle forward) and reads the
// order with GetOrderDetail.
func TestServeLifecycle(t *testing.T) {
	t.Parallel()
	base, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--seed", "9", "--provisioning-delay", "1h")
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "ak", "secret")
	require.NoError(t, err)
	client.Domain = strings.TrimPrefix(base, "http://")

	buy := bssopenapi.CreateCreateInstanceRequest()
	buy.ProductCode, buy.SubscriptionType = "rtc", "PayAsYouGo"
	buy.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "ServiceType", Value: "universal"}}
	bought, err := client.CreateInstance(buy)
	require.NoError(t, err)

	status := func() string {
		r := bssopenapi.CreateQueryAvailableInstancesRequest()
		r.InstanceIDs = bought.Data.InstanceId
		resp, err := client.QueryAvailableInstances(r)
		require.NoError(t, err)
		require.Len(t, resp.Data.InstanceList, 1)
		return resp.Data.InstanceList[0].Status
	}
	assert.Equal(t, "Creating", status())
	resp, err := http.Post(base+"/__admin/clock/advance", "application/json", strings.NewReader(`{"by": "1h"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "Normal", status())

	d := bssopenapi.CreateGetOrderDetailRequest()
	d.OrderId = bought.Data.OrderId
	order, err := client.GetOrderDetail(d)
	require.NoError(t, err)
	require.Len(t, order.Data.OrderList.Order, 1)
	assert.Equal(t, "Paid", order.Data.OrderList.Order[0].PaymentStatus)
}
