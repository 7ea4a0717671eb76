package fake

import (
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
