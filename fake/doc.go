// Package fake is an in-process fake of Alibaba Cloud's business.aliyuncs.com serving BssOpenApi
// 2017-12-14 CreateInstance, and the reads callers make after it (QueryAvailableInstances,
// GetOrderDetail: instances Creating then Normal on the fake's clock), on the real wire, so the
// official SDKs work against it unmodified: only their endpoint changes.
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
// ClientToken idempotency, also under concurrent duplicates. Two sites share one state: the domestic
// one at [Server.Endpoint] and the international one at [Server.InternationalEndpoint] (or by the
// Host header); an account or a ProductType of the other site gets NotApplicable, and HostId is the
// host of the site called. Commodity, payment and order errors come on the body channel (HTTP 200,
// Success false), also those the fake's own state produces: services opened once
// ([Product.OpensOnce]), commodity-channel validation ([Product.CommodityChannel]) and payment
// ([Payment], [Product.MonthlyPrice]).
//
// What it simplifies: orders are kept in memory and never expire; payment is a balance and a
// per-order limit against catalogue prices, not the real price list or billing; message texts follow
// the documentation page and the field captures, which the real service may word differently. The spec package's x-bss-errors catalogue says which codes and
// statuses come from the documentation and which from the field.
//
// Three ways to run it: [NewServer] in a test (started on a loopback port, closed by t.Cleanup, every
// response checked against the spec); [New] then [Server.Start] (in the background) or
// [Server.Serve] (blocking, like [net/http.Server.Serve]) to serve it yourself, as bsskit serve does; or
// [Server.Handler] to mount it in a server of your own. [Server.Close] is idempotent and waits for
// requests in flight, also when called twice at once.
//
// State is reachable without a client: [Server.Orders], [Server.Journal] (each [Entry] with its
// ProductCode and ClientToken, secrets redacted), [Server.RequestCount], [Server.Reset],
// [Server.SetCatalog]. The same views are served as JSON under /__admin/ (see README).
//
// Failures are injected with fault rules ([Rule]), from Go ([Server.Inject], or the one-line helpers
// [Server.FailNext], [Server.FailNextN], [Server.FailAlways] and [Server.FaultNext], which fail the
// test on a bad rule), from scenario files ([ParseScenario], [WithScenario]) or the admin API.
// [Server.AssertRulesUsed] checks at the end that every rule mattered.
//
//	srv.Faults().Add(faults.FailNextN(2, spec.CodeServiceUnavailable)) // the next two calls: 503
//	srv.Faults().Add(faults.FaultNext(faults.FaultReset))                // then a TCP reset
//	// ... run the code under test ...
//	srv.Faults().AssertUsed(t)
//
// The fake also judges the caller: [Server.Verdicts] (and [Judge] for any journal) names what it
// did wrong, such as buying twice after a lost answer or hammering a throttled API, with the
// requests that prove it, and [Server.AssertVerdicts] fails a test on them. [Sweep] runs a test body
// once per failure case of a matrix derived from the error catalogue and the faults
// ([SweepCases]), each against a fresh fake, and fails the cases whose outcome is wrong:
//
//	sweep.Sweep(t, sweep.Config{}, func(t *testing.T, s *fake.Server) error {
//		return buy(t.Context(), s.Endpoint()) // the code under test: nil when it bought
//	})
//
// Randomness and time are explicit: [WithSeed] fixes every RequestId, OrderId and InstanceId, and
// [WithClock] with a [ManualClock] fixes every timestamp.
package fake
