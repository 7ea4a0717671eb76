package contract_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/mutants"
	"github.com/bsskit/bsskit/spec"
)

const (
	testKeyID  = "LTAIcontractTestKey"
	testSecret = "contract-test-secret-do-not-print"
)

var creds = contract.Credentials{AccessKeyID: testKeyID, AccessKeySecret: testSecret}

func ledgerIDs(r *contract.Report) []string {
	var ids []string
	for _, l := range r.Ledger {
		ids = append(ids, l.OrderID)
	}
	sort.Strings(ids)
	return ids
}

func orderIDs(srv *fake.Server) []string {
	var ids []string
	for _, o := range srv.Orders() {
		ids = append(ids, o.OrderID)
	}
	sort.Strings(ids)
	return ids
}

// TestFakeConforms: the unmodified fake passes every case with zero findings, with both signature
// versions, with and without signature verification; the ledger lists exactly the fake's orders.
func TestFakeConforms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sig    contract.SignatureVersion
		verify bool
	}{
		{"v1", contract.V1, false},
		{"v3", contract.V3, false},
		{"v1-verifying", contract.V1, true},
		{"v3-verifying", contract.V3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := []fake.Option{fake.WithSeed(7)}
			target := contract.Target{Signature: tc.sig}
			if tc.verify {
				opts = append(opts, fake.WithCredentials(testKeyID, testSecret))
				target.Credentials = creds
			}
			srv := fake.NewServer(t, opts...) // also fails the test if the fake answers off-spec
			target.URL = srv.URL()
			rep, err := contract.Check(context.Background(), target, contract.WithSeed(7))
			require.NoError(t, err)
			assert.Empty(t, rep.Findings())
			assert.True(t, rep.OK())
			assert.Equal(t, tc.verify, rep.Verifies, rep.VerifiesReason)
			counts := rep.Counts()
			assert.Zero(t, counts[contract.StatusFail])
			assert.Zero(t, counts[contract.StatusNotRun])
			unserved := false
			for _, c := range rep.Cases {
				if c.Status != contract.StatusNotApplicable {
					continue
				}
				if c.Group == "operation" {
					// An operation the fake does not serve yet: the report says so in one line.
					assert.Contains(t, c.Reason, "does not serve this operation", c.Name)
					unserved = true
					continue
				}
				if c.Name == "business/commodity-invalid-component" {
					// The default catalogue has no commodity-channel product (TestCatalogues has).
					assert.Contains(t, c.Reason, "commodity channel")
					continue
				}
				// Only the authentication cases may be not applicable, and only without verification.
				assert.Equal(t, "auth", c.Group, c.Name)
				assert.False(t, tc.verify, c.Name)
				assert.Contains(t, c.Reason, "does not verify signatures")
			}
			assert.Equal(t, unserved, rep.Unserved != "", "one line per run names the operations not served: %q", rep.Unserved)
			if tc.verify {
				c, ok := rep.Case("auth/replayed-nonce")
				require.True(t, ok)
				require.Len(t, c.Exchanges, 2)
				assert.Equal(t, "SignatureNonceUsed", c.Exchanges[1].Code)
			}
			assert.Equal(t, orderIDs(srv), ledgerIDs(rep), "the ledger lists every order the run created")
			assert.NotEmpty(t, rep.Ledger)
		})
	}
}

