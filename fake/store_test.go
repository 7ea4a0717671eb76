package fake_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
)

// 64 goroutines sending the same ClientToken at once get one order and 64 identical answers.
func TestClientTokenIdempotencyUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	params := with(valid(), "ClientToken", "same-token-64")
	const n = 64
	var wg sync.WaitGroup
	answers := make([]answer, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i], errs[i] = tryCall(srv, params) // no require off the test goroutine
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	orders := srv.Orders()
	require.Len(t, orders, 1, "exactly one order for one ClientToken")
	ids := map[string]bool{}
	for _, a := range answers {
		require.Equal(t, http.StatusOK, a.Status, a.Raw)
		data := a.Body["Data"].(map[string]any)
		assert.Equal(t, orders[0].OrderID, data["OrderId"])
		assert.Equal(t, orders[0].InstanceID, data["InstanceId"])
		ids[a.Body["RequestId"].(string)] = true
	}
	assert.Len(t, ids, n, "every answer has its own RequestId")
	replayed := 0
	for _, e := range srv.Journal() {
		if e.Replayed {
			replayed++
		}
		assert.Equal(t, orders[0].OrderID, e.OrderID)
	}
	assert.Equal(t, n-1, replayed)
}

func TestClientTokenScope(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithAccounts(
		fake.Account{ID: "1000000000000011", AccessKeys: []fake.AccessKey{{ID: "ak-a"}}},
		fake.Account{ID: "1000000000000022", AccessKeys: []fake.AccessKey{{ID: "ak-b"}}},
	))
	a1 := call(t, srv, with(valid(), "ClientToken", "t1", "AccessKeyId", "ak-a"))
	a2 := call(t, srv, with(valid(), "ClientToken", "t1", "AccessKeyId", "ak-a"))
	b1 := call(t, srv, with(valid(), "ClientToken", "t1", "AccessKeyId", "ak-b"))
	n1 := call(t, srv, with(valid(), "ClientToken", "t2", "AccessKeyId", "ak-a"))
	none1 := call(t, srv, with(valid(), "AccessKeyId", "ak-a"))
	none2 := call(t, srv, with(valid(), "AccessKeyId", "ak-a"))
	orderOf := func(a answer) string { return a.Body["Data"].(map[string]any)["OrderId"].(string) }
	assert.Equal(t, orderOf(a1), orderOf(a2), "same account, same token: same order")
	assert.NotEqual(t, orderOf(a1), orderOf(b1), "tokens are per account")
	assert.NotEqual(t, orderOf(a1), orderOf(n1), "new token: new order")
	assert.NotEqual(t, orderOf(none1), orderOf(none2), "no token: every call is an order")
	assert.Len(t, srv.Orders(), 5)
	unknown := call(t, srv, with(valid(), "AccessKeyId", "ak-zzz"))
	assert.Equal(t, "InvalidCaller", unknown.Body["Code"])
	assert.Equal(t, "The specified caller doesn't exists.", unknown.Body["Message"])
	assert.Equal(t, "1000000000000022", srv.Orders()[1].AccountID)
}

// Same seed, same requests, same clock: the same answers, byte for byte.
func TestSeedDeterminism(t *testing.T) {
	t.Parallel()
	run := func() []journal.Entry {
		clock := fake.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
		srv := fake.NewServer(t, fake.WithSeed(42), fake.WithClock(clock))
		call(t, srv, valid())
		call(t, srv, with(valid(), "ClientToken", "x"))
		call(t, srv, with(valid(), "ClientToken", "x"))
		call(t, srv, with(valid(), "ProductCode", "ecs"))
		j := srv.Journal()
		for i := range j {
			j[i].Header = nil  // the HTTP client's own headers are not the fake's doing
			j[i].Endpoint = "" // nor is each server's port
		}
		return j
	}
	a, b := run(), run()
	require.Len(t, a, 4)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two runs with seed 42 differ (-first +second):\n%s", diff)
	}
	srv := fake.NewServer(t, fake.WithSeed(43))
	call(t, srv, valid())
	assert.NotEqual(t, a[0].RequestID, srv.Journal()[0].RequestID, "another seed, other IDs")
	assert.Equal(t, uint64(43), srv.Seed())
}

