package fake

import (
	"encoding/json"
	"encoding/xml"
	"net/http"

	"github.com/bsskit/bsskit/spec"
)

// xmlDecl starts every XML answer, as the real service's do.
const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`

// succeedRead answers HTTP 200 with a read operation's success body, a generated response type:
// JSON, or XML whose root element is the type's name and whose arrays are unwrapped (one element
// per item), which is how both SDKs decode them. Go field names are the wire names, so the
// standard encoders need no tags.
func (ex *exchange) succeedRead(v any) {
	var body []byte
	var err error
	if ex.req.Format == spec.FormatXML {
		body, err = xml.Marshal(v)
		body = append([]byte(xmlDecl), body...)
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil { // the generated types always encode; this is a defect, answered as the service would
		ex.fail(spec.CodeInternalError, "")
		return
	}
	ex.answer(http.StatusOK, "Success", body)
}