// TestCaseCatalogue: the cases derived from the spec and its catalogue are all there.
func TestCaseCatalogue(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(1), fake.WithCredentials(testKeyID, testSecret))
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL(), Credentials: creds}, contract.WithSeed(1), contract.WithGenerated(3))
	require.NoError(t, err)
	var names []string
	groups := map[string]int{}
	for _, c := range rep.Cases {
		names = append(names, c.Name)
		groups[c.Group]++
		assert.NotEmpty(t, c.Doc, c.Name)
	}
	for _, want := range []string{
		"routing/Action/unknown", "routing/Version/unknown", "method/PUT",
		"missing/ProductCode", "missing/SubscriptionType",
		"invalid/SubscriptionType/not-in-enum", "invalid/RenewalStatus/not-in-enum",
		"invalid/Period/below-minimum", "invalid/Period/not-an-integer", "invalid/Period/above-int32",
		"invalid/OwnerId/raw-pattern", "invalid/ClientToken/too-long", "invalid/ClientToken/pattern",
		"invalid/ProductCode/too-long", "invalid/Format/pattern", "invalid/Logistics/too-long",
		"repeated/Parameter/index-below-minimum", "repeated/Parameter/index-above-maximum",
		"repeated/Parameter/Code-missing", "repeated/Parameter/Value-missing",
		"rule/period-required-for-subscription", "rule/renew-period-required-for-auto-renewal",
		"rule/parameter-code-value-pairs/Code-alone",
		"format/absent-accept-any", "format/absent-accept-xml", "format/absent-accept-json",
		"auth/bad-signature", "auth/unknown-key", "auth/stale-timestamp", "auth/replayed-nonce",
		"auth/unsigned", "auth/incomplete-signature",
		"business/product-not-found", "business/not-applicable", "business/invalid-module-code",
		"business/invalid-config-code", "business/invalid-owner",
		"order/post-json", "order/post-xml", "order/get-json", "order/get-xml", "order/post-json-form-body",
		"idempotency/same-token", "idempotency/new-token",
		"generated/valid/0", "generated/invalid/2",
	} {
		assert.Contains(t, names, want)
	}
	assert.Equal(t, 3, groups["generated"]/2)
	// Every code the negative cases expect is catalogued, and the coverage table says so.
	provoked := 0
	for _, c := range rep.Coverage {
		if len(c.Provoked) > 0 {
			provoked++
			assert.Positive(t, c.Seen, "%s provoked but never seen", c.Code)
		}
	}
	assert.GreaterOrEqual(t, provoked, 15)
	assert.NotEmpty(t, contract.Checks())
}

// TestMutantsAreKilled: every mutant fails the suite, which names the check its deviation breaks;
// the kill rate is 100%.
func TestMutantsAreKilled(t *testing.T) {
	t.Parallel()
	all := mutants.All()
	require.GreaterOrEqual(t, len(all), 28)
	var names []string
	for _, m := range all {
		names = append(names, m.Name)
	}
	// The mutants of the wire facts shared through spec and of the typed decode.
	for _, want := range []string{"xml-content-type-application-xml", "xml-content-type-no-charset", "format-default-flipped", "error-recommend-array", "xml-success-flag-not-boolean", "operation-missing-parameter-accepted", "operation-answer-wrong-type"} {
		assert.Contains(t, names, want)
	}
	var mu sync.Mutex
	killed := 0
	t.Run("group", func(t *testing.T) {
		for _, sig := range []contract.SignatureVersion{contract.V1, contract.V3} {
			ms := append(mutants.Baselines(), all...)
			if sig == contract.V3 {
				ms = mutants.Baselines() // `make mutants` runs every mutant with V3 too
			}
			for _, m := range ms {
				t.Run(string(sig)+"/"+m.Name, func(t *testing.T) {
					t.Parallel()
					res := mutants.Evaluate(context.Background(), m, 3, sig, contract.WithGenerated(6))
					require.NoError(t, res.Err)
					if m.Wrap == nil {
						assert.True(t, res.Killed, "the unmodified fake must pass with zero findings, got %v", res.FailedChecks)
						return
					}
					if assert.True(t, res.Killed, "mutant %s (%s) survived: want a %s finding, got %v", m.Name, m.Deviation, m.Expect, res.FailedChecks) {
						mu.Lock()
						killed++
						mu.Unlock()
					}
					var text bytes.Buffer
					require.NoError(t, res.Report.WriteText(&text))
					assert.Contains(t, text.String(), "RESULT: NOT conformant")
					assert.Contains(t, text.String(), "== "+string(m.Expect)+":", "the report names the deviation's check")
				})
			}
		}
	})
	assert.Equal(t, len(all), killed, "kill rate must be 100%%")
}

