package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/spec"
)

// genCase is a generated request and what the spec says it must get.
type genCase struct {
	rq   *request
	want expectation
	// protected are the parameters shrinking must keep (the violation's, the product's).
	protected map[string]bool
	note      string
}

// generatedCases plans the property-based cases: valid orders built from the spec and the
// products (random optional parameters, non-contiguous Parameter.n, GET or POST, query or form
// body, JSON or XML), and invalid requests (a random valid-looking request for the sentinel product
// with one random violation of the spec). A failing case is shrunk and gets a one-line
// reproduction.
func (r *runner) generatedCases() []*caseDef {
	n := r.opts.generated()
	vs := violations(spec.CreateInstance())
	var cases []*caseDef
	width := len(strconv.Itoa(n))
	for i := 0; i < n; i++ {
		// Each case draws from its own stream, so selecting cases with WithRun does not change
		// what a case sends.
		valid := r.genValid(i)
		name := fmt.Sprintf("generated/valid/%0*d", width, i)
		d := &caseDef{name: name, orders: 1, doc: "a generated valid order: " + valid.note + "; want success", run: r.runGenerated(name, valid)}
		if _, none := r.orderProduct(); none != "" && len(r.products) > 0 {
			d.notApplicable = none
		}
		cases = append(cases, d)
	}
	for i := 0; i < n; i++ {
		inv := r.genInvalid(i, vs)
		name := fmt.Sprintf("generated/invalid/%0*d", width, i)
		cases = append(cases, &caseDef{name: name, doc: "a generated invalid request: " + inv.note + "; want " + inv.want.String(), run: r.runGenerated(name, inv)})
	}
	return cases
}

// stream returns the deterministic random stream of one generated case.
func (r *runner) stream(kind uint64, i int) *prng {
	return newPRNG(mix64(r.opts.Seed) ^ mix64(kind<<32|uint64(i)+1))
}

const printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

func (r *runner) genValid(i int) genCase {
	g := r.stream(1, i)
	var p Product
	if ps := r.repeatable(); len(ps) > 0 { // catalog.go: never an opens-once product
		p = ps[g.intn(len(ps))]
	} else {
		p = Product{Code: NoSuchProduct}
	}
	v := p.orderParams()
	protected := map[string]bool{"ProductCode": true, "SubscriptionType": true, "Period": true, "ProductType": true}
	// Renumber the product's Parameter elements with random distinct, non-contiguous n.
	renumber(g, v)
	for k := range v {
		if strings.HasPrefix(k, "Parameter.") {
			protected[k] = true
		}
	}
	if p.catalog != nil && p.catalog.PeriodMultiple > 0 && v.Get("Period") != "" {
		v.Set("Period", strconv.Itoa(p.catalog.PeriodMultiple*(1+g.intn(3))))
	}
	var notes []string
	// Every order-capable request carries a ClientToken, so that an order whose answer is lost can
	// be resolved by repeating the request (ledger.go); most get a random one, the rest the run's
	// plain kind. Shrinking never drops or changes it (a changed token could place another order).
	if g.intn(10) < 7 {
		prefix := "bsskit-" + r.runID + "-"
		v.Set("ClientToken", prefix+g.text(printable, 1, 64-len(prefix)))
		notes = append(notes, "random ClientToken")
	} else {
		v.Set("ClientToken", fmt.Sprintf("bsskit-%s-g%d", r.runID, i))
	}
	protected["ClientToken"] = true
	switch g.intn(3) {
	case 1:
		v.Set("RenewalStatus", "ManualRenewal")
		notes = append(notes, "ManualRenewal")
	case 2:
		v.Set("RenewalStatus", "AutoRenewal")
		v.Set("RenewPeriod", strconv.Itoa(1+g.intn(36)))
		notes = append(notes, "AutoRenewal")
	}
	if g.intn(10) < 3 {
		v.Set("Logistics", `{"cityCode":"330100","address":"`+g.text("abc xyz&=+%/中文é", 0, 40)+`","zipCode":"0000"}`)
		notes = append(notes, "Logistics")
	}
	rq := newRequest(v, []string{"JSON", "XML", ""}[g.intn(3)])
	if g.intn(3) == 0 {
		rq.method = http.MethodGet
	} else if g.intn(3) == 0 {
		rq.inForm = true
	}
	note := fmt.Sprintf("%s %s format %s product %s", rq.method, where(rq), orDefault(rq.format), p.Code)
	if len(notes) > 0 {
		note += " with " + strings.Join(notes, ", ")
	}
	return genCase{rq: rq, want: expectSuccess, protected: protected, note: note}
}

func (r *runner) genInvalid(i int, vs []violation) genCase {
	g := r.stream(2, i)
	base := r.genValid(i) // the same shape of request ...
	v := base.rq.params
	v.Set("ProductCode", NoSuchProduct) // ... for a product that does not exist
	for k := range v {
		if strings.HasPrefix(k, "Parameter.") {
			v.Del(k)
		}
	}
	if v.Has("ClientToken") {
		// Its own token: the valid case's would replay that case's order.
		prefix := "bsskit-" + r.runID + "-i-"
		v.Set("ClientToken", prefix+g.text(printable, 1, 64-len(prefix)))
	}
	if v.Get("SubscriptionType") == "Subscription" && v.Get("Period") == "" {
		v.Set("Period", "1")
	}
	protected := map[string]bool{"ProductCode": true, "SubscriptionType": true, "Period": true}
	pick := g.intn(len(vs) + 1)
	rq := base.rq
	if pick == len(vs) {
		return genCase{rq: rq, want: expectCode(spec.CodeProductNotFind), protected: protected, note: "no violation but product " + NoSuchProduct}
	}
	viol := vs[pick]
	before := cloneValues(rq.params)
	viol.apply(rq)
	for k := range rq.params {
		if before.Get(k) != rq.params.Get(k) {
			protected[k] = true
		}
	}
	for k := range before {
		if !rq.params.Has(k) {
			protected[k] = true // deleted by the violation: shrinking must not add it back (it cannot)
		}
	}
	if rq.method == http.MethodPut {
		rq.inForm = false
	}
	return genCase{rq: rq, want: expectCode(viol.code), protected: protected, note: viol.name + " in a " + base.note}
}

