// Package fake is an in-process fake of Alibaba Cloud's business.aliyuncs.com serving every
// operation of BssOpenApi 2017-12-14 (the 100 of the spec package) on the real wire, so the
// official SDKs work against it unmodified: only their endpoint changes. Three keep state:
// CreateInstance places orders, and the reads callers make after it (QueryAvailableInstances,
// GetOrderDetail) answer from them, instances Creating then Normal on the fake's clock. Every
// other operation is routed, signature-checked, validated against its parameters and answered a
// deterministic success in its documented shape (internal/synth): every field of the schema,
// plausible values, the same for the same [WithSeed]. Such answers do not read the fake's state:
// QueryOrders does not list the orders placed, the prices, balances and bills are not the
// catalogue's or the orders' (see the spec's operations for their shapes).
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
// State is reachable without a client: [Server.Orders], [Server.Journal] (each journal.Entry with its
// ProductCode and ClientToken, secrets redacted), [Server.Reset], [Server.SetCatalog]. The same
// views are served as JSON under /__admin/ (GET /__admin/ lists them, from the one route table that
// also routes them: admin_index.go).
//
// Failures are injected with fault rules (package faults), from Go ([Server.Faults], the one way:
// [Faults.Add], which on a [NewServer] fake also fails the test on a bad rule), from scenario files
// (faults.LoadScenario, [WithScenario]) or the admin API. [Faults.AssertUsed] checks at the end
// that every rule mattered.
//
//	srv.Faults().Add(faults.FailNextN(2, spec.CodeServiceUnavailable)) // the next two calls: 503
//	srv.Faults().Add(faults.FaultNext(faults.FaultReset))              // then a TCP reset
//	// ... run the code under test ...
//	srv.Faults().AssertUsed(t)
//
// The caller is judged by package verdict (verdict.Judge on [Server.Journal]: buying twice after
// a lost answer, hammering a throttled API, with the requests that prove it), and package sweep
// runs a test body once per failure case of a matrix derived from the error catalogue and the
// faults, each against a fresh fake, and fails the cases whose outcome is wrong:
//
//	sweep.Sweep(t, sweep.Config{}, func(t *testing.T, s *fake.Server) error {
//		return buy(t.Context(), s.Endpoint()) // the code under test: nil when it bought
//	})
//
// # Rooms
//
// The fake is this package (the facade: [Server], [New], [NewServer], the options in options.go;
// the request path in handler.go; one file per Action) and the packages under it, each with one
// concern: faults (the rule language, scenario files with line:column errors, and the one rule
// engine, over a Counters interface a store implements), journal (the journal's Entry), verdict
// (judging a journal: pure functions of entries, which imports nothing of the server) and sweep
// (the failure sweep, over this package). Files people write (scenarios, catalogues, accounts) are
// read by internal/yamldoc.
//
// An Action is described once, in the operation table (dispatch.go): its handler, the kind of
// order it places and the state it reads back. The table is derived from the spec: every
// operation of spec.Operations() is in it, answered by the generic handler (synthesized.go)
// unless an entry of its own gives it a handler. Dispatch, the fault stage (faults.Match's places
// and reads), the journal (journal.Entry's Places and Reads) and through it the verdicts and the
// sweep consult the table, never an Action's name. A new operation of the spec is served as soon
// as the spec has it. Giving an Action state touches:
//
//   - spec/bssopenapi.yaml (its parameters, errors and responses; then make generate);
//   - one handler file here, such as renew.go, next to create.go, query.go and orders.go;
//   - one entry in the operations list in dispatch.go;
//   - where it needs state of its own, one store method, implemented by each store backend.
//
// A read-only Action answered from state is the handler and the entry.
//
// Randomness and time are explicit: [WithSeed] fixes every RequestId, OrderId and InstanceId,
// every synthesized answer and every draw of a fault rule, and [WithClock] with a [ManualClock]
// fixes every timestamp of state (a synthesized answer's times do not follow the clock).
package fake