// remoteTarget points a made-up host name, which the injected resolver maps to a documentation
// (non-loopback) address, at srvAddr on loopback.
func remoteTarget(srvAddr string) (contract.Target, func(context.Context, string) ([]netip.Addr, error)) {
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, srvAddr)
		},
	}}
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "staging.bsskit.test" {
			return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
		}
		return nil, errors.New("unknown host")
	}
	return contract.Target{URL: "http://staging.bsskit.test:8080", Client: client, Credentials: creds}, resolve
}

// TestNonLoopbackSendsNoOrderPlacingRequest: against a non-loopback endpoint without an order budget,
// nothing that could place an order is sent: the fake (and lenient mutants that drop validation or
// authentication) records zero orders, every request names no product or the sentinel one, and every
// answer is an error.
func TestNonLoopbackSendsNoOrderPlacingRequest(t *testing.T) {
	t.Parallel()
	byName := map[string]mutants.Mutant{}
	for _, m := range mutants.All() {
		byName[m.Name] = m
	}
	for _, name := range []string{"", "signature-not-checked", "period-rule-dropped", "enum-check-dropped", "unknown-action-accepted", "parameter-index-unbounded"} {
		t.Run("mutant="+name, func(t *testing.T) {
			t.Parallel()
			m := byName[name] // zero value: the unmodified fake
			m.Credentials = true
			ts, srv, err := mutants.Start(m, fake.WithSeed(5), fake.WithCredentials(testKeyID, testSecret))
			require.NoError(t, err)
			defer ts.Close()
			target, resolve := remoteTarget(ts.Listener.Addr().String())
			if name == "signature-not-checked" {
				target.Credentials = contract.Credentials{AccessKeyID: mutants.AccessKeyID, AccessKeySecret: mutants.AccessKeySecret}
			}
			rep, err := contract.Check(context.Background(), target, contract.WithSeed(5), contract.WithResolver(resolve))
			require.NoError(t, err)
			assert.False(t, rep.Loopback, rep.LoopbackReason)
			assert.False(t, rep.OrdersAllowed)
			assert.Zero(t, rep.OrderRequests)
			assert.Empty(t, rep.Ledger)
			assert.Empty(t, srv.Orders(), "no order may exist")
			journal := srv.Journal()
			require.NotEmpty(t, journal)
			for _, e := range journal {
				op, known := spec.OperationFor(e.Action)
				if known && op.ReadOnly {
					continue // reads spend nothing: they run in full against any endpoint
				}
				assert.False(t, known && !op.ReadOnly && e.Action != spec.ActionCreateInstance && !lifecycleWrites[e.Action],
					"request %d is a write of %s, sent to a non-loopback endpoint without WithWrites(true)", e.Seq, e.Action)
				assert.NotEqual(t, http.StatusOK, e.Status, "request %d was accepted: %s", e.Seq, e.Query)
				params, _ := url.ParseQuery(e.Query)
				if e.Body != "" {
					form, _ := url.ParseQuery(e.Body)
					for k, v := range form {
						params[k] = append(params[k], v...)
					}
				}
				for _, pc := range params["ProductCode"] {
					assert.True(t, strings.HasPrefix(pc, contract.NoSuchProduct), "request %d names product %q", e.Seq, pc)
				}
			}
			for _, c := range rep.Cases {
				if c.Group == "order" || c.Group == "idempotency" || strings.HasPrefix(c.Name, "generated/valid") {
					assert.Equal(t, contract.StatusNotApplicable, c.Status, c.Name)
					assert.Contains(t, c.Reason, "not allowed")
				}
			}
			if name == "" {
				assert.True(t, rep.OK(), "%v", rep.Findings())
			} else {
				assert.False(t, rep.OK(), "the mutant is still caught")
			}
		})
	}
}

// lifecycleWrites are the writes whose cases run against any endpoint: they name only instances no
// account holds (cases_ops.go).
var lifecycleWrites = map[string]bool{"RefundInstance": true, "SetRenewal": true, "ModifyInstance": true, "RenewInstance": true, "ReleaseInstance": true}

