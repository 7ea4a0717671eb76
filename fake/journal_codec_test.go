package fake

import (
	"net/http"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake/journal"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestJournalCodecRoundTrip(t *testing.T) {
	t.Parallel()
	full := rawEntry{
		Entry: journal.Entry{Time: time.Date(2026, 11, 30, 5, 0, 0, 123, time.UTC), Method: "POST", Path: "/",
			Action: "CreateInstance", Version: "2017-12-14", Format: "JSON", AccessKeyID: "ak", ProductCode: "rtc",
			ClientToken: "tok", Status: 503, Code: "ServiceUnavailable", RequestID: "RID", OrderID: "2145",
			Replayed: true, Rule: "rule-1", Fault: "reset", Aborted: true, Note: "n\x00te",
			Site: "international", Endpoint: "127.0.0.1:43121"},
		rawQuery: "Action=CreateInstance&Signature=secret",
		header:   http.Header{"Authorization": {"a", "b"}, "X-Empty": {""}},
		body:     []byte("AccessKeySecret=x"),
		formBody: true,
		respHdr:  http.Header{"Content-Type": {"application/json"}},
		respBody: []byte(`{"Code":"ServiceUnavailable"}`),
	}
	for _, tc := range []struct {
		name string
		e    rawEntry
	}{
		{"every field", full},
		{"empty", rawEntry{Entry: journal.Entry{Time: time.Unix(0, 0).UTC()}}},
		{"standard response header", rawEntry{Entry: journal.Entry{Time: time.Unix(1, 2).UTC(), Status: 200}, respStd: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeRawEntry(appendRawEntry(nil, &tc.e))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.e, got, cmp.AllowUnexported(rawEntry{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
		})
	}
	enc := appendRawEntry(nil, &full)
	for _, cut := range []int{0, 1, 5, len(enc) / 2, len(enc) - 1} {
		if _, err := decodeRawEntry(enc[:cut]); err == nil {
			t.Errorf("a journal entry cut to %d of %d bytes decodes", cut, len(enc))
		}
	}
	if _, err := decodeRawEntry(append(enc, 0)); err == nil {
		t.Error("trailing bytes decode")
	}
}

// FuzzJournalCodec: whatever Redis hands back, decoding never panics, and what decodes encodes to
// the same bytes.
func FuzzJournalCodec(f *testing.F) {
	f.Add(appendRawEntry(nil, &rawEntry{Entry: journal.Entry{Method: "POST", Status: 200}, header: http.Header{"A": {"b"}}}))
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeRawEntry(b)
		if err != nil {
			return
		}
		again, err := decodeRawEntry(appendRawEntry(nil, &e))
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if d := cmp.Diff(e, again, cmp.AllowUnexported(rawEntry{}), cmpopts.EquateEmpty()); d != "" {
			t.Errorf("(-first +second):\n%s", d)
		}
	})
}
