package contract

import (
	"fmt"
	"io"
	"net/http"

	"github.com/bsskit/bsskit/spec"
)

// resolveAttempts bounds how often a request whose answer was lost is repeated to learn its outcome.
const resolveAttempts = 3

// pendingOrder is a request that may have placed an order but whose answer was lost: its ledger
// entry (status [OrderOutcomeUnknown]) and the request, to repeat with the same ClientToken.
type pendingOrder struct {
	entry int      // index in report.Ledger
	rq    *request // a copy of the request as sent (re-signed on each repeat)
}

// lostAnswer says why an answer cannot tell whether an order was placed, or "" when it can: a body
// cut short, a body that does not decode (an empty 200, half a body, a proxy's HTML page), or a
// server error (5xx, or InternalError or ServiceUnavailable whatever the status), which may come
// after the order was stored. Any other decoded answer that is not a success is a rejection: no
// order.
func lostAnswer(status int, readErr error, a *answer) string {
	switch code := spec.Code(a.code()); {
	case readErr != nil:
		return fmt.Sprintf("HTTP %d, body cut short: %v", status, readErr)
	case a.err != nil:
		return fmt.Sprintf("HTTP %d with an undecodable body", status)
	case status >= 500 || code == spec.CodeInternalError || code == spec.CodeServiceUnavailable:
		return fmt.Sprintf("HTTP %d %s: a server error, possibly after the order was stored", status, orNone(string(code)))
	}
	return ""
}

// unknown lists rq, whose answer was lost (why), in the ledger as an outcome unknown and queues it
// for resolution.
func (c *caseRun) unknown(rq *request, why string, unexpected bool) {
	r := c.r
	e := c.ledgerEntry(rq, OrderOutcomeUnknown, "", "", "", unexpected)
	e.Lost = why
	key := fmt.Sprintf("unknown:%d", len(r.report.Ledger))
	if rq.replayOf != nil {
		// A replay resends the very same signed request (its nonce included): repeating it proves
		// nothing. The suite replays only requests that cannot place an order.
		e.Resolution = "not repeated: the request was a replay of a signed request"
		r.record(key, e)
		return
	}
	r.record(key, e)
	cp := *rq
	cp.params = cloneValues(rq.params)
	r.pending = append(r.pending, pendingOrder{entry: r.ledger[key], rq: &cp})
}

// resolve learns the outcome of every request whose answer was lost, the way the API allows:
// it repeats the request with the same ClientToken, which returns the first request's result
// without placing another order (or, if the first placed none, places it now, and the answer says
// so). Each repeat counts against the order budget. A success names the order; a rejection means
// no order; a lost answer again is retried up to [resolveAttempts] times and stays unknown.
// Entries that resolve to an order the ledger already lists (a case that repeated the token
// itself) are folded into that entry.
func (r *runner) resolve() {
	for _, pd := range r.pending {
		e := &r.report.Ledger[pd.entry]
		if e.ClientToken == "" {
			e.Resolution = "not repeated: the request carried no ClientToken, so repeating it could place a second order"
			continue
		}
		for attempt := 1; attempt <= resolveAttempts; attempt++ {
			if r.ctx.Err() != nil {
				e.Resolution = "not repeated: " + r.ctx.Err().Error()
				break
			}
			if r.limited && r.report.OrderRequests >= r.maxOrders {
				e.Resolution = fmt.Sprintf("not repeated: the order budget (%d) is spent", r.maxOrders)
				break
			}
			r.report.OrderRequests++
			outcome, done := r.repeat(pd.rq, e)
			e.Resolution = fmt.Sprintf("repeated with ClientToken %s (attempt %d): %s", e.ClientToken, attempt, outcome)
			if done {
				break
			}
		}
	}
	r.fold()
}

// repeat sends rq once more; done is false when the answer was lost again.
func (r *runner) repeat(rq *request, e *LedgerEntry) (outcome string, done bool) {
	p, err := prepare(&r.target, r.base, rq, r.opts.now())
	if err != nil {
		return "could not sign it: " + err.Error(), true
	}
	hr, err := p.httpRequest(r.ctx)
	if err != nil {
		return "could not send it: " + err.Error(), true
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		return "no answer again: " + transportError(err, r.target.Credentials), false
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	a := decodeAnswer(body)
	if rerr == nil && resp.StatusCode == http.StatusOK && a.success() {
		oid, iid, _ := a.data()
		e.OrderID, e.InstanceID = fmt.Sprint(orEmpty(oid)), fmt.Sprint(orEmpty(iid))
		e.RequestID, _ = a.str("RequestId")
		e.Status = OrderPlaced
		if e.OrderID == "" {
			e.Status = OrderPlacedWithoutID
		}
		return "placed, OrderId " + orDash(e.OrderID), true
	}
	if lost := lostAnswer(resp.StatusCode, rerr, a); lost != "" {
		return "answer lost again: " + lost, false
	}
	e.Status = OrderNotPlaced
	return fmt.Sprintf("rejected with HTTP %d %s: no order", resp.StatusCode, orNone(a.code())), true
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// fold merges entries resolved to an OrderId the ledger already lists into the first of them.
func (r *runner) fold() {
	first := map[string]int{}
	out := r.report.Ledger[:0]
	for _, e := range r.report.Ledger {
		if e.OrderID != "" {
			if i, ok := first[e.OrderID]; ok {
				if e.Resolution != "" {
					out[i].Resolution = joinNote(out[i].Resolution, "also the lost answer of case "+e.Case+": "+e.Resolution)
				}
				out[i].Unexpected = out[i].Unexpected || e.Unexpected
				continue
			}
			first[e.OrderID] = len(out)
		}
		out = append(out, e)
	}
	r.report.Ledger = out
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// LedgerCounts returns how many ledger entries are orders that exist (placed, with or without an
// OrderId) and how many are requests whose outcome is still unknown after resolution.
func (r *Report) LedgerCounts() (placed, unknown int) {
	for _, e := range r.Ledger {
		switch e.Status {
		case OrderPlaced, OrderPlacedWithoutID:
			placed++
		case OrderOutcomeUnknown:
			unknown++
		}
	}
	return placed, unknown
}
