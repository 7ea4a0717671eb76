package contract

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// maxExchangesPerCheck bounds the exchanges the text report prints per check.
const maxExchangesPerCheck = 5

// WriteText writes the human report: the verdict and the order count ("N orders placed, M
// outcomes unknown") first, then warnings, the failed cases each with its findings and a one-line
// reproduction, the findings grouped by check with the redacted request and response of each, the
// cases not applicable or not run with their reasons, the coverage table and the order ledger. For
// a run that passed, the coverage table and the ledger are shortened to their totals (orders whose
// outcome is not plainly "placed" are still listed); [Report.WriteTextVerbose] writes them whole.
func (r *Report) WriteText(w io.Writer) error { return r.writeText(w, false) }

// WriteTextVerbose writes the report as [Report.WriteText] does, with the whole coverage table and
// ledger whether the run passed or not (bsskit contract --verbose).
func (r *Report) WriteTextVerbose(w io.Writer) error { return r.writeText(w, true) }

func (r *Report) writeText(w io.Writer, verbose bool) error {
	ew := &errWriter{w: w}
	counts := r.Counts()
	ok := r.OK()
	ew.printf("bsskit contract: %s (signature %s, seed %d): %s\n", r.Endpoint, r.Signature, r.Seed, verdict(r))
	placed, unknown := r.LedgerCounts()
	ew.printf("%d orders placed, %d outcomes unknown\n", placed, unknown)
	for _, w := range r.Warnings {
		ew.printf("WARNING: %s\n", w)
	}
	if r.Unserved != "" {
		ew.printf("NOT SERVED: %s\n", r.Unserved)
	}
	ew.printf("  endpoint: %s\n", r.LoopbackReason)
	ew.printf("  orders:   %s\n", r.OrdersReason)
	ew.printf("  writes:   %s\n", r.WritesReason)
	ew.printf("  signatures: %s\n", r.VerifiesReason)
	if len(r.Products) > 0 {
		ew.printf("  products: %s\n", strings.Join(r.Products, ", "))
	}
	ew.printf("  cases: %d passed, %d failed, %d not applicable, %d skipped, %d not run (%s)\n",
		counts[StatusPass], counts[StatusFail], counts[StatusNotApplicable], counts[StatusSkipped], counts[StatusNotRun], r.Duration.Round(1e6))

	// Failed cases first, each with what failed and how to run it alone.
	if n := counts[StatusFail]; n > 0 {
		ew.printf("\n== failed: %d case(s) ==\n", n)
		for _, c := range r.Cases {
			if c.Status != StatusFail {
				continue
			}
			ew.printf("- %s\n", c.Name)
			for _, f := range c.Findings {
				ew.printf("    %s: %s\n", f.Check, f.Message)
			}
			if c.Repro != "" {
				ew.printf("    reproduce: %s\n", c.Repro)
			}
		}
	}

	// Findings grouped by check, with their exchanges.
	byCheck := map[CheckName][]Finding{}
	for _, f := range r.Findings() {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, ci := range Checks() {
		fs := byCheck[ci.Name]
		if len(fs) == 0 {
			continue
		}
		ew.printf("\n== %s: %d finding(s): %s ==\n", ci.Name, len(fs), ci.Doc)
		for i, f := range fs {
			ew.printf("- %s: %s\n", f.Case, f.Message)
			c, _ := r.Case(f.Case)
			// The first few findings of a check show their exchange; the rest would repeat it.
			if i < maxExchangesPerCheck && f.Exchange >= 0 && f.Exchange < len(c.Exchanges) {
				writeExchange(ew, &c.Exchanges[f.Exchange])
			}
		}
		if len(fs) > maxExchangesPerCheck {
			ew.printf("  (exchanges shown for the first %d findings; the JSON report has all)\n", maxExchangesPerCheck)
		}
	}
	var na, sk, nr []CaseResult
	for _, c := range r.Cases {
		switch c.Status {
		case StatusNotApplicable:
			na = append(na, c)
		case StatusSkipped:
			sk = append(sk, c)
		case StatusNotRun:
			nr = append(nr, c)
		}
	}
	// The cases of operations the endpoint does not serve are one warning line, not one line each.
	var unserved int
	na = slices.DeleteFunc(na, func(c CaseResult) bool {
		u := isUnservedReason(c.Reason)
		if u {
			unserved++
		}
		return u
	})
	if len(na) > 0 || unserved > 0 {
		ew.printf("\n== not applicable: %d case(s) ==\n", len(na))
		for _, c := range na {
			ew.printf("- %s: %s\n", c.Name, c.Reason)
		}
		if unserved > 0 {
			ew.printf("- and %d case(s) of the operations the endpoint does not serve (NOT SERVED above)\n", unserved)
		}
	}
	if len(sk) > 0 {
		ew.printf("\n== skipped (order budget): %d case(s) ==\n", len(sk))
		for _, c := range sk {
			ew.printf("- %s: %s\n", c.Name, c.Reason)
		}
	}
	if len(nr) > 0 {
		ew.printf("\n== not run: %d case(s) ==\n", len(nr))
		for _, c := range nr {
			ew.printf("- %s: %s\n", c.Name, c.Reason)
		}
	}
	full := verbose || !ok
	if full {
		ew.printf("\n== coverage by error code ==\n")
		tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "code\tHTTP\tlayer\tprovoked\tseen\n")
		for _, c := range r.Coverage {
			prov := "-"
			if len(c.Provoked) > 0 {
				prov = fmt.Sprintf("%d case(s)", len(c.Provoked))
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\n", c.Code, c.HTTPStatus, c.Layer, prov, c.Seen)
		}
		tw.Flush()
	} else {
		provoked, seen := 0, 0
		for _, c := range r.Coverage {
			if len(c.Provoked) > 0 {
				provoked++
			}
			if c.Seen > 0 {
				seen++
			}
		}
		ew.printf("\n== coverage: %d of %d catalogued error codes provoked, %d seen (--verbose for the table) ==\n", provoked, len(r.Coverage), seen)
	}
	ew.printf("\n== ledger: %d order(s) placed, %d outcome(s) unknown, %d request(s) could have placed one", placed, unknown, r.OrderRequests)
	if r.MaxOrders != nil {
		ew.printf(" (budget %d)", *r.MaxOrders)
	}
	ew.printf(" ==\n")
	hidden := 0
	for _, l := range r.Ledger {
		if !full && l.Status == OrderPlaced && !l.Unexpected && l.Lost == "" {
			hidden++
			continue
		}
		flag := ""
		if l.Unexpected {
			flag = "  UNEXPECTED: the request should have been rejected"
		}
		ew.printf("- %s OrderId %s InstanceId %s product %s token %s case %s RequestId %s%s\n", l.Status, orDash(l.OrderID), orDash(l.InstanceID), l.ProductCode, orDash(l.ClientToken), l.Case, orDash(l.RequestID), flag)
		if l.Lost != "" {
			ew.printf("    answer lost: %s\n", l.Lost)
		}
		if l.Resolution != "" {
			ew.printf("    resolution: %s\n", l.Resolution)
		}
	}
	if hidden > 0 {
		ew.printf("(%d placed order(s) not listed; --verbose or the JSON report lists them)\n", hidden)
	}
	if r.Stopped != "" {
		ew.printf("\nSTOPPED: %s\n", r.Stopped)
	}
	if ok {
		ew.printf("\nRESULT: conformant\n")
	} else {
		checks := r.FailedChecks()
		names := make([]string, len(checks))
		for i, c := range checks {
			names[i] = string(c)
		}
		ew.printf("\nRESULT: NOT conformant; failed checks: %s\n", strings.Join(names, ", "))
	}
	return ew.err
}

func verdict(r *Report) string {
	if r.OK() {
		return "conformant"
	}
	return "NOT conformant"
}

func writeExchange(ew *errWriter, ex *Exchange) {
	ew.printf("    expected: %s\n", ex.Expect)
	ew.printf("    > %s %s\n", ex.Request.Method, ex.Request.URL)
	keys := make([]string, 0, len(ex.Request.Header))
	for k := range ex.Request.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ew.printf("    > %s: %s\n", k, strings.Join(ex.Request.Header[k], ", "))
	}
	if ex.Request.Body != "" {
		ew.printf("    > body: %s\n", clip(ex.Request.Body, 800))
	}
	if ex.Err != "" {
		ew.printf("    < error: %s\n", ex.Err)
		return
	}
	ew.printf("    < HTTP %d\n", ex.Response.Status)
	keys = keys[:0]
	for k := range ex.Response.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ew.printf("    < %s: %s\n", k, strings.Join(ex.Response.Header[k], ", "))
	}
	ew.printf("    < %s\n", clip(ex.Response.Body, 1200))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// JUnit XML, the subset CI systems read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per case group, one testcase per case;
