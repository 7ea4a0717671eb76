// Package contract checks any endpoint that claims to serve BssOpenApi 2017-12-14 CreateInstance
// (the real service, a staging gateway, the bsskit fake) against the spec package: the documented
// status of every error code, exact content types, the response schemas in JSON and XML, the
// gateway's error shape, RequestId rules, the negative cases the spec and its error catalogue imply,
// idempotency, and property-based requests generated from the spec.
//
//	target := contract.Target{URL: srv.URL(), Client: srv.Client()}
//	report, err := contract.Check(ctx, target, contract.Options{Seed: 1})
//	if err == nil && !report.OK() {
//		report.WriteText(os.Stderr) // findings grouped by check, with the redacted exchanges
//	}
//
// In a Go test, [Run] does the same and reports one subtest per case.
//
// # Money
//
// CreateInstance places an automatically paid order. Against an endpoint that is not loopback (the
// host is resolved; a name that resolves to any non-loopback address counts as remote) the suite
// sends only requests that are rejected before an order can exist: every such request names a
// product that does not exist ([NoSuchProduct]) or no valid product at all, and the sender refuses
// anything else. Order-placing cases run only with [Options.AllowOrders], a budget
// ([Options.MaxOrders]) and explicit [Options.Products]; every request that could place an order
// counts against the budget, the run stops before exceeding it, and every order it created is in
// [Report.Ledger]. Against loopback (a fake) orders are allowed by default and the products come
// from the fake's GET /__admin/catalog.
//
// The negative cases therefore assume, as the spec's fake does, that parameter validation comes
// before the product lookup; an endpoint that looks the product up first answers ProductNotFind and
// the case reports that as a finding, never as an order.
//
// # Results
//
// A [Report] lists every [CaseResult] with its [Finding]s, each naming the [CheckName] that failed.
// Cases that cannot apply to the target (authentication cases against an endpoint that does not
// verify signatures, order cases when orders are not allowed) are reported as not applicable, with
// the reason, never silently skipped. [Compare] runs the same cases against two endpoints and lists
// where their answers differ.
package contract
