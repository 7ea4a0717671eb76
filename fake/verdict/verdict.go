// Package verdict judges a caller from the fake's journal: pure functions of [journal.Entry]
// values, such as buying twice after a lost answer or hammering a throttled API, each named with
// the requests that prove it. [Judge] is the judge; [Assert] fails a test on its findings.
//
//	verdict.Assert(t, srv.Journal(), verdict.Thresholds{})
//
// It names no Action: whether a request places an order or reads one back is what the fake's
// operation table wrote into the entry ([journal.Entry.Places], [journal.Entry.Reads]). Nor does
// it read answer bodies for the site a request reached: the fake recorded it
// ([journal.Entry.Site]), and the same request sent to the other site is a move, not a repeat.
// The contract suite's requests (a User-Agent with the token "bsskit-contract/", the contract
// package's UserAgentProduct) are wrong on purpose: [Judge] leaves them out.
//
// # The hang bound
//
// [VerdictNoTimeout] must never condemn a caller that keeps an official SDK's default timeout.
// The defaults, read in the SDKs' sources:
//
//   - github.com/aliyun/alibaba-cloud-sdk-go (the old Go SDK, v1.63.107, sdk/client.go): read
//     timeout 10 s, which is http.Client.Timeout for the whole exchange, connect 5 s (within it);
//     its per-API table has no BssOpenApi entry. A hung request is given up after 10 s (measured:
//     10.004 s in the journal).
//   - github.com/alibabacloud-go/darabonba-openapi/v2 (v2.1.13, over tea v1.3.13's dara): no
//     default; without Config.ReadTimeout the http.Client has no timeout and waits for ever. Such
//     a caller is rightly judged: it has no timeout.
//   - Node.js, @alicloud/pop-core 1.8.0 and @alicloud/bssopenapi20171214 4.1.1 (over
//     @alicloud/openapi-core 1.0.8 and @darabonba/typescript 1.0.5): both leave the timeouts to
//     httpx 2.3.3, whose default is 3 s for connect and for read.
//
// The largest default is 10 s. The bound could be 10 s with a measurement slack, but the fake's
// hang limit in a sweep is the bound itself, and a hang limit of 10 s races a 10 s timeout: the
// fake may break the answer off first and report no timeout. So [DefaultHangBound] is a bound
// above the largest default, 15 s: a 10 s timeout fires well before it, even on a loaded machine,
// and a caller without a timeout is still held until it and judged.
package verdict

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/spec"
)

// The verdicts: names of the findings [Judge] reports about a caller's behaviour.
const (
	// VerdictDuplicateOrder: after an answer whose outcome the caller could not know (a transport
	// fault, a hang, a 5xx), or after an order it was told about and then read back
	// (QueryAvailableInstances, GetOrderDetail) while its instance was still Creating, it sent an
	// equivalent order with a different or no ClientToken, and two orders exist.
	VerdictDuplicateOrder = "duplicate-order"
	// VerdictRetriedNonRetryable: it repeated a request with the same parameters after an answer
	// the catalogue marks as not retryable (spec.ErrorDef.Retryable false). The same request sent
	// to the other site ([journal.Entry.Site] differs), as NotApplicable asks, is a move, not a
	// repeat, whatever the answers (a success answer names no site).
	VerdictRetriedNonRetryable = "retried-non-retryable"
	// VerdictNoBackoff: it retried a retryable (throttling) or 5xx answer sooner than
	// [Thresholds.MinBackoff] after it.
	VerdictNoBackoff = "no-backoff"
	// VerdictRetryStorm: it retried one request more than [Thresholds.MaxRetries] times in a row.
	VerdictRetryStorm = "retry-storm"
	// VerdictNoTimeout: it held a hung request ([faults.FaultHang]) for [Thresholds.HangBound] or more,
	// or until the fake's hang limit broke it off.
	VerdictNoTimeout = "no-timeout"
	// VerdictTokenReused: a ClientToken that placed an order was sent again with different order
	// parameters; the real
	// service answers the first order again, so the second purchase silently does not happen.
	VerdictTokenReused = "token-reused"
	// VerdictGaveUpOnRetryable: its last attempt of a request got a retryable or unknown answer
	// and no order exists for it. Reported with SeverityInfo unless [Thresholds.FailGaveUp].
	VerdictGaveUpOnRetryable = "gave-up-on-retryable"
)

