package fake

import "net/http"

// adminRoute is one endpoint of the admin API: how it is routed, what it does, and its handler.
// The one table, [adminRoutes], builds both the mux and the index GET /__admin/ answers, so the
// index cannot miss a route.
type adminRoute struct {
	// Method and Path route it ("{id}" stands for a path element).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Doc says what it does.
	Doc string `json:"doc"`
	// serve answers it.
	serve func(s *Server, w http.ResponseWriter, r *http.Request)
}

// adminRoutes is the admin API. Admin answers are JSON; errors are {"error": "..."}. A GET route
// also answers HEAD (net/http method patterns).
func adminRoutes() []adminRoute {
	return []adminRoute{
		{http.MethodGet, adminPrefix, "this list", (*Server).adminIndex},
		{http.MethodGet, adminPrefix + "health", "liveness, counters, the seed and whether signatures are verified", (*Server).adminHealth},
		{http.MethodGet, adminPrefix + "requests", "the journal", (*Server).adminRequests},
		{http.MethodGet, adminPrefix + "orders", "the orders", (*Server).adminOrders},
		{http.MethodGet, adminPrefix + "catalog", "the product catalogue", (*Server).adminCatalog},
		{http.MethodGet, adminPrefix + "verdicts", "the verdicts on the caller's behaviour, with the thresholds", (*Server).adminVerdicts},
		{http.MethodPost, adminPrefix + "reset", "forget orders, ClientTokens and the journal", (*Server).adminReset},
		{http.MethodGet, adminFaults, "the seed, the fault rules and their counters", (*Server).adminListFaults},
		{http.MethodPost, adminFaults, "add a rule or a scenario (YAML or JSON body), all or nothing", (*Server).addFaults},
		{http.MethodGet, adminFaults + "/scenario", "the rules as a scenario file that reproduces the run", (*Server).adminScenario},
		{http.MethodPost, adminFaults + "/reset", "remove every rule", (*Server).adminClearFaults},
		{http.MethodDelete, adminFaults + "/{id}", "remove one rule", (*Server).adminRemoveFault},
		{http.MethodGet, adminPrefix + "instances", "the instances held now, with their status", (*Server).adminInstances},
		{http.MethodPost, adminPrefix + "clock/advance", `{"by": "30s"}: move the fake's one clock forward (instances, payments, rule windows, journal)`, (*Server).adminAdvance},
	}
}

// pattern is the route's http.ServeMux pattern: the index matches /__admin/ only, not below it.
func (a *adminRoute) pattern() string {
	if a.Path == adminPrefix {
		return a.Method + " " + adminPrefix + "{$}"
	}
	return a.Method + " " + a.Path
}

// newAdminMux routes the admin API of [adminRoutes].
func (s *Server) newAdminMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range adminRoutes() {
		mux.HandleFunc(rt.pattern(), func(w http.ResponseWriter, r *http.Request) { rt.serve(s, w, r) })
	}
	return mux
}

// adminIndex answers GET /__admin/: the admin endpoints, so that a person who finds the admin API
// with curl learns the rest of it.
func (s *Server) adminIndex(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"endpoints": adminRoutes()})
}
