package fake_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/sdkcall"
)

// lifecycleServer is a fake that verifies signatures, on a ManualClock at the wall clock's time
// (the SDKs sign with the wall clock), with instances Creating for 30 seconds.
func lifecycleServer(t *testing.T) (*fake.Server, *fake.ManualClock) {
	clock := fake.NewManualClock(time.Now())
	srv := fake.NewServer(t, fake.WithCredentials("testAKID", "testSecret"), fake.WithClock(clock),
		fake.WithProvisioningDelay(30*time.Second))
	return srv, clock
}

// TestOldSDKReadsTheLifecycle: the old SDK's typed CreateInstance, QueryAvailableInstances and
// GetOrderDetail, signed and unmodified, in JSON and XML: buy, poll until Normal by advancing the
// clock, read the order; and the errors of both reads as the SDK's ServerError.
func TestOldSDKReadsTheLifecycle(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv, clock := lifecycleServer(t)
			client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "testAKID", "testSecret")
			require.NoError(t, err)
			client.Domain = srv.Endpoint()

			buy := bssopenapi.CreateCreateInstanceRequest()
			buy.ProductCode, buy.SubscriptionType = "rtc", "PayAsYouGo"
			buy.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "ServiceType", Value: "universal"}}
			buy.AcceptFormat = format
			bought, err := client.CreateInstance(buy)
			require.NoError(t, err)

			poll := bssopenapi.CreateQueryAvailableInstancesRequest()
			poll.ProductCode, poll.InstanceIDs, poll.AcceptFormat = "rtc", bought.Data.InstanceId, format
			var seen []string
			for range 5 {
				resp, err := client.QueryAvailableInstances(poll)
				require.NoError(t, err)
				require.Len(t, resp.Data.InstanceList, 1)
				in := resp.Data.InstanceList[0]
				assert.Equal(t, bought.Data.InstanceId, in.InstanceID)
				assert.Equal(t, "PayAsYouGo", in.SubscriptionType)
				assert.Equal(t, "M", in.RenewalDurationUnit)
				assert.Equal(t, int64(1000000000000001), in.OwnerId)
				assert.Equal(t, 1, resp.Data.TotalCount)
				seen = append(seen, in.Status)
				if in.Status == "Normal" {
					break
				}
				clock.Advance(20 * time.Second)
			}
			assert.Equal(t, []string{"Creating", "Creating", "Normal"}, seen)

			detail := bssopenapi.CreateGetOrderDetailRequest()
			detail.OrderId, detail.AcceptFormat = bought.Data.OrderId, format
			order, err := client.GetOrderDetail(detail)
			require.NoError(t, err)
			require.Len(t, order.Data.OrderList.Order, 1)
			o := order.Data.OrderList.Order[0]
			assert.Equal(t, bought.Data.OrderId, o.OrderId)
			assert.Equal(t, "Paid", o.PaymentStatus)
			assert.Equal(t, "New", o.OrderType)
			assert.Equal(t, bought.Data.InstanceId, o.InstanceIDs)

			for _, c := range []struct {
				name string
				call func() error
				code string
			}{
				{"unknown order", func() error {
					r := bssopenapi.CreateGetOrderDetailRequest()
					r.OrderId, r.AcceptFormat = "299999999999999", format
					_, err := client.GetOrderDetail(r)
					return err
				}, "InvalidParameter"},
				{"missing order", func() error {
					r := bssopenapi.CreateGetOrderDetailRequest()
					r.AcceptFormat = format
					_, err := client.GetOrderDetail(r)
					return err
				}, "MissingParameter"},
				{"page size 0", func() error {
					r := bssopenapi.CreateQueryAvailableInstancesRequest()
					r.PageSize, r.AcceptFormat = requests.NewInteger(0), format
					_, err := client.QueryAvailableInstances(r)
					return err
				}, "InvalidParameter"},
				{"foreign owner", func() error {
					r := bssopenapi.CreateQueryAvailableInstancesRequest()
					r.OwnerId, r.AcceptFormat = requests.NewInteger64(2000000000000009), format
					_, err := client.QueryAvailableInstances(r)
					return err
				}, "InvalidOwner"},
			} {
				err := c.call()
				var se *sdkerrors.ServerError
				require.True(t, errors.As(err, &se), "%s: %v", c.name, err)
				assert.Equal(t, 400, se.HttpStatus(), c.name)
				if format == "XML" {
					// The old SDK does not parse XML error bodies (reference §3): an empty code and
					// the raw <Error> document as message, as against the real service.
					assert.Empty(t, se.ErrorCode(), c.name)
					assert.Contains(t, se.Message(), "<Code>"+c.code+"</Code>", c.name)
					continue
				}
				assert.Equal(t, c.code, se.ErrorCode(), c.name)
				assert.NotEmpty(t, se.RequestId(), c.name)
			}
		})
	}
}

