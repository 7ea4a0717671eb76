package spec

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Code is an error code of the catalogue, such as [CodeInvalidParameter]. The constants are
// generated from the document's x-bss-errors extension (codes.gen.go).
type Code string

// Layer says who answers an error on the real service.
type Layer string

// The layers of the catalogue.
const (
	// LayerGateway errors are answered by the API gateway before BSS sees the call.
	LayerGateway Layer = "gateway"
	// LayerBusiness errors are answered by BSS itself.
	LayerBusiness Layer = "business"
)

// Channel says how an error reaches the caller.
type Channel string

// The channels of the catalogue.
const (
	// ChannelHTTP errors are HTTP 4xx/5xx answers with the ErrorResponse body; the SDKs raise them.
	ChannelHTTP Channel = "http"
	// ChannelBody errors are HTTP 200 answers with the BusinessErrorResponse body: Success false, the
	// code and a non-empty Message. Neither SDK raises them; callers read Success or Code themselves.
	ChannelBody Channel = "body"
)

// The sources of catalogue entries ([ErrorDef.Source]).
const (
	// SourceSeed is the 2019 documentation page.
	SourceSeed = "seed"
	// SourceDocs is the current BssOpenApi documentation table.
	SourceDocs = "docs"
	// SourceReference is a gateway code seen in the field (shared/reference/alibaba-rpc-wire.md).
	SourceReference = "reference"
	// SourceCapture is an answer captured in the field, message included.
	SourceCapture = "capture"
	// SourceCaller is a code real callers handle in their code; its message is bsskit's wording.
	SourceCaller = "caller"
	// SourceMetadata is Alibaba's official API metadata (api-docs.json), cleaned by cmd/specgen.
	SourceMetadata = "metadata"
	// SourceSDK is the old Go SDK's typed models.
	SourceSDK = "sdk"
)

// ErrorDef is one entry of the error catalogue.
type ErrorDef struct {
	// Code is the error code, as in the Code field of the error body.
	Code Code `json:"code"`
	// HTTPStatus is the documented HTTP status for the code: 200 on [ChannelBody].
	HTTPStatus int `json:"httpStatus"`
	// Channel is how the error reaches the caller: an HTTP error or an HTTP 200 body.
	Channel Channel `json:"channel"`
	// Message is the message template: {param} stands for the offending parameter's name and
	// {stringToSign} for the server's StringToSign. See [ErrorDef.Render].
	Message string `json:"message"`
	// Retryable says whether real callers retry the same request (same ClientToken) unchanged.
	Retryable bool `json:"retryable"`
	// Layer is who answers the error on the real service.
	Layer Layer `json:"layer"`
	// Source says where the entry comes from: [SourceSeed], [SourceDocs], [SourceReference],
	// [SourceCapture], [SourceCaller], [SourceMetadata] or [SourceSDK], optionally followed by
	// "; " and notes (what cmd/specgen's cleaning changed, or where the metadata disagrees).
	Source string `json:"source"`
	// Description explains when the code is returned.
	Description string `json:"description"`
	// Actions are the Actions documented to answer the code (the metadata's lists and the
	// overlay's decisions); empty for codes any Action may answer (the gateway's).
	Actions []string `json:"actions,omitempty"`
}

// Kind returns the source's kind: [ErrorDef.Source] without its notes.
func (d ErrorDef) Kind() string {
	kind, _, _ := strings.Cut(d.Source, ";")
	return strings.TrimSpace(kind)
}

// AppliesTo says whether the Action is documented to answer the code: it is one of the entry's
// Actions, or the entry names none.
func (d ErrorDef) AppliesTo(action string) bool {
	return len(d.Actions) == 0 || slices.Contains(d.Actions, action)
}

// ErrorsFor returns the catalogued errors an Action may answer ([ErrorDef.AppliesTo]), in document
// order.
func ErrorsFor(action string) []ErrorDef {
	var out []ErrorDef
	for _, d := range get().cat.defs {
		if d.AppliesTo(action) {
			out = append(out, d)
		}
	}
	return out
}

