package sdkcall_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/bsskit/bsskit/internal/sdkcall"
)

// ExampleCall sends the same CreateInstance through every SDK shape.
func ExampleCall() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = io.WriteString(w, `{"RequestId":"REQ-1","Success":true,"Code":"Success","Message":"Successful!",`+
			`"Data":{"OrderId":"214567890120123","InstanceId":"i-bp1abc"}}`)
	}))
	defer srv.Close()

	cred := sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret"}
	req := sdkcall.Request{ProductCode: "rds", SubscriptionType: "PayAsYouGo", ReadTimeout: 5 * time.Second}
	for _, c := range sdkcall.Clients() {
		out := sdkcall.Call(context.Background(), c, srv.Listener.Addr().String(), cred, req)
		fmt.Println(c, out.OK, out.Success, out.OrderID, out.InstanceID)
	}
	// Output:
	// acs true true 214567890120123 i-bp1abc
	// doa-v3 true true 214567890120123 i-bp1abc
	// doa-v1 true true 214567890120123 i-bp1abc
}

// ExampleCall_serverError shows how each SDK reports a gateway error.
func ExampleCall_serverError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"RequestId":"REQ-503","HostId":"business.aliyuncs.com","Code":"ServiceUnavailable",`+
			`"Message":"The request has failed due to a temporary failure of the server."}`)
	}))
	defer srv.Close()

	cred := sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret"}
	req := sdkcall.Request{ProductCode: "rds", ReadTimeout: 5 * time.Second}
	for _, c := range sdkcall.Clients() {
		out := sdkcall.Call(context.Background(), c, srv.Listener.Addr().String(), cred, req)
		fmt.Println(c, out.ErrKind, out.ErrStatus, out.ErrCode, out.RequestID)
	}
	// Output:
	// acs ServerError 503 ServiceUnavailable REQ-503
	// doa-v3 SDKError 503 ServiceUnavailable REQ-503
	// doa-v1 SDKError 503 ServiceUnavailable REQ-503
}
