package fake_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	aliErrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// "The first two calls for rtc fail, then it works", seen through the official SDK.
func ExampleFaults_Add() {
	srv, err := fake.New(fake.WithSeed(1))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	ids, err := srv.Faults().Add(faults.Rule{
		ID:    "flaky-rtc",
		Match: faults.Match{ProductCode: faults.Exact("rtc")},
		Sequence: []faults.Outcome{
			{Error: spec.CodeServiceUnavailable},
			{Error: spec.CodeInternalError, Status: http.StatusOK}, // HTTP 200, Success false
			{Pass: true},
		},
	})
	if err != nil {
		panic(err)
	}

	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "my-access-key", "my-secret")
	if err != nil {
		panic(err)
	}
	client.Domain = srv.Endpoint()
	req := bssopenapi.CreateCreateInstanceRequest()
	req.ProductCode, req.SubscriptionType, req.ClientToken = "rtc", "PayAsYouGo", "order-1"
	req.Parameter = &[]bssopenapi.CreateInstanceParameter{{Code: "ServiceType", Value: "universal"}}

	for range 3 {
		resp, err := client.CreateInstance(req)
		var se *aliErrors.ServerError
		switch {
		case errors.As(err, &se):
			fmt.Println("error:", se.HttpStatus(), se.ErrorCode())
		case err != nil:
			fmt.Println("error:", err)
		default:
			fmt.Println("answer:", resp.Success, resp.Code)
		}
	}
	for _, e := range waitJournal(srv, 3) {
		fmt.Println(e.Seq, e.Rule, e.Code)
	}
	stats, err := srv.Faults().Stats()
	if err != nil {
		panic(err)
	}
	fmt.Println(ids[0], "used:", stats[0].Used)
	// Output:
	// error: 503 ServiceUnavailable
	// answer: false InternalError
	// answer: true Success
	// 1 flaky-rtc ServiceUnavailable
	// 2 flaky-rtc InternalError
	// 3 flaky-rtc Success
	// flaky-rtc used: true
}

// The one-line rules of package faults, added with Faults.Add. A bad rule is an error; in a test,
// on a server made with fake.NewServer(t), it also fails the test.
func ExampleFaults_Add_oneLine() {
	srv, err := fake.New(fake.WithSeed(2))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	srv.Faults().Add(faults.FailNext(spec.CodeServiceUnavailable))           // call 1
	srv.Faults().Add(faults.FailNextN(2, spec.CodeThrottlingUser))           // calls 2 and 3
	always, _ := srv.Faults().Add(faults.FailAlways(spec.CodeInternalError)) // every later call, until removed
	q := url.Values{
		"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"},
		"ProductCode": {"rtc"}, "SubscriptionType": {"PayAsYouGo"},
		"Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"},
	}
	call := func() {
		resp, err := http.Post(srv.URL()+"/?"+q.Encode(), "", nil)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	for range 5 {
		call()
	}
	if err := srv.Faults().Remove(always[0]); err != nil {
		panic(err)
	}
	call()
	for _, e := range waitJournal(srv, 6) {
		fmt.Println(e.Seq, e.Status, e.Code)
	}
	stats, err := srv.Faults().Stats()
	if err != nil {
		panic(err)
	}
	fmt.Println("rules left:", len(stats), "all used:", stats[0].Used && stats[1].Used)

	_, err = srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: "Teapot"}})
	var re *faults.RuleError
	fmt.Println(errors.As(err, &re), re.Path)
	// Output:
	// 1 503 ServiceUnavailable
	// 2 400 Throttling.User
	// 3 400 Throttling.User
	// 4 400 InternalError
	// 5 400 InternalError
	// 6 200 Success
	// rules left: 2 all used: true
	// true outcome.error
}

// A scenario file: the same rules as YAML, with the seed that makes them repeatable.
func ExampleParseScenario() {
	sc, err := faults.ParseScenario([]byte(`
seed: 42
rules:
  - id: lost-answer          # the order is stored, then the connection is reset
    match: {clientToken: {prefix: "retry-"}}
    calls: {first: 1}
    outcome: {fault: reset, afterCommit: true}
  - id: flow-control
    rateLimit: {perSecond: 100}
`))
	if err != nil {
		panic(err)
	}
	srv, err := fake.New(fake.WithScenario(sc))
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	q := url.Values{
		"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"},
		"ProductCode": {"rtc"}, "SubscriptionType": {"PayAsYouGo"}, "ClientToken": {"retry-1"},
		"Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"},
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 2 {
		resp, err := client.Post(srv.URL()+"/?"+q.Encode(), "", nil)
		if err != nil {
			fmt.Println("transport error")
			continue
		}
		resp.Body.Close()
		fmt.Println("status", resp.StatusCode)
	}
	j := waitJournal(srv, 2)
	fmt.Println(srv.Seed(), len(srv.Orders()), j[0].Rule, j[0].Fault, j[1].Replayed)

	_, err = faults.ParseScenario([]byte("rules:\n  - outcome:\n      error: Teapot\n"))
	var re *faults.RuleError
	if errors.As(err, &re) {
		fmt.Println(re.Line, re.Path)
	}
	// Output:
	// transport error
	// status 200
	// 42 1 lost-answer reset true
	// 3 rules[0].outcome.error
}