// TestOrdersAgainstNonLoopbackNeedBudgetAndProducts: a budget without products, or a negative one, is
// a usage error; products without a budget order nothing; with a budget and products the run orders,
// skips the cases that would exceed the budget (not a failure) and lists every order.
func TestOrdersAgainstNonLoopbackNeedBudgetAndProducts(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(9), fake.WithCredentials(testKeyID, testSecret))
	target, resolve := remoteTarget(srv.Endpoint())
	ctx := context.Background()
	rtc, err := contract.ParseProduct("rtc?Parameter.1.Code=ServiceType&Parameter.1.Value=universal")
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		opts []contract.Option
	}{
		{"budget without products", []contract.Option{contract.WithMaxOrders(3)}},
		{"negative budget", []contract.Option{contract.WithMaxOrders(-1), contract.WithProducts(rtc)}},
		{"negative generated", []contract.Option{contract.WithGenerated(-1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contract.Check(ctx, target, append(tc.opts, contract.WithResolver(resolve))...)
			assert.ErrorIs(t, err, contract.ErrUsage)
		})
	}
	assert.Zero(t, srv.RequestCount(), "usage errors send nothing")

	t.Run("products without budget", func(t *testing.T) {
		rep, err := contract.Check(ctx, target, contract.WithSeed(9), contract.WithGenerated(0), contract.WithProducts(rtc), contract.WithResolver(resolve))
		require.NoError(t, err)
		assert.False(t, rep.OrdersAllowed)
		assert.Contains(t, rep.OrdersReason, "no order budget")
		assert.Zero(t, rep.OrderRequests)
		assert.Empty(t, srv.Orders())
	})

	rep, err := contract.Check(ctx, target, contract.WithSeed(9), contract.WithMaxOrders(3), contract.WithProducts(rtc), contract.WithResolver(resolve))
	require.NoError(t, err)
	assert.True(t, rep.OrdersAllowed)
	assert.Empty(t, rep.Stopped, "the run needs more than 3 orders: it skips cases, it does not stop")
	assert.True(t, rep.OK(), "%v", rep.Findings())
	assert.Positive(t, rep.OrderRequests)
	assert.LessOrEqual(t, rep.OrderRequests, 3)
	assert.LessOrEqual(t, len(srv.Orders()), 3)
	assert.Equal(t, orderIDs(srv), ledgerIDs(rep))
	require.NotNil(t, rep.MaxOrders)
	assert.Equal(t, 3, *rep.MaxOrders)
	for _, l := range rep.Ledger {
		assert.Equal(t, contract.OrderPlaced, l.Status)
		assert.Equal(t, "rtc", l.ProductCode)
		assert.NotEmpty(t, l.ClientToken)
	}
	counts := rep.Counts()
	assert.Positive(t, counts[contract.StatusSkipped])
	assert.Zero(t, counts[contract.StatusNotRun])
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "== skipped (order budget): ")
	assert.NotContains(t, text.String(), "STOPPED")
}

// TestLoopbackDecision: only hosts that are or resolve to nothing but loopback addresses count as
// loopback; resolution failures are treated as remote.
func TestLoopbackDecision(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(2))
	_, port, _ := net.SplitHostPort(srv.Endpoint())
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "fake.local":
			return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, nil
		case "mixed.example":
			return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("198.51.100.4")}, nil
		}
		return nil, errors.New("no such host")
	}
	for _, tc := range []struct {
		host     string
		loopback bool
	}{
		{"127.0.0.1", true},
		{"[::1]", true},
		{"fake.local", true},
		{"mixed.example", false},
		{"unresolvable.example", false},
		{"203.0.113.9", false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			dialer := &net.Dialer{}
			client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, srv.Endpoint())
			}}}
			rep, err := contract.Check(context.Background(), contract.Target{URL: "http://" + tc.host + ":" + port, Client: client, Credentials: creds},
				contract.WithResolver(resolve), contract.WithRun(regexp.MustCompile(`^missing/ProductCode$`)), contract.WithVerification(contract.VerifyNo))
			require.NoError(t, err)
			assert.Equal(t, tc.loopback, rep.Loopback, rep.LoopbackReason)
			assert.Equal(t, tc.loopback, rep.OrdersAllowed)
		})
	}
}

