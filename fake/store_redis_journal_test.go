package fake_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/redistest"
)

// rawReply is one answer as the client saw it, for comparing with its journal entry.
type rawReply struct {
	status int
	header http.Header
	body   string
}

func rawCall(t *testing.T, srv *fake.Server, params url.Values) rawReply {
	t.Helper()
	resp, err := replyClient.Post(srv.URL()+"/?"+params.Encode(), "", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawReply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// TestSharedStoreJournalsWithTheOrder checks the entry that the order's script journals in the
// same round trip as the order (journalAhead): for a new order and for replays on other replicas,
// in both formats, it is exactly the answer the client got, found from any replica as soon as the
// client has it; a replay whose kept order's IDs differ in length from the drawn ones is journalled
// by the replica itself, just as exactly.
func TestSharedStoreJournalsWithTheOrder(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	cat := fake.DefaultCatalog()
	long := cat.Products[0] // rtc, with another instance ID prefix length
	long.Code, long.InstanceIDPrefix = "rtclong", "rtclong-intl-cn-"
	cat.Products = append(cat.Products, long)
	reps := replicas(t, 3, r.URL(0), "journal-ahead", fake.WithCatalog(cat))

	type call struct {
		replica      int
		params       url.Values
		wantReplayed bool
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"new order, replayed on the two other replicas, JSON and XML", []call{
			{0, with(valid(), "ClientToken", "ahead-1"), false},
			{1, with(valid(), "ClientToken", "ahead-1"), true},
			{2, with(valid(), "ClientToken", "ahead-1", "Format", "XML"), true},
		}},
		{"new order without a ClientToken, in XML", []call{
			{1, with(valid(), "ClientToken", "", "Format", "XML"), false},
		}},
		{"replay whose drawn instance ID is longer than the kept one's", []call{
			{2, with(valid(), "ClientToken", "ahead-2"), false},
			{0, with(valid(), "ClientToken", "ahead-2", "ProductCode", "rtclong"), true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orderID := ""
			for i, c := range tt.calls {
				got := rawCall(t, reps[c.replica], c.params)
				require.Equal(t, http.StatusOK, got.status, "call %d: %s", i, got.body)
				id := got.header.Get("X-Acs-Request-Id")
				require.NotEmpty(t, id)
				if orderID == "" {
					orderID = between(got.body, "OrderId")
					require.NotEmpty(t, orderID, got.body)
				}
				require.Contains(t, got.body, orderID, "call %d answers the first call's order", i)
				// Read from another replica than the one that answered.
				var entry *journal.Entry
				for _, e := range reps[(c.replica+1)%3].Journal() {
					if e.RequestID == id {
						entry = &e
					}
				}
				require.NotNil(t, entry, "call %d (request %s) is journalled", i, id)
				want := journal.Entry{Status: http.StatusOK, Code: "Success", OrderID: orderID, Replayed: c.wantReplayed,
					ResponseBody: got.body, ClientToken: c.params.Get("ClientToken"), ProductCode: c.params.Get("ProductCode"),
					Format: c.params.Get("Format"), ResponseHeader: http.Header{
						"Content-Type":     got.header.Values("Content-Type"),
						"X-Acs-Request-Id": {id},
						"Content-Length":   got.header.Values("Content-Length"),
					}}
				gotE := journal.Entry{Status: entry.Status, Code: entry.Code, OrderID: entry.OrderID, Replayed: entry.Replayed,
					ResponseBody: entry.ResponseBody, ClientToken: entry.ClientToken, ProductCode: entry.ProductCode,
					Format: entry.Format, ResponseHeader: entry.ResponseHeader}
				if d := cmp.Diff(want, gotE); d != "" {
					t.Errorf("call %d: journal entry (-answered +journalled):\n%s", i, d)
				}
			}
		})
	}
	for i, s := range reps {
		require.Len(t, s.Orders(), 3, "replica %d: one order per ClientToken and one without", i)
	}
}

// between returns the value of the JSON string field or XML element name in body.
func between(body, name string) string {
	for _, open := range []string{`"` + name + `":"`, "<" + name + ">"} {
		if i := strings.Index(body, open); i >= 0 {
			rest := body[i+len(open):]
			if j := strings.IndexAny(rest, `"<`); j >= 0 {
				return rest[:j]
			}
		}
	}
	return ""
}
