package fake

import "net/http"

// adminEndpoint is one endpoint of the admin API, as GET /__admin/ lists it.
type adminEndpoint struct {
	// Method and Path route it ("{id}" stands for a path element).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Doc says what it does.
	Doc string `json:"doc"`
}

// adminEndpoints is the admin API as GET /__admin/ lists it, in the order of newAdminMux and
// routeFaults; a test checks that each is routed.
var adminEndpoints = []adminEndpoint{
	{http.MethodGet, adminPrefix, "this list"},
	{http.MethodGet, adminPrefix + "health", "liveness, counters, the seed and whether signatures are verified"},
	{http.MethodGet, adminPrefix + "requests", "the journal"},
	{http.MethodGet, adminPrefix + "orders", "the orders"},
	{http.MethodGet, adminPrefix + "catalog", "the product catalogue"},
	{http.MethodPost, adminPrefix + "reset", "forget orders, ClientTokens and the journal"},
	{http.MethodGet, adminFaults, "the seed, the fault rules and their counters"},
	{http.MethodPost, adminFaults, "add a rule or a scenario (YAML or JSON body)"},
	{http.MethodGet, adminFaults + "/scenario", "the rules as a scenario file"},
	{http.MethodPost, adminFaults + "/reset", "remove every rule"},
	{http.MethodDelete, adminFaults + "/{id}", "remove one rule"},
}

// adminIndex answers GET /__admin/: the admin endpoints, so that a person who finds the admin API
// with curl learns the rest of it.
func (s *Server) adminIndex(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"endpoints": adminEndpoints})
}