// TestGeneratedCasesShrinkAndReproduce: a generated case that fails is shrunk and printed as one
// line with the seed and a curl command whose secrets are redacted; the same seed sends the same
// cases.
func TestGeneratedCasesShrinkAndReproduce(t *testing.T) {
	t.Parallel()
	m, ok := mutants.ByName("get-unsupported")
	require.True(t, ok, "no mutant %q", "get-unsupported")
	m.Credentials = true
	run := func() *contract.Report {
		ts, _, err := mutants.Start(m, fake.WithSeed(11))
		require.NoError(t, err)
		defer ts.Close()
		rep, err := contract.Check(context.Background(), m.Target(ts.URL), contract.WithSeed(11), contract.WithGenerated(12), contract.WithRun(regexp.MustCompile(`^generated/`)))
		require.NoError(t, err)
		return rep
	}
	a, b := run(), run()
	var repros int
	for i, c := range a.Cases {
		assert.Equal(t, c.Doc, b.Cases[i].Doc, "same seed, same case")
		assert.Equal(t, c.Status, b.Cases[i].Status, c.Name)
		if c.Status != contract.StatusFail {
			continue
		}
		repros++
		require.NotEmpty(t, c.Repro, c.Name)
		assert.NotContains(t, c.Repro, "\n")
		assert.Contains(t, c.Repro, "seed=11")
		assert.Contains(t, c.Repro, "--seed 11 --run '^"+c.Name+"$'")
		assert.Contains(t, c.Repro, "curl -sS -X GET")
		assert.Contains(t, c.Repro, "Signature=REDACTED")
		assert.NotContains(t, c.Repro, mutants.AccessKeySecret)
		assert.NotContains(t, c.Repro, "Logistics=", "shrinking drops optional parameters")
		assert.NotContains(t, c.Repro, "RenewalStatus=", "shrinking drops optional parameters")
	}
	assert.Positive(t, repros, "GET valid orders fail against this mutant")
}

// TestReportsNeverPrintSecrets: text, JSON and JUnit reports of a run with failures carry no secret.
func TestReportsNeverPrintSecrets(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(4), fake.WithCredentials(testKeyID, testSecret))
	tok := "STS.secret-token-value"
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL(), Credentials: creds}, contract.WithSeed(4), contract.WithGenerated(2))
	require.NoError(t, err)
	require.True(t, rep.OK())
	// A wrong secret stops the run at the preflight: its one line carries no secret either.
	bad := contract.Credentials{AccessKeyID: testKeyID, AccessKeySecret: "wrong-" + testSecret, SecurityToken: tok}
	_, err = contract.Check(context.Background(), contract.Target{URL: srv.URL(), Credentials: bad, Signature: contract.V3}, contract.WithSeed(4), contract.WithGenerated(2))
	require.ErrorIs(t, err, contract.ErrCredentials)
	assert.NotContains(t, err.Error(), testSecret)
	assert.NotContains(t, err.Error(), tok)
	// A failing run too: a mutant that does not verify signatures, sent a token and a secret.
	m, ok := mutants.ByName("content-type-no-charset")
	require.True(t, ok)
	ts, _, err := mutants.Start(m, fake.WithSeed(4))
	require.NoError(t, err)
	defer ts.Close()
	rep2, err := contract.Check(context.Background(), contract.Target{URL: ts.URL, Credentials: bad, Signature: contract.V3}, contract.WithSeed(4), contract.WithGenerated(2))
	require.NoError(t, err)
	require.False(t, rep2.OK())
	for _, r := range []*contract.Report{rep, rep2} {
		var out bytes.Buffer
		require.NoError(t, r.WriteText(&out))
		require.NoError(t, r.WriteJSON(&out))
		require.NoError(t, r.WriteJUnit(&out))
		assert.NotContains(t, out.String(), testSecret)
		assert.NotContains(t, out.String(), tok)
		assert.Contains(t, out.String(), "REDACTED")
	}
	assert.NotContains(t, creds.String(), testSecret)
	assert.NotContains(t, (&bytes.Buffer{}).String()+creds.GoString(), testSecret)
}