// TestDarabonbaCallApiReads: darabonba-openapi CallApi, V3 and V1 signatures, reads both operations
// and gets their errors as SDKError.
func TestDarabonbaCallApiReads(t *testing.T) {
	t.Parallel()
	for _, v := range []struct{ name, algo string }{{"V3", ""}, {"V1", "v2"}} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			srv, clock := lifecycleServer(t)
			bought := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), testCreds, rtcRequest())
			require.True(t, bought.OK, "%+v", bought)
			orderID, instID := bought.OrderID, bought.InstanceID
			cfg := &openapi.Config{
				Endpoint: tea.String(srv.Endpoint()), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou"),
				NoProxy: tea.String(srv.Endpoint()), AccessKeyId: tea.String("testAKID"), AccessKeySecret: tea.String("testSecret"),
			}
			if v.algo != "" {
				cfg.SignatureAlgorithm = tea.String(v.algo)
			}
			client, err := openapi.NewClient(cfg)
			require.NoError(t, err)
			callAPI := func(action string, q map[string]any) (map[string]any, error) {
				params := &openapi.Params{
					Action: tea.String(action), Version: tea.String("2017-12-14"), Protocol: tea.String("HTTP"),
					Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
					ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
				}
				res, err := client.CallApi(params, &openapi.OpenApiRequest{Query: openapiutil.Query(q)}, &dara.RuntimeOptions{})
				if err != nil {
					return nil, err
				}
				return res["body"].(map[string]any), nil
			}
			statusOf := func() string {
				body, err := callAPI("QueryAvailableInstances", map[string]any{"InstanceIDs": instID, "PageSize": 10})
				require.NoError(t, err)
				data := body["Data"].(map[string]any)
				list := data["InstanceList"].([]any)
				require.Len(t, list, 1)
				in := list[0].(map[string]any)
				assert.Equal(t, instID, in["InstanceID"])
				assert.Equal(t, "10", fmt.Sprint(data["PageSize"]))
				return in["Status"].(string)
			}
			assert.Equal(t, "Creating", statusOf())
			clock.Advance(30 * time.Second)
			assert.Equal(t, "Normal", statusOf())

			body, err := callAPI("GetOrderDetail", map[string]any{"OrderId": orderID})
			require.NoError(t, err)
			o := body["Data"].(map[string]any)["OrderList"].(map[string]any)["Order"].([]any)[0].(map[string]any)
			assert.Equal(t, orderID, o["OrderId"])
			assert.Equal(t, "Paid", o["PaymentStatus"])

			for _, c := range []struct {
				action string
				q      map[string]any
				code   string
			}{
				{"GetOrderDetail", map[string]any{"OrderId": "299999999999999"}, "InvalidParameter"},
				{"GetOrderDetail", map[string]any{}, "MissingParameter"},
				{"QueryAvailableInstances", map[string]any{"CreateTimeStart": "now"}, "InvalidParameter"},
			} {
				_, err := callAPI(c.action, c.q)
				var te *tea.SDKError
				var de *dara.SDKError
				switch {
				case errors.As(err, &te):
					assert.Equal(t, c.code, tea.StringValue(te.Code), "%s %v", c.action, c.q)
					assert.Equal(t, 400, tea.IntValue(te.StatusCode))
				case errors.As(err, &de):
					assert.Equal(t, c.code, dara.StringValue(de.Code), "%s %v", c.action, c.q)
					assert.Equal(t, 400, dara.IntValue(de.StatusCode))
				default:
					t.Errorf("%s %v: want an SDKError, got %v", c.action, c.q, err)
				}
			}
		})
	}
}
