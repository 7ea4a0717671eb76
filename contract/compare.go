package contract

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Difference is one way two endpoints answered the same case differently.
type Difference struct {
	// Case and Exchange locate the answer.
	Case     string `json:"case"`
	Exchange int    `json:"exchange"`
	// Aspect is "status", "code", "message" (the message template: request-specific parts such as
	// RequestIds and the StringToSign removed), "shape" (fields and their types, XML root,
	// content type) or "applicability".
	Aspect string `json:"aspect"`
	// A and B are the two answers' values.
	A string `json:"a"`
	B string `json:"b"`
}

// Drift is the result of [Compare].
type Drift struct {
	// A and B are the two runs.
	A *Report `json:"a"`
	B *Report `json:"b"`
	// Differences lists every difference, in case order.
	Differences []Difference `json:"differences"`
}

// OK reports whether the two endpoints answered every case alike.
func (d *Drift) OK() bool { return len(d.Differences) == 0 }

// Compare runs the same cases with the same options (and so the same seed) against a and b, and
// reports every case whose answers differ in status, code, message template or shape. Typical use:
// a is staging, b the fake, and the differences are where the fake no longer matches the service.
// When either endpoint may not receive orders (a non-loopback endpoint without an explicit budget),
// neither does (the budget becomes [WithMaxOrders](0)), so that both run the same cases.
func Compare(ctx context.Context, a, b Target, options ...Option) (*Drift, error) {
	opts, err := newConfig(options)
	if err != nil {
		return nil, err
	}
	ra, err := check(ctx, a, opts)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", a.URL, err)
	}
	if !ra.OrdersAllowed {
		opts.Orders = orderBudget{max: 0, set: true}
	}
	if !ra.WritesAllowed {
		opts.Writes = writePolicy{allow: false, set: true} // cases_ops.go: the same cases on both
	}
	rb, err := check(ctx, b, opts)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", b.URL, err)
	}
	if ra.OrdersAllowed && !rb.OrdersAllowed || ra.WritesAllowed && !rb.WritesAllowed {
		// Only one may receive orders (or writes): run A again without, so both run the same cases.
		if !rb.OrdersAllowed {
			opts.Orders = orderBudget{max: 0, set: true}
		}
		if !rb.WritesAllowed {
			opts.Writes = writePolicy{allow: false, set: true}
		}
		if ra, err = check(ctx, a, opts); err != nil {
			return nil, fmt.Errorf("contract: %s: %w", a.URL, err)
		}
	}
	return diffReports(ra, rb), nil
}

func diffReports(ra, rb *Report) *Drift {
	d := &Drift{A: ra, B: rb, Differences: []Difference{}}
	bcases := map[string]CaseResult{}
	for _, c := range rb.Cases {
		bcases[c.Name] = c
	}
	for _, ca := range ra.Cases {
		cb, ok := bcases[ca.Name]
		if !ok {
			continue
		}
		ranA, ranB := ran(ca), ran(cb)
		if ranA != ranB {
			d.Differences = append(d.Differences, Difference{Case: ca.Name, Exchange: -1, Aspect: "applicability", A: describeRun(ca), B: describeRun(cb)})
			continue
		}
		n := min(len(ca.Exchanges), len(cb.Exchanges))
		for i := 0; i < n; i++ {
			ea, eb := &ca.Exchanges[i], &cb.Exchanges[i]
			add := func(aspect, x, y string) {
				if x != y {
					d.Differences = append(d.Differences, Difference{Case: ca.Name, Exchange: i, Aspect: aspect, A: x, B: y})
				}
			}
			add("status", fmt.Sprint(ea.Response.Status), fmt.Sprint(eb.Response.Status))
			add("code", ea.Code, eb.Code)
			add("message", messageTemplate(ea), messageTemplate(eb))
			add("shape", shape(ea), shape(eb))
		}
	}
	return d
}

func ran(c CaseResult) bool { return c.Status == StatusPass || c.Status == StatusFail }