// Severities of a [Finding].
const (
	// SeverityError marks a finding that fails [Assert] and a sweep.
	SeverityError = "error"
	// SeverityInfo marks a finding that is reported only.
	SeverityInfo = "info"
)

// Finding is one verdict on the caller, with the journal's request numbers that prove it.
type Finding struct {
	// Name is one of the Verdict constants, such as "duplicate-order".
	Name string `json:"name"`
	// Severity is SeverityError or SeverityInfo.
	Severity string `json:"severity"`
	// Seqs are the [journal.Entry.Seq] numbers of the requests that prove the finding.
	Seqs []uint64 `json:"seqs"`
	// Message explains the finding for a person.
	Message string `json:"message"`
}

// Failing reports whether the finding has SeverityError.
func (f Finding) Failing() bool { return f.Severity == SeverityError }

// String renders the finding on one line: "duplicate-order (error) requests 2,3: ...".
func (f Finding) String() string {
	seqs := make([]string, len(f.Seqs))
	for i, n := range f.Seqs {
		seqs[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf("%s (%s) requests %s: %s", f.Name, f.Severity, strings.Join(seqs, ","), f.Message)
}

// Thresholds tune the verdicts. A zero field takes its default, one a careful real client meets.
type Thresholds struct {
	// MinBackoff is the least gap between a throttling or 5xx answer and its retry (default 100ms).
	MinBackoff time.Duration `json:"minBackoff,omitempty"`
	// MaxRetries is the most retries of one request in a row (default 10).
	MaxRetries int `json:"maxRetries,omitempty"`
	// HangBound is how long a caller may hold a hung request (default 15s, above every official
	// SDK's default timeout: see the package documentation).
	HangBound time.Duration `json:"hangBound,omitempty"`
	// FailGaveUp makes gave-up-on-retryable a SeverityError finding.
	FailGaveUp bool `json:"failGaveUp,omitempty"`
}

// DefaultThresholds returns the defaults: 100ms, 10 retries, 15s.
func DefaultThresholds() Thresholds {
	return Thresholds{MinBackoff: 100 * time.Millisecond, MaxRetries: 10, HangBound: DefaultHangBound}
}

// DefaultHangBound is the default [Thresholds.HangBound]: above the largest default timeout of the
// official SDKs (10 s, the old Go SDK's), so that a caller keeping its SDK's default is never
// judged no-timeout, with room for a loaded machine. See the package documentation.
const DefaultHangBound = 15 * time.Second

// WithDefaults returns th with every zero field set to its default.
func (th Thresholds) WithDefaults() Thresholds {
	d := DefaultThresholds()
	if th.MinBackoff <= 0 {
		th.MinBackoff = d.MinBackoff
	}
	if th.MaxRetries <= 0 {
		th.MaxRetries = d.MaxRetries
	}
	if th.HangBound <= 0 {
		th.HangBound = d.HangBound
	}
	return th
}

// answerClass is what an answer told the caller.
type answerClass int

const (
	classSuccess   answerClass = iota
	classUnknown               // transport fault, hang, 5xx: the order may or may not exist
	classRetryable             // a catalogued retryable code (throttling)
	classFinal                 // a catalogued code no retry can change
	classOther                 // an uncatalogued client error: no verdict on retrying it
)

func classify(e *journal.Entry) answerClass {
	if e.Fault != "" || e.Aborted || e.Status == 0 {
		return classUnknown
	}
	if e.Code == "Success" && e.Status == http.StatusOK {
		return classSuccess
	}
	def, ok := spec.Lookup(spec.Code(e.Code))
	switch {
	case e.Status >= 500:
		if ok && !def.Retryable {
			return classFinal
		}
		return classUnknown
	case !ok:
		return classOther
	case def.Retryable:
		return classRetryable
	default:
		return classFinal
	}
}

// volatileParams are the request parameters that differ between two sendings of one request.
var volatileParams = map[string]bool{
	"Signature": true, "SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true,
	"SignatureType": true, "Timestamp": true, "AccessKeyId": true, "SecurityToken": true,
	"BearerToken": true, "ClientToken": true, "Format": true,
}

// fingerprint identifies a request by its parameters without the ones that change per sending
// and without ClientToken: two entries with one fingerprint are the same request.
func fingerprint(e *journal.Entry) string {
	vals := url.Values{}
	for _, src := range []string{e.Query, e.Body} {
		v, err := url.ParseQuery(src)
		if err != nil && len(v) == 0 {
			continue
		}
		for k, vs := range v {
			if !volatileParams[k] {
				vals[k] = append(vals[k], vs...)
			}
		}
	}
	for _, vs := range vals {
		sort.Strings(vs)
	}
	return e.AccessKeyID + "\x00" + e.Action + "\x00" + vals.Encode()
}

// Judge returns the findings about the caller that sent the journal's requests (oldest first, as
// fake.Server.Journal returns them), with th's thresholds (zero fields take their defaults).
// Findings come in journal order of their first request. The contract suite's requests (a
// User-Agent with the token "bsskit-contract/") are left out: they are wrong on purpose.
func Judge(entries []journal.Entry, th Thresholds) []Finding {
	th = th.WithDefaults()
	entries = withoutContract(entries)
	var out []Finding
	groups := map[string][]*journal.Entry{}
	var order []string
	for i := range entries {
		e := &entries[i]
		fp := fingerprint(e)
		if _, ok := groups[fp]; !ok {
			order = append(order, fp)
		}
		groups[fp] = append(groups[fp], e)
		if e.Fault == string(faults.FaultHang) && (e.Held >= th.HangBound || strings.Contains(e.Note, "without timing out")) {
			out = append(out, Finding{Name: VerdictNoTimeout, Severity: SeverityError, Seqs: []uint64{e.Seq},
				Message: fmt.Sprintf("the caller held a hung request for %s (bound %s): it needs a timeout", roundDur(e.Held), th.HangBound)})
		}
	}
	reads := readSeqs(entries)
	for _, fp := range order {
		out = append(out, judgeGroup(groups[fp], th, reads[groups[fp][0].AccessKeyID])...)
	}
	out = append(out, judgeTokens(entries)...)
	slices.SortStableFunc(out, func(a, b Finding) int { return int(a.Seqs[0]) - int(b.Seqs[0]) })
	return out
}

// contractAgent is the User-Agent token of the contract suite's requests: contract.UserAgentProduct
// "/" version (a test holds the two equal; the fake does not import the oracle for a constant).
const contractAgent = "bsskit-contract/"

// fromContract reports whether the contract suite sent e: a User-Agent of its header has the
// suite's token, alone or after an SDK's agent. It is the one rule that leaves requests out of
// the verdicts.
func fromContract(e *journal.Entry) bool {
	for k, vs := range e.Header {
		if !strings.EqualFold(k, "User-Agent") {
			continue
		}
		for _, v := range vs {
			if strings.Contains(v, contractAgent) {
				return true
			}
		}
	}
	return false
}

// withoutContract returns entries without the contract suite's requests (fromContract): entries
// itself when it has none.
func withoutContract(entries []journal.Entry) []journal.Entry {
	var kept []journal.Entry
	for i := range entries {
		switch {
		case fromContract(&entries[i]):
			if kept == nil {
				kept = append(make([]journal.Entry, 0, len(entries)), entries[:i]...)
			}
		case kept != nil:
			kept = append(kept, entries[i])
		}
	}
	if kept == nil {
		return entries
	}
	return kept
}

// readSeqs returns, per access key, the journal numbers of its read calls (QueryAvailableInstances,
// GetOrderDetail), in order: how a caller looks for an order it placed.
func readSeqs(entries []journal.Entry) map[string][]uint64 {
	out := map[string][]uint64{}
	for i := range entries {
		if e := &entries[i]; e.Reads != "" {
			out[e.AccessKeyID] = append(out[e.AccessKeyID], e.Seq)
		}
	}
	return out
}

// judgeGroup judges the sendings of one request; reads are the numbers of the caller's read calls.
func judgeGroup(g []*journal.Entry, th Thresholds, reads []uint64) []Finding {
	var out []Finding
	streak := []uint64{}
	for i := 1; i < len(g); i++ {
		prev, e := g[i-1], g[i]
		switch classify(prev) {
		case classFinal:
			if movedSite(prev, e) {
				break // NotApplicable told the caller to move there: a move, not a repeat
			}
			out = append(out, Finding{Name: VerdictRetriedNonRetryable, Severity: SeverityError, Seqs: []uint64{prev.Seq, e.Seq},
				Message: fmt.Sprintf("repeated the request after %s (HTTP %d), which no retry can change", prev.Code, prev.Status)})
		case classRetryable, classUnknown:
			if (classify(prev) == classRetryable || prev.Status >= 500) && e.Time.Sub(prev.Time) < th.MinBackoff {
				out = append(out, Finding{Name: VerdictNoBackoff, Severity: SeverityError, Seqs: []uint64{prev.Seq, e.Seq},
					Message: fmt.Sprintf("retried %s (HTTP %d) after %s, sooner than %s", codeOrFault(prev), prev.Status, roundDur(e.Time.Sub(prev.Time)), th.MinBackoff)})
			}
		}
		if classify(prev) == classSuccess {
			streak = streak[:0]
			continue
		}
		if len(streak) == 0 {
			streak = append(streak, prev.Seq)
		}
		streak = append(streak, e.Seq)
		if len(streak)-1 == th.MaxRetries+1 {
			out = append(out, Finding{Name: VerdictRetryStorm, Severity: SeverityError, Seqs: slices.Clone(streak),
				Message: fmt.Sprintf("retried one request more than %d times in a row", th.MaxRetries)})
		}
	}
	out = append(out, judgeOrders(g, reads)...)
	last := g[len(g)-1]
	if c := classify(last); (c == classRetryable || c == classUnknown) && !hasOrder(g) && last.Places != "" {
		sev := SeverityInfo
		if th.FailGaveUp {
			sev = SeverityError
		}
		out = append(out, Finding{Name: VerdictGaveUpOnRetryable, Severity: sev, Seqs: []uint64{last.Seq},
			Message: fmt.Sprintf("stopped after %s (HTTP %d), an answer a retry can change, and no order exists", codeOrFault(last), last.Status)})
	}
	return out
}

// judgeOrders finds a second order of one request (g) placed under another ClientToken, or none,
// after an outcome the caller could not know, or after it placed an order and then read (polled
// QueryAvailableInstances or GetOrderDetail, whose numbers are reads) but did not see the instance
// it wanted yet: an instance still Creating is not a lost order. Only CreateInstance places orders:
// a read that names an order (GetOrderDetail) never counts as one.
func judgeOrders(g []*journal.Entry, reads []uint64) []Finding {
	var out []Finding
	var unknown []*journal.Entry
	var placed *journal.Entry // the last order the caller was told about
	orders := 0
	for _, e := range g {
		if e.Places == "" {
			return nil
		}
		if e.OrderID != "" && !e.Replayed {
			orders++
			if orders >= 2 {
				found := false
				for _, u := range unknown {
					if u.ClientToken == "" || u.ClientToken != e.ClientToken {
						out = append(out, Finding{Name: VerdictDuplicateOrder, Severity: SeverityError, Seqs: []uint64{u.Seq, e.Seq},
							Message: fmt.Sprintf("after %s, whose outcome it could not know, the caller ordered again with %s: order %s is a second order", codeOrFault(u), tokenDesc(e.ClientToken), e.OrderID)})
						found = true
						break
					}
				}
				if r, ok := readBetween(reads, placed, e); !found && ok && (e.ClientToken == "" || e.ClientToken != placed.ClientToken) {
					out = append(out, Finding{Name: VerdictDuplicateOrder, Severity: SeverityError, Seqs: []uint64{placed.Seq, r, e.Seq},
						Message: fmt.Sprintf("after order %s was placed and the caller read it back (request %d), it ordered again with %s: order %s is a second order (an instance still Creating is not a lost order)", placed.OrderID, r, tokenDesc(e.ClientToken), e.OrderID)})
				}
			}
		}
		if classify(e) == classSuccess && e.OrderID != "" {
			placed = e
		}
		if classify(e) == classUnknown {
			unknown = append(unknown, e)
		}
	}
	return out
}

// readBetween returns the first read call after the order placed and before e.
func readBetween(reads []uint64, placed, e *journal.Entry) (uint64, bool) {
	if placed == nil {
		return 0, false
	}
	i, _ := slices.BinarySearch(reads, placed.Seq+1)
	if i < len(reads) && reads[i] < e.Seq {
		return reads[i], true
	}
	return 0, false
}

// judgeTokens finds ClientTokens sent again with other order parameters after they placed an
// order (a token whose call failed before placing anything binds nothing).
func judgeTokens(entries []journal.Entry) []Finding {
	var out []Finding
	type key struct{ ak, token string }
	first := map[key]*journal.Entry{}
	reported := map[key]bool{}
	for i := range entries {
		e := &entries[i]
		if e.ClientToken == "" || e.Places == "" {
			continue
		}
		k := key{e.AccessKeyID, e.ClientToken}
		f, ok := first[k]
		if !ok {
			if e.OrderID != "" {
				first[k] = e
			}
			continue
		}
		if !reported[k] && fingerprint(f) != fingerprint(e) {
			reported[k] = true
			out = append(out, Finding{Name: VerdictTokenReused, Severity: SeverityError, Seqs: []uint64{f.Seq, e.Seq},
				Message: fmt.Sprintf("ClientToken %q was sent with different order parameters: the second purchase silently does not happen", e.ClientToken)})
		}
	}
	return out
}

// movedSite reports whether e reached the other site than prev, its earlier sending, as the
// journal recorded each (journal.Entry.Site): the same request on another site is a move, not a
// repeat, whatever either answer says. An entry with no site recorded moved nowhere.
func movedSite(prev, e *journal.Entry) bool {
	return prev.Site != "" && e.Site != "" && prev.Site != e.Site
}

func hasOrder(g []*journal.Entry) bool {
	return slices.ContainsFunc(g, func(e *journal.Entry) bool { return e.OrderID != "" && e.Places != "" })
}

func codeOrFault(e *journal.Entry) string {
	switch {
	case e.Fault != "":
		return "fault " + e.Fault
	case e.Code != "":
		return e.Code
	}
	return "no answer"
}

func tokenDesc(t string) string {
	if t == "" {
		return "no ClientToken"
	}
	return fmt.Sprintf("another ClientToken (%q)", t)
}

// Assert fails t once per failing finding of [Judge] on entries and logs the others; it reports
// whether no finding fails. th's zero fields take their defaults.
func Assert(t testing.TB, entries []journal.Entry, th Thresholds) bool {
	t.Helper()
	ok := true
	for _, f := range Judge(entries, th) {
		if f.Failing() {
			ok = false
			t.Errorf("verdict: %s", f)
		} else {
			t.Logf("verdict: %s", f)
		}
	}
	return ok
}

// roundDur prints d to the millisecond.
func roundDur(d time.Duration) string { return d.Round(time.Millisecond).String() }
