package fake_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/fake"
)

// The official SDK, unmodified, against the fake: only its endpoint changes.
func Example_officialSDK() {
	srv, err := fake.New(fake.WithSeed(1))
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
	client.Domain = srv.Endpoint() // 127.0.0.1:PORT; the SDK's scheme defaults to http

	req := bssopenapi.CreateCreateInstanceRequest()
	req.ProductCode = "rtc"
	req.SubscriptionType = "PayAsYouGo"
	req.ClientToken = "order-42"
	req.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "ServiceType", Value: "universal"}}
	resp, err := client.CreateInstance(req)
	if err != nil {
		panic(err)
	}
	order := srv.Orders()[0]
	fmt.Println(resp.Success, resp.Code)
	fmt.Println(resp.Data.OrderId == order.OrderID, order.ProductCode, order.ClientToken)
	fmt.Println(strings.HasPrefix(resp.Data.InstanceId, "rtc-cn-"))

	// A documented error surfaces as the SDK's ServerError.
	bad := bssopenapi.CreateCreateInstanceRequest()
	bad.ProductCode = "ecs"
	bad.SubscriptionType = "PayAsYouGo"
	_, err = client.CreateInstance(bad)
	fmt.Println(strings.Contains(err.Error(), "ErrorCode: NotApplicable"))
	// Output:
	// true Success
	// true rtc order-42
	// true
	// true
}

// Embedding the fake's handler in a server of your own.
func ExampleServer_Handler() {
	srv, err := fake.New(fake.WithSeed(7))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	rec := newRecorder()
	r, _ := http.NewRequest("POST", "/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=nosuchproduct&SubscriptionType=PayAsYouGo", nil)
	mux.ServeHTTP(rec, r)
	fmt.Println(rec.code, rec.header.Get("Content-Type"))
	fmt.Println(strings.Contains(rec.body.String(), `"Code":"ProductNotFind"`))
	// Output:
	// 400 application/json;charset=utf-8
	// true
}

// Inspecting what the code under test did: orders and the journal, secrets redacted.
func ExampleServer_Journal() {
	srv, _ := fake.New(fake.WithSeed(3))
	_ = srv.Start()
	defer srv.Close()
	for range 2 { // a retry: the same ClientToken, so one order
		resp, _ := http.Post(srv.URL()+"/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal&ClientToken=job-7&Signature=abc%3D", "", nil)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, e := range srv.Journal() {
		fmt.Println(e.Seq, e.Status, e.Code, e.ProductCode, e.ClientToken, e.Replayed)
	}
	fmt.Println(srv.RequestCount(), len(srv.Orders()))
	fmt.Println(strings.Contains(srv.Journal()[0].Query, "Signature=REDACTED"))
	// Output:
	// 1 200 Success rtc job-7 false
	// 2 200 Success rtc job-7 true
	// 2 1
	// true
}

// Serving on a listener of your own: Serve blocks like http.Server.Serve and returns
// http.ErrServerClosed once the server is closed.
func ExampleServer_Serve() {
	srv, err := fake.New(fake.WithSeed(5))
	if err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	resp, err := http.Get("http://" + l.Addr().String() + "/__admin/health")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	srv.Close()
	fmt.Println(errors.Is(<-served, http.ErrServerClosed))
	// Output:
	// 200
	// true
}

type recorder struct {
	code   int
	header http.Header
	body   strings.Builder
}

func newRecorder() *recorder                    { return &recorder{header: http.Header{}} }
func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.code = code }