// Render fills the message template. vars are pairs of placeholder name and value, such as
// Render("param", "Period"); placeholders without a value are left as they are.
func (d ErrorDef) Render(vars ...string) string {
	msg := d.Message
	if !strings.Contains(msg, "{") {
		return msg
	}
	for i := 0; i+1 < len(vars); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+vars[i]+"}", vars[i+1])
	}
	return msg
}

// Catalogue is the parsed x-bss-errors extension.
type Catalogue struct {
	defs   []ErrorDef
	byCode map[Code]int
}

// Errors returns every catalogued error, in document order. The slice is a copy.
func Errors() []ErrorDef { return append([]ErrorDef(nil), get().cat.defs...) }

// Lookup returns the catalogue entry of code.
func Lookup(code Code) (ErrorDef, bool) {
	c := get().cat
	i, ok := c.byCode[code]
	if !ok {
		return ErrorDef{}, false
	}
	return c.defs[i], true
}

// MustLookup is [Lookup] for codes known at compile time (the generated constants). It panics on a
// code that is not in the catalogue, which the package's tests rule out for every constant.
func MustLookup(code Code) ErrorDef {
	d, ok := Lookup(code)
	if !ok {
		panic(fmt.Sprintf("spec: error code %q is not in the catalogue", code))
	}
	return d
}

func parseCatalogue(doc *openapi3.T) (*Catalogue, error) {
	raw, ok := doc.Extensions["x-bss-errors"]
	if !ok {
		return nil, fmt.Errorf("spec: the document has no x-bss-errors catalogue")
	}
	var defs []ErrorDef
	if err := remarshal(raw, &defs); err != nil {
		return nil, fmt.Errorf("spec: x-bss-errors: %w", err)
	}
	c := &Catalogue{defs: defs, byCode: make(map[Code]int, len(defs))}
	for i, d := range defs {
		switch {
		case d.Code == "":
			return nil, fmt.Errorf("spec: x-bss-errors[%d]: empty code", i)
		case d.Channel != ChannelHTTP && d.Channel != ChannelBody:
			return nil, fmt.Errorf("spec: x-bss-errors %s: channel %q is neither http nor body", d.Code, d.Channel)
		case d.Channel == ChannelHTTP && (http.StatusText(d.HTTPStatus) == "" || d.HTTPStatus < 400):
			return nil, fmt.Errorf("spec: x-bss-errors %s: httpStatus %d is not an HTTP error status", d.Code, d.HTTPStatus)
		case d.Channel == ChannelBody && d.HTTPStatus != http.StatusOK:
			return nil, fmt.Errorf("spec: x-bss-errors %s: a body-channel code has httpStatus 200, not %d", d.Code, d.HTTPStatus)
		case !validSource(d.Kind()):
			return nil, fmt.Errorf("spec: x-bss-errors %s: source %q is not one of seed, docs, reference, capture, caller, metadata, sdk", d.Code, d.Source)
		case d.Message == "":
			return nil, fmt.Errorf("spec: x-bss-errors %s: empty message", d.Code)
		case d.Layer != LayerGateway && d.Layer != LayerBusiness:
			return nil, fmt.Errorf("spec: x-bss-errors %s: layer %q is neither gateway nor business", d.Code, d.Layer)
		}
		if _, dup := c.byCode[d.Code]; dup {
			return nil, fmt.Errorf("spec: x-bss-errors: code %s appears twice", d.Code)
		}
		c.byCode[d.Code] = i
	}
	return c, nil
}

func validSource(s string) bool {
	switch s {
	case SourceSeed, SourceDocs, SourceReference, SourceCapture, SourceCaller, SourceMetadata, SourceSDK:
		return true
	}
	return false
}

// remarshal converts a decoded extension value (maps and slices) into a typed value.
func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}
