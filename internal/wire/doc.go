// Package wire decodes Alibaba Cloud RPC requests and encodes responses byte-compatible with the real
// gateway: query merged with a form body, Action and Version from the query or the x-acs-* headers,
// the response format chosen by [spec.ResponseFormat], and success and error bodies in JSON and XML
// whose every field is a string where the real service sends a string.
//
// It keeps no wire fact of its own: the formats, their content types and the negotiation rule come
// from package spec (read from the document), and the bodies it encodes are the types oapi-codegen
// generates from the document's schemas ([AppendSuccess] takes a *generated.CreateInstanceResponse,
// [AppendFailure] a *generated.ErrorResponse), so a change in the spec that the hand-written,
// allocation-free encoders do not follow breaks the build.
//
// It is used by the fake server and depends only on the spec and generated packages.
package wire
