// Package contract checks any endpoint that claims to serve BssOpenApi 2017-12-14 CreateInstance
// (the real service, a staging gateway, the bsskit fake) against the spec package: the documented
// status of every error code, exact content types, the response schemas in JSON and XML, the
// gateway's error shape, RequestId rules, the negative cases the spec and its error catalogue imply,
// idempotency, and property-based requests generated from the spec.
//
//	target := contract.Target{URL: srv.URL(), Client: http.DefaultClient}
//	report, err := contract.Check(ctx, target, contract.WithSeed(1))
//	if err == nil && !report.OK() {
//		report.WriteText(os.Stderr) // findings grouped by check, with the redacted exchanges
//	}
//
// In a Go test, [Run] does the same and reports one subtest per case.
//
// # An oracle apart from what it judges
//
// Of this project the package imports only spec (the document, its error catalogue, and the wire
// facts both sides need: [spec.ResponseFormat], [spec.Format.ContentType]), generated (every answer
// is decoded into generated.CreateInstanceResponse or generated.ErrorResponse, a failed decode
// being a [CheckTypedDecode] finding), internal/signing (to sign its own requests) and
// internal/redact. It never imports the fake or its wire codec, so a wire rule the fake gets wrong
// is not wrong in the suite too; a test walks the import closure and fails if that changes. It
// learns a fake's catalogue as any client would, over GET /__admin/catalog, into its own types.
//
// # Configuration
//
// A run is configured with functional options, the style of [github.com/bsskit/bsskit/fake.NewServer]:
// [Check], [Run] and [Compare] take ...[Option], one With function per setting ([WithSeed],
// [WithMaxOrders], [WithProducts], [WithAdminToken], [WithGenerated], [WithRun], ...). One style
// across the project's two public packages, so a user who knows one knows the other, and the
// zero-configuration call stays one line: contract.Run(t, target). Each setting has one way to be
// set and no sentinel values (WithGenerated(0) runs no generated case; a negative count is a usage
// error), and without options every setting takes its safe default. cmd/bsskit turns its flags into
// exactly these options, like fake-gcs-server's thin main.
//
// # Reads
//
// QueryAvailableInstances and GetOrderDetail spend nothing, so their cases run in full against any
// endpoint, staging and production included: the negative cases their spec entries imply, the
// schema of every answer, and the read checks. Every QueryAvailableInstances answer keeps the
// paging rule: PageNum and PageSize as asked (PageSize capped at x-bss-max-page-size), at most
// PageSize instances, TotalCount >= (PageNum-1) x PageSize + listed, equal on a short page. The
// paging walk takes its PageSize from the first TotalCount and reads to a short or empty page, and
// its pages list exactly the instances of one request with a PageSize of at least TotalCount. Each
// filter lists exactly the matching instances of the whole list, with their TotalCount (0 where
// nothing matches); InstanceIDs naming k instances held and one unknown lists exactly the k. Every
// non-empty time field is YYYY-MM-DDThh:mm:ssZ and a subscription ends after it is created
// ([CheckReadPaging], [CheckReadFilter], [CheckReadTime]). On a loopback fake with the admin API,
// read/after-create orders once (a subscription with AutoRenewal when one is sold) and follows the
// instance from Creating to Normal (POST /__admin/clock/advance), with the product, billing,
// ProductType, renewal status, duration and unit ordered, and its order with the catalogue's price;
// GetOrderDetail of the run's first order answers that order, not the newest; reads sent to the
// international site for the fake's domestic account answer Account.NotExists with that site's
// HostId ([CheckReadAfterCreate], [CheckReadOrdered], [CheckReadSite]).
//
// # Every operation
//
// Every other operation of the spec gets the negative cases its entry implies (operation/<Action>/...)
// on a valid request built from its required parameters, and every read its answer in JSON and XML,
// held to its response schema and generated type. Reads and the lifecycle writes (which name only
// instances no account holds) run against any endpoint; the other writes only where [WithWrites]
// allows (by default: loopback only). An operation the endpoint answers InvalidAction.NotFound is
// not applicable, and one line of the report ([Report.Unserved]) names those operations.
//
// # The catalogue
//
// What no request can ask comes from the catalogue: a fake's GET /__admin/catalog, or [WithCatalog]
// with a file in the format of `bsskit serve --catalog` ([ParseCatalog]; bsskit contract
// --catalog FILE) against staging. A product that opens once is ordered by no case but
// business/opens-once/CODE: once (success, or the opened code when the account held it before the
// run), then with a new ClientToken, which must answer ORDER.OPEND or Has.effect.suit ending in
// ": <instanceId>" of that instance ([CheckOpensOnce]). A product that validates on the commodity
// channel gets business/commodity-invalid-component: a module value it does not sell answers
// COMMODITY.INVALID_COMPONENT on the body channel (HTTP 200, Success false, a Message, HostId and
// Recommend). A ProductType of the international site ordered on the domestic one answers
// NotApplicable; valid orders use a ProductType of the domestic site.
//
// # Identifying the suite's traffic
//
// Every request the suite sends, to the API and to a fake's admin API, has the User-Agent
// [UserAgent], "bsskit-contract/VERSION" ([UserAgentProduct]). Its requests are wrong on purpose;
// a server that judges its callers leaves out requests with that token, so that a contract run is
// not taken for a careless caller.
//
// # Money
//
// CreateInstance places an automatically paid order. One setting governs that: the order budget
// [WithMaxOrders]. Every request that could place an order counts against it, the run stops before
// exceeding it, and every order the run saw created is in [Report.Ledger], with its [OrderStatus].
// So is every order-capable request whose answer was lost (no answer, a body cut short or
// undecodable, a server error): each carries a ClientToken, and at the end of the run the suite
// repeats it with that token, which the API answers with the first request's result without placing
// a second order; the entry then names the order ([OrderPlaced]), says there was none
// ([OrderNotPlaced]) or stays [OrderOutcomeUnknown] with what was tried. [Report.LedgerCounts]
// gives the totals the text report starts with. The default budget is safe: against
// an endpoint that is not loopback (the host is resolved; a name that resolves to any non-loopback
// address counts as remote) it allows no order at all, and the suite sends only requests that are
// rejected before an order can exist: every such request names a product that does not exist
// ([NoSuchProduct]) or no valid product at all, and the sender refuses anything else. Against
// loopback (a fake) it allows orders without a limit. [WithMaxOrders](n) is an explicit budget:
// WithMaxOrders(0) sends no order even to a fake; WithMaxOrders(n) with n > 0 and explicit [WithProducts]
// is the only way to order from a non-loopback endpoint.
//
// Valid orders use [WithProducts], else the products of the endpoint's GET /__admin/catalog.
// There is no built-in catalogue: an endpoint without that admin API (the real service) and
// without Products gets no order-placing case; those cases are reported as not applicable with
// that reason.
//
// The negative cases therefore assume, as the spec's fake does, that parameter validation comes
// before the product lookup; an endpoint that looks the product up first answers ProductNotFind and
// the case reports that as a finding, never as an order.
//
// # Results
//
// A [Report] lists every [CaseResult] with its [Finding]s, each naming the [CheckName] that failed.
// Cases that cannot apply to the target (authentication cases against an endpoint that does not
// verify signatures, order cases when orders are not allowed or no product is known) are reported as not applicable, with
// the reason, never silently skipped. [Compare] runs the same cases against two endpoints and lists
// where their answers differ.
package contract
