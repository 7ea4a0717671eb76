// Package wire decodes Alibaba Cloud RPC requests and encodes responses byte-compatible with the real
// gateway: query merged with a form body, Action and Version from the query or the x-acs-* headers,
// the response format negotiated as the gateway does, and success and error bodies in JSON and XML
// whose every field is a string where the real service sends a string.
//
// It is shared by the fake server and the contract suite and depends only on the spec package.
package wire
