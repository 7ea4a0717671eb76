package spec

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestParseWireRejects feeds parseWire mutated copies of the document: each mutation breaks one
// wire fact, and parseWire must refuse it with an error that names what is wrong.
func TestParseWireRejects(t *testing.T) {
	t.Parallel()
	formatParam := func(d *openapi3.T) *openapi3.Parameter { return d.Components.Parameters["Format"].Value }
	negotiation := func(d *openapi3.T) map[string]any {
		return formatParam(d).Extensions["x-bss-negotiation"].(map[string]any)
	}
	// media returns the media type m of the response status of the POST operation.
	media := func(d *openapi3.T, status, m string) *openapi3.MediaType {
		return d.Paths.Find("/").Post.Responses.Value(status).Value.Content[m]
	}
	errorSchema := func(d *openapi3.T) *openapi3.Schema { return d.Components.Schemas["ErrorResponse"].Value }
	tests := []struct {
		name    string
		mutate  func(d *openapi3.T)
		wantErr string
	}{
		{"no Format parameter", func(d *openapi3.T) { delete(d.Components.Parameters, "Format") }, "components.parameters.Format is missing"},
		{"no x-bss-negotiation", func(d *openapi3.T) { delete(formatParam(d).Extensions, "x-bss-negotiation") }, "no x-bss-negotiation"},
		{"x-bss-negotiation not an object", func(d *openapi3.T) { formatParam(d).Extensions["x-bss-negotiation"] = []any{1} }, "x-bss-negotiation:"},
		{"no xml value", func(d *openapi3.T) { delete(negotiation(d)["values"].(map[string]any), "xml") }, `values has no "xml"`},
		{"empty json value", func(d *openapi3.T) { negotiation(d)["values"].(map[string]any)["json"] = "" }, `values has no "json"`},
		{"a third value", func(d *openapi3.T) { negotiation(d)["values"].(map[string]any)["yaml"] = "application/yaml" }, "have 3 values"},
		{"absent.then not a value", func(d *openapi3.T) { negotiation(d)["absent"].(map[string]any)["then"] = "text/plain" }, "x-bss-negotiation.absent"},
		{"no accept-contains", func(d *openapi3.T) { delete(negotiation(d)["absent"].(map[string]any), "accept-contains") }, "x-bss-negotiation.absent"},
		{"media type without x-bss-content-type", func(d *openapi3.T) {
			m := *media(d, "200", "application/json") // a copy: the GET operation shares nothing mutated
			m.Extensions = map[string]any{}
			d.Paths.Find("/").Post.Responses.Value("200").Value.Content["application/json"] = &m
		}, "application/json: no x-bss-content-type"},
		{"two content types for one format", func(d *openapi3.T) {
			m := *media(d, "200", "text/xml")
			m.Extensions = map[string]any{"x-bss-content-type": "text/xml"}
			d.Paths.Find("/").Post.Responses.Value("200").Value.Content["text/xml"] = &m
		}, "differs from"},
		{"media type that is no Format value", func(d *openapi3.T) {
			d.Paths.Find("/").Post.Responses.Value("200").Value.Content["text/plain"] = &openapi3.MediaType{}
		}, `media type "text/plain" is not a Format value`},
		{"no XML anywhere", func(d *openapi3.T) {
			for _, item := range d.Paths.Map() {
				for _, op := range item.Operations() {
					for _, r := range op.Responses.Map() {
						c := openapi3.Content{}
						for k, v := range r.Value.Content {
							if k != "text/xml" {
								c[k] = v
							}
						}
						r.Value.Content = c
					}
				}
			}
		}, "no response has XML content"},
		{"error property not required", func(d *openapi3.T) {
			errorSchema(d).Required = []string{"RequestId", "Code", "Message"}
		}, "not required"},
		{"error property not a string", func(d *openapi3.T) {
			errorSchema(d).Properties["HostId"] = openapi3.NewIntegerSchema().NewRef()
		}, "HostId is not a string"},
		{"error body without a schema", func(d *openapi3.T) {
			d.Components.Responses["Error"].Value.Content["application/json"].Schema = nil
		}, "without a schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := Load() // a fresh copy each time: the mutations must not leak
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parseWire(d); err != nil {
				t.Fatalf("unmutated document: %v", err)
			}
			tc.mutate(d)
			_, err = parseWire(d)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("parseWire = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
