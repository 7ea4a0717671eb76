package fake

import (
	"net/http"
	"strings"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// failInBody answers a body-channel error: HTTP 200 with Success false, the code and a non-empty
// message, with the RequestId, HostId and Recommend of the gateway. A caller that follows the
// Terraform provider's rule takes a 200 body with an empty Message for a success, so an empty
// message falls back to the catalogue's.
func (ex *exchange) failInBody(def spec.ErrorDef, message string) {
	if message == "" {
		message = renderBare(def)
	}
	if message == "" {
		message = string(def.Code)
	}
	id := ex.entry.RequestID
	bp := bufPool.Get().(*[]byte)
	body := wire.AppendBodyFailure((*bp)[:0], ex.req.Format, &generated.BusinessErrorResponse{
		RequestId: id,
		HostId:    ex.site.Host,
		Code:      string(def.Code),
		Message:   message,
		Recommend: wire.Recommend(string(def.Code), id),
		Success:   false,
	})
	ex.answer(200, string(def.Code), body)
	*bp = body
	bufPool.Put(bp)
}

// errorDef returns the catalogue entry of a rule's error, or for a code outside the catalogue one
// made of the rule's channel and message, and the HTTP status to answer: the rule's Status, else
// 200 on the body channel, else the catalogue's status.
func (o *Outcome) errorDef() (spec.ErrorDef, int) {
	def, ok := spec.Lookup(o.Error)
	if !ok {
		def = spec.ErrorDef{Code: o.Error, Channel: o.Channel, Message: o.Message, Layer: spec.LayerBusiness}
	}
	switch {
	case o.Status != 0:
		return def, o.Status
	case o.Channel == spec.ChannelBody:
		return def, http.StatusOK
	case o.Channel == spec.ChannelHTTP && def.Channel == spec.ChannelBody:
		// A catalogued body-channel code moved to the http channel without a status: the
		// gateway's usual client error.
		return def, http.StatusBadRequest
	}
	return def, def.HTTPStatus
}

// validateError checks a rule's error code, channel, status and message together.
func (o *Outcome) validateError(segs []string, errs *ruleErrors) {
	switch o.Channel {
	case "", spec.ChannelHTTP, spec.ChannelBody:
	default:
		errs.add(sub(segs, "channel"), "%q is neither %s nor %s", o.Channel, spec.ChannelHTTP, spec.ChannelBody)
	}
	if o.Status != 0 && o.Channel != "" && (o.Status == http.StatusOK) != (o.Channel == spec.ChannelBody) {
		errs.add(sub(segs, "status"), "status %d disagrees with channel %s: the body channel is HTTP 200, the http channel 400 to 599", o.Status, o.Channel)
	}
	if _, ok := spec.Lookup(o.Error); ok {
		return
	}
	if !validUncataloguedCode(string(o.Error)) {
		errs.add(sub(segs, "error"), "%q is not a catalogued error code (want one of %s), nor a code of printable ASCII without spaces, at most 64 characters", o.Error, knownCodes())
		return
	}
	if o.Channel == "" && o.Message == "" {
		// Most likely a misspelt catalogued code: say so first.
		errs.add(sub(segs, "error"), "%q is not a catalogued error code (want one of %s); for a code outside the catalogue set channel (http or body), message and, on http, status", o.Error, knownCodes())
		return
	}
	if o.Channel == "" {
		errs.add(sub(segs, "channel"), "error %q is not in the catalogue: set its channel (http or body), status (for http) and message", o.Error)
	}
	if o.Channel == spec.ChannelHTTP && o.Status == 0 {
		errs.add(sub(segs, "status"), "error %q is not in the catalogue: the http channel needs a status, 400 to 599", o.Error)
	}
	if strings.TrimSpace(o.Message) == "" {
		errs.add(sub(segs, "message"), "error %q is not in the catalogue: set its message (a body-channel error with an empty Message reads as success to real callers)", o.Error)
	}
}

// validUncataloguedCode reports whether code can travel as an error code: printable ASCII without
// spaces, 1 to 64 characters.
func validUncataloguedCode(code string) bool {
	if code == "" || len(code) > 64 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] <= ' ' || code[i] > '~' {
			return false
		}
	}
	return true
}
