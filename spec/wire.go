package spec

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Format is a response format: JSON or XML. The fake encodes in it and the contract suite expects
// it; both learn what it means on the wire from the document, here.
type Format uint8

// The response formats.
const (
	FormatJSON Format = iota
	FormatXML
)

// String returns "JSON" or "XML".
func (f Format) String() string {
	if f == FormatXML {
		return "XML"
	}
	return "JSON"
}

// MediaType returns the format's media type, the key of its content in the document's responses
// ("application/json" or "text/xml").
func (f Format) MediaType() string { return getLite().wire.media[f] }

// ContentType returns the exact Content-Type header the service sends with an answer in this
// format, from the document's x-bss-content-type ("text/xml;charset=utf-8": darabonba-openapi parses
// an XML error only under exactly that).
func (f Format) ContentType() string { return getLite().wire.contentType[f] }

// ResponseFormat returns the format of the answer to a request whose Format parameter is format
// (empty when absent) and whose Accept header is accept, by the rule of the Format parameter's
// x-bss-negotiation: a Format value names its format, case-insensitively; without one, Accept
// decides. A Format value outside the document's (which the request check refuses) decides as if
// absent, so even that refusal is answered in a format the client can read.
func ResponseFormat(format, accept string) Format {
	w := &getLite().wire
	for f, v := range w.values {
		if format != "" && strings.EqualFold(format, v) {
			return Format(f)
		}
	}
	if containsFold(accept, w.acceptContains) {
		return w.acceptThen
	}
	return w.acceptElse
}

// containsFold reports whether s contains sub, ASCII case-insensitively, without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// wireFacts is what the document says about formats, read once by [Load].
type wireFacts struct {
	values         [2]string // Format parameter value per Format ("json", "xml")
	media          [2]string // media type per Format
	contentType    [2]string // exact Content-Type per Format
	acceptContains string    // without Format: Accept containing this ...
	acceptThen     Format    // ... gives this format,
	acceptElse     Format    // and anything else this one.
}

// parseWire reads the Format parameter's x-bss-negotiation and the x-bss-content-type of every
// response media type, and checks that they agree with each other and that every error response
// has the gateway's error body shape.
func parseWire(doc *openapi3.T) (wireFacts, error) {
	var w wireFacts
	p := doc.Components.Parameters["Format"]
	if p == nil || p.Value == nil {
		return w, fmt.Errorf("spec: components.parameters.Format is missing")
	}
	var neg struct {
		Values map[string]string `json:"values"`
		Absent struct {
			AcceptContains string `json:"accept-contains"`
			Then           string `json:"then"`
			Else           string `json:"else"`
		} `json:"absent"`
	}
	raw, ok := p.Value.Extensions["x-bss-negotiation"]
	if !ok {
		return w, fmt.Errorf("spec: the Format parameter has no x-bss-negotiation")
	}
	if err := remarshal(raw, &neg); err != nil {
		return w, fmt.Errorf("spec: x-bss-negotiation: %w", err)
	}
	byMedia := map[string]Format{}
	for _, f := range []Format{FormatJSON, FormatXML} {
		key := strings.ToLower(f.String())
		media, ok := neg.Values[key]
		if !ok || media == "" {
			return w, fmt.Errorf("spec: x-bss-negotiation.values has no %q", key)
		}
		w.values[f], w.media[f] = key, media
		byMedia[media] = f
	}
	if len(neg.Values) != 2 {
		return w, fmt.Errorf("spec: x-bss-negotiation.values: want json and xml, have %d values", len(neg.Values))
	}
	then, ok1 := byMedia[neg.Absent.Then]
	els, ok2 := byMedia[neg.Absent.Else]
	if !ok1 || !ok2 || neg.Absent.AcceptContains == "" {
		return w, fmt.Errorf("spec: x-bss-negotiation.absent needs accept-contains and then/else among the values' media types")
	}
	w.acceptContains, w.acceptThen, w.acceptElse = neg.Absent.AcceptContains, then, els

	// Every response's media types must name the same exact content type per format.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				if ref == nil || ref.Value == nil {
					continue
				}
				for media, mt := range ref.Value.Content {
					f, ok := byMedia[media]
					if !ok {
						return w, fmt.Errorf("spec: %s %s %s: media type %q is not a Format value", method, path, status, media)
					}
					ct, _ := mt.Extensions["x-bss-content-type"].(string)
					if ct == "" {
						return w, fmt.Errorf("spec: %s %s %s %s: no x-bss-content-type", method, path, status, media)
					}
					if w.contentType[f] != "" && w.contentType[f] != ct {
						return w, fmt.Errorf("spec: %s %s %s %s: x-bss-content-type %q differs from %q", method, path, status, media, ct, w.contentType[f])
					}
					w.contentType[f] = ct
					if status[0] != '2' {
						if err := checkErrorBody(mt.Schema); err != nil {
							return w, fmt.Errorf("spec: %s %s %s %s: %w", method, path, status, media, err)
						}
					}
				}
			}
		}
	}
	for _, f := range []Format{FormatJSON, FormatXML} {
		if w.contentType[f] == "" {
			return w, fmt.Errorf("spec: no response has %s content", f)
		}
	}
	return w, nil
}

// checkErrorBody checks the gateway error shape that both the fake and the contract suite rely on:
// an object whose every property is a required string (the old SDK reads each with an unchecked
// type assertion and panics on anything else, and on an absent one).
func checkErrorBody(ref *openapi3.SchemaRef) error {
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("error body without a schema")
	}
	s := ref.Value
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) == 0 {
		return fmt.Errorf("error body schema is not an object with properties")
	}
	required := make(map[string]bool, len(s.Required))
	for _, name := range s.Required {
		required[name] = true
	}
	for name, p := range s.Properties {
		if p == nil || p.Value == nil || !p.Value.Type.Is(openapi3.TypeString) {
			return fmt.Errorf("error body property %s is not a string", name)
		}
		if !required[name] {
			return fmt.Errorf("error body property %s is not required", name)
		}
	}
	return nil
}
