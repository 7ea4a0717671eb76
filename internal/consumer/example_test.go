package consumer_test

import (
	"fmt"

	"github.com/bsskit/bsskit/internal/consumer"
	"github.com/bsskit/bsskit/internal/tfclient"
)

// How the provider's rules judge answers.
func ExampleJudge() {
	for _, a := range []struct {
		body map[string]any
		err  error
	}{
		{map[string]any{"Code": "Success", "Success": true, "Data": map[string]any{"InstanceId": "rtc-cn-1", "OrderId": "2099"}}, nil},
		{map[string]any{"Code": "PAY.INSUFFICIENT_BALANCE", "Success": false, "Message": "balance"}, nil},
		{map[string]any{"Code": "Has.effect.suit", "Success": false, "Message": "already held: cfw-1"}, nil},
		{nil, &tfclient.Error{StatusCode: 400, Code: "NotApplicable"}},
		{nil, &tfclient.Error{StatusCode: 400, Code: "Throttling.User"}},
	} {
		v := consumer.Judge(a.body, a.err)
		fmt.Printf("%s %q\n", v.Action, v.InstanceID)
	}
	// Output:
	// done "rtc-cn-1"
	// fail ""
	// done "cfw-1"
	// switch-site ""
	// retry ""
}
