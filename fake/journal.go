package fake

import (
	"net/http"
	"strconv"

	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/redact"
	"github.com/bsskit/bsskit/spec"
)

// rawEntry is what the hot path stores; redaction and copying happen when the journal is read.
type rawEntry struct {
	journal.Entry
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

// journalRing is a bounded ring of entries, guarded by Server.mu.
type journalRing struct {
	limit   int
	entries []rawEntry
	start   int // index of the oldest entry when full
	seq     uint64
}

func (j *journalRing) add(e rawEntry) {
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

func (j *journalRing) reset() {
	j.entries = nil
	j.start = 0
}

// snapshot returns the raw entries oldest first (shallow copies; redact before exposing).
func (j *journalRing) snapshot() []rawEntry {
	out := make([]rawEntry, 0, len(j.entries))
	out = append(out, j.entries[j.start:]...)
	return append(out, j.entries[:j.start]...)
}

func (e *rawEntry) export() journal.Entry {
	out := e.Entry
	out.Places, out.Reads = opFacts(e.Action) // dispatch.go
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