// TestJUnit: the JUnit report is well-formed XML with one testcase per case, failures and skips.
func TestJUnit(t *testing.T) {
	t.Parallel()
	m, ok := mutants.ByName("content-type-no-charset")
	require.True(t, ok, "no mutant %q", "content-type-no-charset")
	ts, _, err := mutants.Start(m, fake.WithSeed(6))
	require.NoError(t, err)
	defer ts.Close()
	rep, err := contract.Check(context.Background(), m.Target(ts.URL), contract.WithSeed(6), contract.WithGenerated(2))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&out))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, len(rep.Cases), doc.Tests, "one testcase per case, no other")
	assert.Positive(t, doc.Failures)
	assert.Equal(t, rep.Counts()[contract.StatusNotApplicable], doc.Skipped)
	var types []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				types = append(types, c.Failure.Type)
			}
		}
	}
	assert.True(t, slices.ContainsFunc(types, func(s string) bool { return strings.Contains(s, "content-type") }))
}

// TestCompare: the same cases against two endpoints; the fake against itself has no drift, against a
// mutant the differing aspect is named.
func TestCompare(t *testing.T) {
	t.Parallel()
	a := fake.NewServer(t, fake.WithSeed(8))
	b := fake.NewServer(t, fake.WithSeed(9))
	opts := []contract.Option{contract.WithSeed(8), contract.WithGenerated(0)}
	d, err := contract.Compare(context.Background(), contract.Target{URL: a.URL()}, contract.Target{URL: b.URL()}, opts...)
	require.NoError(t, err)
	assert.Empty(t, d.Differences)
	assert.True(t, d.OK())

	for _, tc := range []struct{ mutant, aspect string }{
		{"message-changed", "message"},
		{"missing-parameter-404", "status"},
		{"wrong-code-invalid-version", "code"},
		{"order-id-number", "shape"},
	} {
		t.Run(tc.mutant, func(t *testing.T) {
			m, ok := mutants.ByName(tc.mutant)
			require.True(t, ok, "no mutant %q", tc.mutant)
			ts, _, err := mutants.Start(m, fake.WithSeed(8))
			require.NoError(t, err)
			d, err := contract.Compare(context.Background(), contract.Target{URL: a.URL()}, m.Target(ts.URL), opts...)
			ts.Close()
			require.NoError(t, err)
			require.NotEmpty(t, d.Differences, tc.mutant)
			var aspects []string
			for _, x := range d.Differences {
				aspects = append(aspects, x.Aspect)
			}
			assert.Contains(t, aspects, tc.aspect, tc.mutant)
			var out bytes.Buffer
			require.NoError(t, d.WriteText(&out))
			assert.Contains(t, out.String(), "RESULT: ")
			out.Reset()
			require.NoError(t, d.WriteJUnit(&out))
			var doc struct {
				Failures int `xml:"failures,attr"`
			}
			require.NoError(t, xml.Unmarshal(out.Bytes(), &doc))
			assert.Positive(t, doc.Failures, tc.mutant)
			out.Reset()
			require.NoError(t, d.WriteJSON(&out))
			assert.Contains(t, out.String(), `"aspect": "`+tc.aspect+`"`)
		})
	}
}

