package fake

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bsskit/bsskit/internal/redact"
	"github.com/bsskit/bsskit/spec"
)

// Entry is one request the fake answered and what it answered, with every secret redacted
// (signatures, security and bearer tokens). [Server.Journal] returns copies.
type Entry struct {
	// Seq numbers requests from 1 in arrival order; it keeps counting when old entries are dropped.
	Seq uint64 `json:"seq"`
	// Time is the fake clock's time when the request arrived.
	Time time.Time `json:"time"`
	// Method, Path and Query are the request line; Query is redacted.
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Header is the request's header, redacted.
	Header http.Header `json:"header,omitempty"`
	// Body is the request body, redacted when it is a form.
	Body string `json:"body,omitempty"`
	// Action, Version and Format as the fake understood them.
	Action  string `json:"action,omitempty"`
	Version string `json:"version,omitempty"`
	Format  string `json:"format"`
	// AccessKeyID is the caller's access key ID, if any.
	AccessKeyID string `json:"accessKeyId,omitempty"`
	// ProductCode and ClientToken are the request's parameters of those names, as sent ("" when
	// absent): a retry shows as two entries with the same ClientToken.
	ProductCode string `json:"productCode,omitempty"`
	ClientToken string `json:"clientToken,omitempty"`
	// Status is the HTTP status answered (0 when a transport fault sent none).
	Status int `json:"status"`
	// Code is "Success" or the error code answered.
	Code string `json:"code,omitempty"`
	// Reason says, for a developer, why the fake answered a business error it decided itself
	// (catalogue, accounts), such as "module ServiceType of rtc is required: ...". It is never
	// part of the answer, whose message stays the real service's.
	Reason string `json:"reason,omitempty"`
	// RequestID is the RequestId answered.
	RequestID string `json:"requestId,omitempty"`
	// ResponseHeader and ResponseBody are what was sent (before any transport fault mangled it).
	ResponseHeader http.Header `json:"responseHeader,omitempty"`
	ResponseBody   string      `json:"responseBody,omitempty"`
	// OrderID is the order the call created or replayed.
	OrderID string `json:"orderId,omitempty"`
	// Replayed is true when a known ClientToken returned an earlier call's result.
	Replayed bool `json:"replayed,omitempty"`
	// Rule is the ID of the fault rule that shaped the answer, if any.
	Rule string `json:"rule,omitempty"`
	// Fault names the transport fault applied, if any.
	Fault string `json:"fault,omitempty"`
	// Aborted is true when a fault broke the answer off: the connection closed (or reset), or over
	// HTTP/2 the stream reset. Status is then what the client saw of it, 0 if no status line.
	Aborted bool `json:"aborted,omitempty"`
	// Note says what a transport fault did when the fields above do not: how a hang ended, for one.
	Note string `json:"note,omitempty"`
	// Held is how long a hung request ([FaultHang]) was held open before it ended; the verdict
	// no-timeout ([Judge]) compares it with the hang bound.
	Held time.Duration `json:"held,omitempty"`
}

// rawEntry is what the hot path stores; redaction and copying happen when the journal is read.
type rawEntry struct {
	Entry
	rawQuery string
	header   http.Header
	body     []byte
	formBody bool
	respHdr  http.Header // nil when respStd
	respStd  bool        // the response header was exactly answer's three: rebuilt on export
	respBody []byte
}

// recordHeader keeps the response header for the journal. The usual header, the three values
// answer set and nothing else, is not copied: export rebuilds it from the entry.
func (ex *exchange) recordHeader() {
	h := ex.w.Header()
	if hv := ex.stdHdr; hv != nil && len(h) == 3 && sameValue(h["Content-Type"], &hv[0]) &&
		sameValue(h["X-Acs-Request-Id"], &hv[1]) && sameValue(h["Content-Length"], &hv[2]) &&
		hv[1] == ex.entry.RequestID && hv[2] == strconv.Itoa(len(ex.body)) {
		ex.entry.respStd, ex.entry.respHdr = true, nil
		return
	}
	ex.entry.respStd, ex.entry.respHdr = false, h.Clone()
}

// sameValue reports whether vs is still the one-element slice of *v, unchanged.
func sameValue(vs []string, v *string) bool { return len(vs) == 1 && &vs[0] == v }

// journal is a bounded ring of entries, guarded by Server.mu.
type journal struct {
	limit   int
	entries []rawEntry
	start   int // index of the oldest entry when full
	seq     uint64
}

func (j *journal) add(e rawEntry) {
	if j.limit <= 0 {
		return
	}
	if len(j.entries) < j.limit {
		j.entries = append(j.entries, e)
		return
	}
	j.entries[j.start] = e
	j.start = (j.start + 1) % j.limit
}

func (j *journal) reset() {
	j.entries = nil
	j.start = 0
}

// snapshot returns the raw entries oldest first (shallow copies; redact before exposing).
func (j *journal) snapshot() []rawEntry {
	out := make([]rawEntry, 0, len(j.entries))
	out = append(out, j.entries[j.start:]...)
	return append(out, j.entries[:j.start]...)
}

func (e *rawEntry) export() Entry {
	out := e.Entry
	out.Query = redact.Query(e.rawQuery)
	out.Header = redact.Header(e.header)
	if e.formBody {
		out.Body = redact.Query(string(e.body))
	} else {
		out.Body = string(e.body)
	}
	out.ResponseHeader = e.respHdr.Clone()
	if e.respStd {
		ct := spec.FormatJSON.ContentType()
		if e.Format == spec.FormatXML.String() {
			ct = spec.FormatXML.ContentType()
		}
		out.ResponseHeader = http.Header{
			"Content-Type":     {ct},
			"X-Acs-Request-Id": {e.RequestID},
			"Content-Length":   {strconv.Itoa(len(e.respBody))},
		}
	}
	out.ResponseBody = string(e.respBody)
	return out
}