func TestJournal(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithJournalLimit(3))
	for _, token := range []string{"a", "b", "c", "d", "e"} {
		call(t, srv, with(valid(), "ClientToken", token, "Signature", "c2VjcmV0", "SecurityToken", "STS.secret", "BearerToken", "bearer-secret", "AccessKeyId", "ak-1"))
	}
	j := srv.Journal()
	require.Len(t, j, 3, "bounded")
	assert.Equal(t, []uint64{3, 4, 5}, []uint64{j[0].Seq, j[1].Seq, j[2].Seq}, "newest kept, oldest first")
	assert.Equal(t, uint64(5), srv.RequestCount())
	for _, e := range j {
		assert.Contains(t, e.Query, "Signature=REDACTED")
		assert.Contains(t, e.Query, "SecurityToken=REDACTED")
		assert.Contains(t, e.Query, "BearerToken=REDACTED")
		assert.NotContains(t, e.Query, "c2VjcmV0")
		assert.NotContains(t, e.Query, "STS.secret")
		assert.NotContains(t, e.Query, "bearer-secret")
		assert.Equal(t, "ak-1", e.AccessKeyID)
		assert.Equal(t, 200, e.Status)
		assert.Equal(t, "Success", e.Code)
		assert.NotEmpty(t, e.OrderID)
		assert.True(t, strings.HasPrefix(e.ResponseBody, `{"RequestId":"`+e.RequestID))
	}
	// Copies: changing what Journal returned changes nothing stored.
	j[0].ResponseHeader.Set("X-Changed", "1")
	j[0].Code = "changed"
	assert.Equal(t, "Success", srv.Journal()[0].Code)
	assert.Empty(t, srv.Journal()[0].ResponseHeader.Get("X-Changed"))
	o := srv.Orders()
	o[0].Parameters[0].Code = "changed"
	assert.Equal(t, "ServiceType", srv.Orders()[0].Parameters[0].Code)

	srv.Reset()
	assert.Empty(t, srv.Journal())
	assert.Empty(t, srv.Orders())
	assert.Equal(t, uint64(0), srv.RequestCount())
	a := call(t, srv, with(valid(), "ClientToken", "a"))
	assert.Equal(t, 200, a.Status)
	assert.Len(t, srv.Orders(), 1, "tokens are forgotten by Reset")
}

func TestJournalRedactsV3Headers(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	r, err := http.NewRequest("POST", srv.URL()+"/?"+valid().Encode(), nil)
	require.NoError(t, err)
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=ak-3,SignedHeaders=host;x-acs-action,Signature=deadbeef")
	r.Header.Set("x-acs-security-token", "sts-secret")
	r.Header.Set("x-acs-bearer-token", "bearer-secret")
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	resp.Body.Close()
	e := srv.Journal()[0]
	assert.Equal(t, "ACS3-HMAC-SHA256 Credential=ak-3,SignedHeaders=host;x-acs-action,Signature=REDACTED", e.Header.Get("Authorization"))
	assert.Equal(t, "REDACTED", e.Header.Get("X-Acs-Security-Token"))
	assert.Equal(t, "REDACTED", e.Header.Get("X-Acs-Bearer-Token"))
	assert.Equal(t, "ak-3", e.AccessKeyID)
}

// The journal never lags behind the client: once an answer (or a transport fault) reached the
// client, its entry is there, without polling.
func TestJournalIsCompleteWhenTheAnswerArrives(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	for i := 1; i <= 100; i++ {
		call(t, srv, with(valid(), "ClientToken", "t"+strings.Repeat("x", i%7)))
		require.Len(t, srv.Journal(), i, "after answer %d", i)
	}
	srv.Faults().Add(faults.FaultNext(faults.FaultReset))
	resp, err := http.Post(srv.URL()+"/?"+valid().Encode(), "", nil)
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "the connection was reset")
	j := srv.Journal()
	require.Len(t, j, 101)
	assert.Equal(t, "reset", j[100].Fault)
}