// TestRun: against the fake, the testing wrapper returns the report of a full run: every case
// passed or was not applicable, each with its subtest, and the ledger lists exactly the fake's
// orders with their ProductCode and ClientToken. TestRunReportsFindings checks the failing side.
func TestRun(t *testing.T) {
	srv := fake.NewServer(t, fake.WithSeed(12))
	rep := contract.Run(t, contract.Target{URL: srv.URL()}, contract.WithSeed(12), contract.WithGenerated(2))
	n := rep.Counts()
	assert.Zero(t, n[contract.StatusFail])
	assert.Zero(t, n[contract.StatusNotRun])
	assert.Equal(t, len(rep.Cases), n[contract.StatusPass]+n[contract.StatusNotApplicable])
	assert.Greater(t, n[contract.StatusPass], 50, "routing, validation, business, order and generated cases ran")
	assert.Equal(t, orderIDs(srv), ledgerIDs(rep))
	tokens := map[string]bool{}
	for _, l := range rep.Ledger {
		assert.Equal(t, contract.OrderPlaced, l.Status)
		assert.NotEmpty(t, l.ProductCode)
		assert.False(t, l.Unexpected)
		if l.ClientToken != "" {
			tokens[l.ClientToken] = true
		}
	}
	assert.NotEmpty(t, tokens)
	assert.Empty(t, rep.Findings())
}

// TestRunReportsFindings runs contract.Run against a mutant in a child test process and checks
// what the test output says: the failing case's subtest fails with the check and the redacted
// curl command, a not-applicable case is skipped with its reason, and the run fails.
func TestRunReportsFindings(t *testing.T) {
	if os.Getenv("BSSKIT_CONTRACT_RUN_CHILD") == "1" {
		m, ok := mutants.ByName("missing-parameter-404")
		require.True(t, ok, "no mutant %q", "missing-parameter-404")
		ts, _, err := mutants.Start(m, fake.WithSeed(13))
		require.NoError(t, err)
		defer ts.Close()
		contract.Run(t, m.Target(ts.URL), contract.WithSeed(13), contract.WithGenerated(0), contract.WithRun(regexp.MustCompile(`^(missing/ProductCode|invalid/Period/below-minimum|auth/bad-signature)$`)))
		return
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestRunReportsFindings$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "BSSKIT_CONTRACT_RUN_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child run must fail:\n%s", out)
	text := string(out)
	assert.Contains(t, text, "--- FAIL: TestRunReportsFindings/missing/ProductCode")
	assert.Contains(t, text, "status: code MissingParameter came with HTTP 404")
	assert.Contains(t, text, "curl ")
	assert.Contains(t, text, "--- PASS: TestRunReportsFindings/invalid/Period/below-minimum")
	assert.Contains(t, text, "--- SKIP: TestRunReportsFindings/auth/bad-signature")
	assert.Contains(t, text, "does not verify signatures")
}

func TestParseProduct(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		code    string
		params  url.Values
		wantErr bool
	}{
		{in: "rtc", code: "rtc"},
		{in: "sas?SubscriptionType=Subscription&Period=12", code: "sas", params: url.Values{"SubscriptionType": {"Subscription"}, "Period": {"12"}}},
		{in: "", wantErr: true},
		{in: "?Period=1", wantErr: true},
		{in: contract.NoSuchProduct, wantErr: true},
		{in: "rtc?ProductCode=x", wantErr: true},
		{in: "rtc?%zz", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := contract.ParseProduct(tc.in)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.code, p.Code)
			assert.Equal(t, tc.params, p.Params)
		})
	}
}

// TestCompareRemoteAndFake: staging (non-loopback, no orders) against a fake: the fake gets no
// orders either, so the two runs have the same cases and no drift.
func TestCompareRemoteAndFake(t *testing.T) {
	t.Parallel()
	staging := fake.NewServer(t, fake.WithSeed(1), fake.WithCredentials(testKeyID, testSecret))
	local := fake.NewServer(t, fake.WithSeed(2), fake.WithCredentials(testKeyID, testSecret))
	target, resolve := remoteTarget(staging.Endpoint())
	d, err := contract.Compare(context.Background(), target, contract.Target{URL: local.URL(), Credentials: creds}, contract.WithSeed(3), contract.WithResolver(resolve))
	require.NoError(t, err)
	assert.Empty(t, d.Differences)
	assert.False(t, d.B.OrdersAllowed)
	assert.Empty(t, local.Orders())
	assert.Empty(t, staging.Orders())
}