func describeRun(c CaseResult) string {
	if c.Reason != "" {
		return string(c.Status) + ": " + c.Reason
	}
	return string(c.Status)
}

var (
	uuidRE   = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)
	digitsRE = regexp.MustCompile(`[0-9]{10,}`)
)

// messageTemplate is the answer's Message without request-specific parts.
func messageTemplate(ex *Exchange) string {
	a := decodeAnswer(ex.Response.rawBody)
	m, _ := a.str("Message")
	if i := strings.Index(m, "string to sign is:"); i >= 0 {
		m = m[:i+len("string to sign is:")] + "<StringToSign>"
	}
	m = uuidRE.ReplaceAllString(m, "<id>")
	return digitsRE.ReplaceAllString(m, "<n>")
}

// shape describes the answer's structure: content type, XML root, each field with its type.
func shape(ex *Exchange) string {
	a := decodeAnswer(ex.Response.rawBody)
	var parts []string
	parts = append(parts, "content-type="+ex.Response.Header.Get("Content-Type"))
	if a.err != nil {
		return strings.Join(append(parts, "undecodable"), " ")
	}
	if a.root != "" {
		parts = append(parts, "<"+a.root+">")
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if sub, ok := m[k].(map[string]any); ok {
				parts = append(parts, prefix+k+":object")
				walk(prefix+k+".", sub)
				continue
			}
			parts = append(parts, prefix+k+":"+strings.TrimPrefix(strings.TrimPrefix(typeName(m[k]), "a "), "an "))
		}
	}
	walk("", a.fields)
	return strings.Join(parts, " ")
}

// WriteText writes the differences, then each run's verdict.
func (d *Drift) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("bsskit contract drift: A=%s B=%s (seed %d)\n", d.A.Endpoint, d.B.Endpoint, d.A.Seed)
	if len(d.Differences) == 0 {
		ew.printf("no differences in status, code, message template or shape\n")
	}
	for _, x := range d.Differences {
		ew.printf("- %s", x.Case)
		if x.Exchange >= 0 {
			ew.printf(" [exchange %d]", x.Exchange)
		}
		ew.printf(" %s:\n    A: %s\n    B: %s\n", x.Aspect, x.A, x.B)
	}
	verdict := func(r *Report) string {
		if r.OK() {
			return "conformant"
		}
		return "NOT conformant"
	}
	ew.printf("A %s: %s; B %s: %s\n", d.A.Endpoint, verdict(d.A), d.B.Endpoint, verdict(d.B))
	ew.printf("RESULT: %d difference(s)\n", len(d.Differences))
	return ew.err
}

// WriteJSON writes the drift as indented JSON (both reports included).
func (d *Drift) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// WriteJUnit writes the drift as JUnit XML: one testcase per case run against both endpoints,
// failed when their answers differ.
func (d *Drift) WriteJUnit(w io.Writer) error {
	byCase := map[string][]Difference{}
	for _, x := range d.Differences {
		byCase[x.Case] = append(byCase[x.Case], x)
	}
	suite := junitSuite{Name: "contract.drift", Properties: &junitProperties{Property: []junitProperty{{"a", d.A.Endpoint}, {"b", d.B.Endpoint}, {"seed", fmt.Sprint(d.A.Seed)}}}}
	for _, c := range d.A.Cases {
		if _, ok := d.B.Case(c.Name); !ok {
			continue
		}
		jc := junitCase{Name: c.Name, Classname: "contract.drift." + c.Group}
		if xs := byCase[c.Name]; len(xs) > 0 {
			var b strings.Builder
			for _, x := range xs {
				fmt.Fprintf(&b, "%s [exchange %d]\n  A: %s\n  B: %s\n", x.Aspect, x.Exchange, x.A, x.B)
			}
			jc.Failure = &junitFailure{Message: fmt.Sprintf("%d difference(s)", len(xs)), Type: "drift", Text: b.String()}
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, jc)
	}
	out := junitSuites{Name: "bsskit contract drift", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
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
