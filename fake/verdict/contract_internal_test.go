package verdict

import (
	"net/http"
	"testing"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake/journal"
)

// TestContractAgentIsTheSuites: the token the judge leaves out is the one the contract suite
// sends (contract.UserAgentProduct "/" version), so the rule cannot drift from the suite.
func TestContractAgentIsTheSuites(t *testing.T) {
	t.Parallel()
	if want := contract.UserAgentProduct + "/"; contractAgent != want {
		t.Errorf("contractAgent = %q, the suite's token is %q", contractAgent, want)
	}
	e := journal.Entry{Header: http.Header{"User-Agent": {contract.UserAgent()}}}
	if !fromContract(&e) {
		t.Errorf("the suite's User-Agent %q is not recognised", contract.UserAgent())
	}
}
