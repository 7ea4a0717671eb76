// Package fake is an in-process fake of Alibaba Cloud's business.aliyuncs.com serving BssOpenApi
// 2017-12-14 CreateInstance on the real wire, so the official SDKs work against it unmodified: only
// their endpoint changes.
//
//	srv := fake.NewServer(t, fake.WithSeed(1))   // loopback, closed by t.Cleanup
//	client, _ := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "ak", "secret")
//	client.Domain = srv.Endpoint()                // "127.0.0.1:PORT"; the SDK's scheme defaults to http
//	resp, err := client.CreateInstance(req)
//	orders := srv.Orders()                        // what the code under test bought
//
// What it does like the real service: RPC requests on / with POST or GET, parameters in the query or
// a form body, Action and Version in the query or the x-acs-* headers, JSON or XML answers with the
// gateway's error shape, every documented validation rule and error code of the spec (spec package),
// a product catalogue ([Catalog]) and accounts ([Account]) deciding the business errors, and
// ClientToken idempotency, also under concurrent duplicates.
//
// What it simplifies: orders are kept in memory and never expire or get paid for; products are what
// the catalogue says, not the real price list; message texts follow the documentation page, which the
// real service may word differently. The spec package's x-bss-errors catalogue says which codes and
// statuses come from the documentation and which from the field.
//
// Randomness and time are explicit: [WithSeed] fixes every RequestId, OrderId and InstanceId, and
// [WithClock] with a [ManualClock] fixes every timestamp.
package fake