// TestLedgerStatus: the ledger says what the run knows of each order: a success without an OrderId
// is listed as placed without one (never with a made-up OrderId), and an order-capable request
// whose answer never came as an order of unknown outcome; both keep the ProductCode and the
// ClientToken sent.
func TestLedgerStatus(t *testing.T) {
	t.Parallel()
	withoutData, ok := mutants.ByName("success-without-data")
	require.True(t, ok, "no mutant %q", "success-without-data")
	// hangUp lets the fake place the order, then closes the connection without an answer.
	hangUp := mutants.Mutant{Name: "hang-up", Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/__admin/") {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
	}}
	for _, tc := range []struct {
		name   string
		m      mutants.Mutant
		status contract.OrderStatus
	}{
		{"success without OrderId", withoutData, contract.OrderPlacedWithoutID},
		{"no answer", hangUp, contract.OrderOutcomeUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, srv, err := mutants.Start(tc.m, fake.WithSeed(14))
			require.NoError(t, err)
			defer ts.Close()
			rep, err := contract.Check(context.Background(), contract.Target{URL: ts.URL}, contract.WithSeed(14), contract.WithGenerated(0), contract.WithRun(regexp.MustCompile(`^order/post-json$`)))
			require.NoError(t, err)
			require.Len(t, rep.Ledger, 1)
			l := rep.Ledger[0]
			assert.Equal(t, tc.status, l.Status)
			assert.Empty(t, l.OrderID, "no sentinel in the OrderId")
			assert.Equal(t, "order/post-json", l.Case)
			require.Len(t, srv.Orders(), 1, "the fake did place the order")
			assert.Equal(t, srv.Orders()[0].ProductCode, l.ProductCode)
			assert.True(t, strings.HasPrefix(l.ClientToken, "bsskit-"), l.ClientToken)
			assert.False(t, rep.OK())
			var text bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			assert.Contains(t, text.String(), "- "+string(tc.status)+" OrderId - ")
		})
	}
}

// TestNoCatalogue: an endpoint without the admin API (as the real service) gets no order-placing
// case unless products are named: the suite has no built-in catalogue. With a named product the
// same endpoint gets orders.
func TestNoCatalogue(t *testing.T) {
	t.Parallel()
	noAdmin := noAdminMutant()
	rtc, err := contract.ParseProduct("rtc?Parameter.1.Code=ServiceType&Parameter.1.Value=universal")
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		products []contract.Product
		orders   bool
	}{
		{"no products", nil, false},
		{"named product", []contract.Product{rtc}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, srv, err := mutants.Start(noAdmin, fake.WithSeed(15))
			require.NoError(t, err)
			defer ts.Close()
			rep, err := contract.Check(context.Background(), noAdmin.Target(ts.URL), contract.WithSeed(15), contract.WithGenerated(2), contract.WithProducts(tc.products...))
			require.NoError(t, err)
			assert.True(t, rep.Verifies, "without /__admin/health the endpoint is assumed to verify")
			assert.Equal(t, tc.orders, rep.OrdersAllowed, rep.OrdersReason)
			assert.Empty(t, rep.Findings())
			c, ok := rep.Case("order/post-json")
			require.True(t, ok)
			na, _ := rep.Case("business/invalid-module-code")
			assert.Equal(t, contract.StatusNotApplicable, na.Status, "only a catalogue tells the modules")
			if tc.orders {
				assert.Equal(t, contract.StatusPass, c.Status)
				assert.Equal(t, []string{"rtc"}, rep.Products)
				assert.Equal(t, orderIDs(srv), ledgerIDs(rep))
				assert.NotEmpty(t, rep.Ledger)
				return
			}
			assert.Contains(t, rep.OrdersReason, "no built-in catalogue")
			assert.Equal(t, contract.StatusNotApplicable, c.Status)
			assert.Contains(t, c.Reason, "no built-in catalogue")
			assert.Empty(t, srv.Orders())
			assert.Zero(t, rep.OrderRequests)
		})
	}
}
