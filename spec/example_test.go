package spec_test

import (
	"fmt"

	"github.com/bsskit/bsskit/spec"
)

// The format of an answer and its exact Content-Type, as the document's x-bss-negotiation and
// x-bss-content-type define them.
func ExampleResponseFormat() {
	for _, req := range []struct{ format, accept string }{
		{"JSON", ""},                // the old SDK
		{"xml", "application/json"}, // Format wins over Accept
		{"", "application/json"},    // darabonba V3: no Format, Accept decides
		{"", ""},                    // nothing asks for JSON: XML
	} {
		f := spec.ResponseFormat(req.format, req.accept)
		fmt.Printf("Format=%q Accept=%q: %s, %s\n", req.format, req.accept, f, f.ContentType())
	}
	// Output:
	// Format="JSON" Accept="": JSON, application/json;charset=utf-8
	// Format="xml" Accept="application/json": XML, text/xml;charset=utf-8
	// Format="" Accept="application/json": JSON, application/json;charset=utf-8
	// Format="" Accept="": XML, text/xml;charset=utf-8
}
