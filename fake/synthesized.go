package fake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// serveSynthesized answers an Action the fake keeps no state for: the request is validated
// against the operation's parameters like every other (readRequest, query.go), then answered with
// internal/synth's deterministic, schema-true success body: the same for the same seed
// ([WithSeed]) and Action, the RequestId the fake's. The shared path checks it against the spec
// like every other answer.
func (s *Server) serveSynthesized(ex *exchange) {
	if _, ok := s.readRequest(ex); !ok {
		return
	}
	v, err := synth.Answer(ex.req.Action, s.seed, ex.entry.RequestID)
	if err != nil { // the spec has an operation synth cannot answer: a defect, answered as the service would
		ex.fail(spec.CodeInternalError, "")
		return
	}
	var body []byte
	if ex.req.Format == spec.FormatXML {
		body = appendXMLDoc(nil, ex.req.Action+"Response", v)
	} else if body, err = json.Marshal(v); err != nil {
		ex.fail(spec.CodeInternalError, "")
		return
	}
	ex.answer(http.StatusOK, "Success", body)
}

// appendXMLDoc appends v as the gateway's XML to dst: the declaration, then root around v's
// elements. Objects are child elements (in name order, so the answer is stable), arrays are
// unwrapped (one element per item, named after the property), as for the read answers
// (read_answer.go) and as both SDKs decode them.
func appendXMLDoc(dst []byte, root string, v map[string]any) []byte {
	dst = append(dst, xmlDecl...)
	return appendXMLElem(dst, root, v)
}

func appendXMLElem(dst []byte, name string, v any) []byte {
	if items, ok := v.([]any); ok {
		for _, it := range items {
			dst = appendXMLElem(dst, name, it)
		}
		return dst
	}
	dst = append(append(append(dst, '<'), name...), '>')
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			dst = appendXMLElem(dst, k, v[k])
		}
	case string:
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(v)) // writes to memory: never fails
		dst = append(dst, b.Bytes()...)
	case float64:
		dst = strconv.AppendFloat(dst, v, 'f', -1, 64)
	case int64:
		dst = strconv.AppendInt(dst, v, 10)
	case bool:
		dst = strconv.AppendBool(dst, v)
	case nil:
	default:
		dst = fmt.Append(dst, v)
	}
	return append(append(append(dst, '<', '/'), name...), '>')
}