func where(rq *request) string {
	if rq.inForm {
		return "form body"
	}
	return "query"
}

func orDefault(f string) string {
	if f == "" {
		return "(none)"
	}
	return f
}

// renumber gives the Parameter elements of v random distinct indexes in 1..100.
func renumber(g *prng, v url.Values) {
	type elem struct{ code, value string }
	var elems []elem
	for i := 1; ; i++ {
		c := v.Get("Parameter." + strconv.Itoa(i) + ".Code")
		if c == "" {
			break
		}
		elems = append(elems, elem{c, v.Get("Parameter." + strconv.Itoa(i) + ".Value")})
		v.Del("Parameter." + strconv.Itoa(i) + ".Code")
		v.Del("Parameter." + strconv.Itoa(i) + ".Value")
	}
	used := map[int]bool{}
	for _, e := range elems {
		n := 1 + g.intn(100)
		for used[n] {
			n = 1 + g.intn(100)
		}
		used[n] = true
		v.Set("Parameter."+strconv.Itoa(n)+".Code", e.code)
		v.Set("Parameter."+strconv.Itoa(n)+".Value", e.value)
	}
}

// runGenerated sends the case and, when it fails, shrinks it and writes the reproduction.
func (r *runner) runGenerated(name string, gc genCase) func(c *caseRun) {
	return func(c *caseRun) {
		res, ok := c.send(gc.rq, gc.want)
		if !ok || len(c.res.Findings) == 0 {
			return
		}
		sig := signature(c.res.Findings[0], res)
		smallest := gc.rq
		last := res
		for attempts := 0; attempts < 40; {
			progressed := false
			for _, cand := range shrinkCandidates(smallest, gc.protected) {
				attempts++
				probe := &caseRun{r: r, def: c.def, res: &CaseResult{}}
				pr, ok := probe.send(cand, gc.want)
				if !ok {
					break
				}
				if len(probe.res.Findings) > 0 && hasSignature(probe.res.Findings, pr, sig) {
					smallest, last, progressed = cand, pr, true
					break
				}
				if attempts >= 40 {
					break
				}
			}
			if !progressed || r.stopped != nil {
				break
			}
		}
		if smallest != gc.rq && last.ex != nil {
			c.res.Exchanges = append(c.res.Exchanges, *last.ex)
		}
		c.res.Repro = fmt.Sprintf("seed=%d case=%s: %s  # shrunk request: %s", r.opts.Seed, name, r.reproduction(name), last.ex.Curl)
	}
}

// signature identifies a failure for shrinking: the check and the code answered.
func signature(f Finding, res result) string {
	code := ""
	if res.ans != nil {
		code = res.ans.code()
	}
	return string(f.Check) + "|" + code
}

func hasSignature(fs []Finding, res result, sig string) bool {
	for _, f := range fs {
		if signature(f, res) == sig {
			return true
		}
	}
	return false
}

// shrinkCandidates returns simpler variants of rq: POST instead of GET, query instead of form,
// JSON, each optional parameter dropped, each long value halved.
func shrinkCandidates(rq *request, protected map[string]bool) []*request {
	var out []*request
	clone := func() *request {
		c := *rq
		c.params = cloneValues(rq.params)
		return &c
	}
	if rq.method == http.MethodGet {
		c := clone()
		c.method = http.MethodPost
		out = append(out, c)
	}
	if rq.inForm {
		c := clone()
		c.inForm = false
		out = append(out, c)
	}
	if rq.format != "JSON" && rq.format != "" && rq.format != "XML" {
		// An invalid Format is the violation itself.
	} else if rq.format != "JSON" {
		c := clone()
		c.format = "JSON"
		out = append(out, c)
	}
	keys := make([]string, 0, len(rq.params))
	for k := range rq.params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if protected[k] {
			continue
		}
		c := clone()
		c.params.Del(k)
		out = append(out, c)
	}
	for _, k := range keys {
		if protected[k] {
			continue
		}
		if v := rq.params.Get(k); len(v) > 1 {
			c := clone()
			c.params.Set(k, v[:len(v)/2])
			out = append(out, c)
		}
	}
	return out
}

// prng is a small deterministic generator (SplitMix64), so generated cases depend only on the seed.
type prng struct{ s uint64 }

func newPRNG(seed uint64) *prng { return &prng{s: seed} }

func (g *prng) next() uint64 {
	g.s += 0x9E3779B97F4A7C15
	return mix64(g.s)
}

// mix64 is SplitMix64's finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (g *prng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(g.next() % uint64(n))
}

// text returns a string of min..max runes drawn from alphabet.
func (g *prng) text(alphabet string, min, max int) string {
	runes := []rune(alphabet)
	n := min + g.intn(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(runes[g.intn(len(runes))])
	}
	return b.String()
}
