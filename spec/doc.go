// Package spec owns bsskit's single source of truth: the OpenAPI 3.0.3 document of BssOpenApi
// 2017-12-14 CreateInstance, QueryAvailableInstances and GetOrderDetail (bssopenapi.yaml, embedded;
// [Operations], [OperationFor]), loaded and validated once with kin-openapi,
// the error catalogue it carries in its x-bss-errors extension, and the wire facts that the fake
// server and the contract suite both need.
//
// The fake server, the contract suite and the documentation all read the document, the catalogue
// and the wire facts from here; nothing in bsskit keeps a second list of error codes, content
// types or negotiation rules:
//
//   - [ResponseFormat] chooses JSON or XML from the Format parameter and the Accept header, by the
//     rule in the Format parameter's x-bss-negotiation.
//   - [Format.ContentType] is the exact Content-Type header of each format, from the
//     x-bss-content-type of the responses' media types (all responses must agree).
//   - The error body shape is the ErrorResponse schema: RequestId, HostId, Code, Message and
//     Recommend, every one a required string ([Load] refuses a document whose error responses
//     say otherwise). An HTTP 200 is the success body (CreateInstanceResponse, Data required) or a
//     body-channel error (BusinessErrorResponse: Success false, a non-empty Message).
//   - Every catalogued code has a [Channel]: [ChannelHTTP] (HTTP 4xx/5xx) or [ChannelBody] (HTTP
//     200 with Success false), and a source ([SourceCapture] and the others).
//   - [Sites] are the domestic and the international site, from x-bss-sites; [SiteByHost] tells
//     which a host is.
//
// Package generated holds the Go types oapi-codegen makes from the same document: a parameters
// type per operation, CreateInstanceResponse and ErrorResponse. The fake encodes its answers from
// those types and the contract suite decodes answers into them.
//
//	doc := spec.Doc()                                // *openapi3.T, validated
//	def, _ := spec.Lookup(spec.CodeInvalidParameter) // status, message template, retryability
//	f := spec.ResponseFormat("", "application/json") // spec.FormatJSON
//	ct := f.ContentType()                            // "application/json;charset=utf-8"
//	v, _ := spec.NewValidator()                      // routes any host and port
//	err := v.ValidateResponse(ctx, req, status, header, body)
package spec

//go:generate go run ../cmd/errcodes -in bssopenapi.yaml -out codes.gen.go
