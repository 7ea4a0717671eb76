// Package spec owns bsskit's single source of truth: the OpenAPI 3.0.3 document of BssOpenApi
// 2017-12-14 CreateInstance (bssopenapi.yaml, embedded), loaded and validated once with kin-openapi,
// and the error catalogue it carries in its x-bss-errors extension.
//
// The fake server, the contract suite and the documentation all read the document and the catalogue
// from here; nothing in bsskit keeps a second list of error codes.
//
//	doc := spec.Doc()                               // *openapi3.T, validated
//	def, _ := spec.Lookup(spec.CodeInvalidParameter) // status, message template, retryability
//	v, _ := spec.NewValidator()                     // routes any host and port
//	err := v.ValidateResponse(ctx, req, status, header, body)
package spec

//go:generate go run ../internal/gen/errcodes -in bssopenapi.yaml -out codes.gen.go
