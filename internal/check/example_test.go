package check_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/bsskit/bsskit/internal/check"
)

func Example() {
	c, err := check.Shared()
	if err != nil {
		panic(err)
	}
	in, viol := c.Request(url.Values{"ProductCode": {"sas"}, "SubscriptionType": {"Subscription"}, "Period": {"12"},
		"Parameter.1.Code": {"Version"}, "Parameter.1.Value": {"level2"}})
	fmt.Println(in.ProductCode, in.Period, in.Parameters, viol)

	_, viol = c.Request(url.Values{"ProductCode": {"sas"}, "SubscriptionType": {"Subscription"}})
	fmt.Println(viol.Code, viol.Param)

	h := http.Header{"Content-Type": {"application/json;charset=utf-8"}, "X-Acs-Request-Id": {"r"}}
	fmt.Println(c.Response(400, h, []byte(`{"RequestId":"r","HostId":"business.aliyuncs.com","Code":"InvalidParameter","Message":"m","Recommend":"https://api.aliyun.com/troubleshoot"}`)))
	fmt.Println(c.Response(400, h, []byte(`{"RequestId":"r","HostId":"business.aliyuncs.com","Message":"m","Recommend":"https://api.aliyun.com/troubleshoot"}`)))
	// Output:
	// sas 12 [{1 Version level2}] <nil>
	// MissingParameter Period
	// <nil>
	// status 400 (application/json): body: property Code is missing
}