// not applicable, skipped (order budget) and not run cases are skipped with their reason, failures carry the findings and
// the redacted exchanges. The ledger and the coverage are properties of a "run" suite.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "bsskit contract " + r.Endpoint, Time: fmt.Sprintf("%.3f", r.Duration.Seconds())}
	idx := map[string]int{}
	for _, c := range r.Cases {
		i, ok := idx[c.Group]
		if !ok {
			i = len(out.Suites)
			idx[c.Group] = i
			out.Suites = append(out.Suites, junitSuite{Name: "contract." + c.Group})
		}
		s := &out.Suites[i]
		jc := junitCase{Name: c.Name, Classname: "contract." + c.Group}
		switch c.Status {
		case StatusFail:
			var b strings.Builder
			ew := &errWriter{w: &b}
			checks := map[string]bool{}
			var names []string
			for _, f := range c.Findings {
				if !checks[string(f.Check)] {
					checks[string(f.Check)] = true
					names = append(names, string(f.Check))
				}
				ew.printf("%s: %s\n", f.Check, f.Message)
				if f.Exchange >= 0 && f.Exchange < len(c.Exchanges) {
					writeExchange(ew, &c.Exchanges[f.Exchange])
				}
			}
			if c.Repro != "" {
				ew.printf("reproduce: %s\n", c.Repro)
			}
			jc.Failure = &junitFailure{Message: c.Findings[0].Message, Type: strings.Join(names, ","), Text: b.String()}
			s.Failures++
			out.Failures++
		case StatusNotApplicable, StatusNotRun, StatusSkipped:
			jc.Skipped = &junitSkipped{Message: string(c.Status) + ": " + c.Reason}
			s.Skipped++
			out.Skipped++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, jc)
	}
	placed, unknown := r.LedgerCounts()
	run := junitSuite{Name: "contract.run", Properties: &junitProperties{Property: []junitProperty{
		{"endpoint", r.Endpoint}, {"seed", fmt.Sprint(r.Seed)}, {"signature", string(r.Signature)},
		{"orders", r.OrdersReason}, {"writes", r.WritesReason}, {"signatures", r.VerifiesReason},
		{"orderRequests", fmt.Sprint(r.OrderRequests)}, {"ordersPlaced", fmt.Sprint(placed)}, {"outcomesUnknown", fmt.Sprint(unknown)},
	}}}
	for _, w := range r.Warnings {
		run.Properties.Property = append(run.Properties.Property, junitProperty{"warning", w})
	}
	if r.Unserved != "" {
		run.Properties.Property = append(run.Properties.Property, junitProperty{"unserved", r.Unserved})
	}
	for _, l := range r.Ledger {
		run.Properties.Property = append(run.Properties.Property, junitProperty{"order", fmt.Sprintf("%s %s %s %s %s", l.Status, orDash(l.OrderID), orDash(l.InstanceID), l.ProductCode, l.Case)})
	}
	for _, c := range r.Coverage {
		run.Properties.Property = append(run.Properties.Property, junitProperty{"coverage." + string(c.Code), fmt.Sprintf("provoked=%d seen=%d", len(c.Provoked), c.Seen)})
	}
	if r.Stopped != "" {
		// The case the run stopped in is a failed testcase (order-budget).
		run.Properties.Property = append(run.Properties.Property, junitProperty{"stopped", r.Stopped})
	}
	out.Suites = append(out.Suites, run)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
