// Package sdkcall is a test helper that drives BssOpenApi 2017-12-14
// CreateInstance through the real, unmodified official Alibaba Cloud Go SDKs
// against a loopback endpoint, and reduces whatever the SDK returned to one
// comparable [Outcome].
//
// It exists so that interop tests, fault-injection tests and examples for the
// bsskit fake can be table-driven across SDK generations: the same [Request]
// is sent by every [Client] and the resulting Outcomes are compared with the
// behaviour described in shared/reference/alibaba-rpc-wire.md (§3 for ACS,
// §4.3 for darabonba-openapi).
//
//	srv := httptest.NewServer(fakeHandler)
//	defer srv.Close()
//	for _, c := range sdkcall.Clients() {
//		out := sdkcall.Call(ctx, c, srv.Listener.Addr().String(), cred, sdkcall.Request{ProductCode: "rds", ReadTimeout: time.Second})
//		// compare out.OK, out.OrderID, out.ErrKind, out.ErrCode, ...
//	}
//
// # SDK shapes
//
//   - [ACS]: github.com/aliyun/alibaba-cloud-sdk-go services/bssopenapi, the
//     generated CreateInstance client, V1 signature (HMAC-SHA1).
//   - [DOAV3]: github.com/alibabacloud-go/darabonba-openapi/v2 CallApi with
//     RPC style, exactly as the generated bssopenapi-20171214 client calls it;
//     the default ACS3-HMAC-SHA256 signature.
//   - [DOAV1]: the same CallApi with Config.SignatureAlgorithm "v2", which
//     takes the legacy DoRPCRequest path (V1 signature, Format=json).
//
// # What each SDK can express
//
//   - XML ([Request.Format] "XML"): ACS sets AcceptFormat=XML and decodes the
//     reply with encoding/xml. DOAV1 overrides the Format=json query
//     parameter with Format=XML (request query entries win over the SDK's
//     defaults) and asks CallApi for the body as a string, because DOA has no
//     XML decoder on the success path; sdkcall then decodes that string with
//     encoding/xml. DOAV3 cannot ask for XML (V3 sends no Format and always
//     sends Accept: application/json); the call is refused with
//     [Unsupported].
//   - GET ([Request.Method] "GET"): all three (ACS request.Method, DOA
//     Params.Method).
//   - STS ([Credentials.SecurityToken]): all three.
//   - Bearer ([Credentials.BearerToken], used only when no AccessKeyID and
//     AccessKeySecret are given, which is DOA's own precedence): all three.
//   - Retries ([Request.AutoRetry]): ACS retries transport errors and HTTP
//     status >= 500 (attempts = MaxRetries+1; a timeout that exhausts them
//     becomes ClientError SDK.TimeoutError). DOA ignores
//     RuntimeOptions.Autoretry; sdkcall sets Config.RetryOptions instead,
//     which retries only SDK errors whose Code is in [Request.RetryCodes]
//     (never transport or decode errors), with no wait between attempts.
//   - Error bodies: only DOAV3's response path parses an XML <Error> (and
//     only with content type exactly text/xml;charset=utf-8); DOAV1's
//     legacy path always expects JSON and reports a [Decode] error. ACS never
//     parses XML errors: ErrCode is "" and ErrMessage is the raw body.
//   - Timeouts ([Request.ReadTimeout]): ACS defaults to 5 s connect and 10 s
//     read; DOA has no default at all, so a hung server hangs a DOA call
//     unless ReadTimeout or the context ends it.
//   - Context: DOA calls use CallApiWithCtx. ACS has no context support;
//     Call returns as soon as ctx is done and lets the abandoned ACS call end
//     at its own read timeout.
//
// # Where sdkcall configures the SDKs beyond the generated clients
//
// These use public SDK options only; the SDK code runs unmodified.
//
//   - DOA gets Config.HttpClient, a per-call client over the transport dara
//     builds. dara's default pooled client writes http.Client.Timeout on
//     every request while concurrent requests to the same endpoint read it
//     (tea v1.3.13 dara/core.go:445), which -race reports.
//   - DOA retries get an explicit zero backoff: without one dara returns
//     MIN_DELAY_TIME (100, meant as ms) and dara.Sleep multiplies it by
//     time.Second, so each retry would wait 100 s.
//   - ACS gets its own http.Transport (identical to the one it would create)
//     whose idle connections are closed after the call, and bssopenapi's
//     package-level endpoint map is initialised once, before any client, as
//     NewClientWithOptions fills it lazily without synchronisation.
//   - Both bypass HTTP_PROXY for the endpoint (ACS SetNoProxy, DOA
//     Config.NoProxy).
//
// # Safety
//
// Call refuses any endpoint whose host is not a loopback address or
// "localhost", so a test can never reach a real cloud endpoint (where
// CreateInstance places and pays an order). SDK panics are recovered into
// ErrKind [Other] with a [*PanicError]; ACS panics, for example, when an
// error reply carries a non-string RequestId.
package sdkcall
