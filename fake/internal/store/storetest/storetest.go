// Package storetest is the conformance suite of store.Backend: every backend runs Run, as
// fake-gcs-server's storage backends run one suite, so a new backend knows at once what it misses.
//
//	func TestConformance(t *testing.T) { storetest.Run(t, func(t *testing.T) []store.Backend { ... }) }
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/internal/store"
)

// NewBackends returns n handles on one new, empty state: for a shared backend n clients of one
// store (replicas), for an in-process one the same backend n times. The suite closes them.
type NewBackends func(t *testing.T, n int) []store.Backend

// Run runs the conformance suite against the backends newBackends makes.
func Run(t *testing.T, newBackends NewBackends) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, b []store.Backend)
	}{
		{"PlaceAndRead", placeAndRead},
		{"TokenReplays", tokenReplays},
		{"OpensOnce", opensOnce},
		{"LimitAndBalance", limitAndBalance},
		{"Collision", collision},
		{"ClockOffset", clockOffset},
		{"Reset", reset},
		{"ConcurrentTokens", concurrentTokens},
		{"ConcurrentOpensOnce", concurrentOpensOnce},
		{"ConcurrentBalance", concurrentBalance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bs := newBackends(t, 3)
			require.Len(t, bs, 3)
			t.Cleanup(func() {
				for _, b := range bs {
					_ = b.Close()
				}
			})
			tt.run(t, bs)
		})
	}
}

var ctx = context.Background()

var seq atomic.Int64

// rec returns a new record of account and product with fresh IDs.
func rec(account, product, token, amount string) store.Record {
	n := seq.Add(1)
	return store.Record{
		OrderID: fmt.Sprintf("2%014d", n), InstanceID: fmt.Sprintf("%s-cn-%012d", product, n),
		AccountID: account, ProductCode: product, SubscriptionType: "Subscription", Period: 1,
		ClientToken: token, Amount: amount, RequestID: "req-" + strconv.FormatInt(n, 10),
		CreatedAt:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ReadyAt:    time.Date(2026, 1, 2, 3, 4, 8, 0, time.UTC),
		PaidAt:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Parameters: []store.Param{{N: 1, Code: "ServiceType", Value: "universal"}},
	}
}

func place(t *testing.T, b store.Backend, p store.Placement) store.Placed {
	t.Helper()
	res, err := b.Place(ctx, &p)
	require.NoError(t, err)
	return res
}

func orders(t *testing.T, b store.Backend) []store.Record {
	t.Helper()
	var out []store.Record
	require.NoError(t, b.View(ctx, func(o *store.Orders, _ time.Duration) {
		require.NoError(t, o.Check())
		for _, r := range o.All {
			out = append(out, r.Clone())
		}
	}))
	return out
}

func placeAndRead(t *testing.T, b []store.Backend) {
	r1, r2 := rec("a", "rtc", "", "0.00"), rec("a", "sas", "tok", "12.30")
	for _, r := range []store.Record{r1, r2} {
		res := place(t, b[0], store.Placement{Record: r, Balance: -1})
		require.False(t, res.Replayed)
		require.Empty(t, res.Refused)
		require.Empty(t, cmp.Diff(r, res.Record))
	}
	for i, bk := range b { // every replica reads what one acknowledged
		require.Empty(t, cmp.Diff([]store.Record{r1, r2}, orders(t, bk)), "replica %d", i)
		got, ok, err := bk.Order(ctx, r2.OrderID)
		require.NoError(t, err)
		require.True(t, ok)
		require.Empty(t, cmp.Diff(r2, got))
		_, ok, err = bk.Order(ctx, "299999999999999")
		require.NoError(t, err)
		require.False(t, ok)
		got, ok, err = bk.TokenOrder(ctx, "a", "tok")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, r2.OrderID, got.OrderID)
		_, ok, err = bk.TokenOrder(ctx, "b", "tok")
		require.NoError(t, err)
		require.False(t, ok, "a ClientToken belongs to its account")
	}
	require.NoError(t, b[1].View(ctx, func(o *store.Orders, _ time.Duration) {
		ids, refunded := o.Product("a", "sas", "")
		require.Len(t, ids, 1)
		require.Zero(t, refunded)
		require.Equal(t, int64(1230), o.Spent("a"))
		require.Len(t, o.Account("a"), 2)
		_, ok := o.Instance(r1.InstanceID)
		require.True(t, ok)
	}))
}

func tokenReplays(t *testing.T, b []store.Backend) {
	first := rec("a", "rtc", "t1", "0.00")
	place(t, b[0], store.Placement{Record: first, Balance: -1})
	retry := rec("a", "rtc", "t1", "0.00")
	// The replay answers before every check: the opens-once holding, the limit, the balance and a
	// stale clock offset do not turn a retry into an error.
	res := place(t, b[1], store.Placement{Record: retry, Balance: 0, OverLimit: true, OpensOnce: true, Offset: time.Hour})
	require.True(t, res.Replayed)
	require.Empty(t, res.Refused)
	require.Equal(t, first.OrderID, res.Record.OrderID)
	require.Equal(t, first.InstanceID, res.Record.InstanceID)
	other := place(t, b[2], store.Placement{Record: rec("b", "rtc", "t1", "0.00"), Balance: -1})
	require.False(t, other.Replayed, "another account's token is its own")
	require.Len(t, orders(t, b[0]), 2)
}

func opensOnce(t *testing.T, b []store.Backend) {
	held := rec("a", "sas", "", "0.00")
	place(t, b[0], store.Placement{Record: held, OpensOnce: true, Balance: -1})
	res := place(t, b[1], store.Placement{Record: rec("a", "sas", "", "0.00"), OpensOnce: true, Balance: -1})
	require.Equal(t, store.RefusedOpened, res.Refused)
	require.Equal(t, held.OrderID, res.Record.OrderID)
	require.Equal(t, held.InstanceID, res.Record.InstanceID)
	res = place(t, b[2], store.Placement{Record: rec("b", "sas", "", "0.00"), OpensOnce: true, Balance: -1})
	require.Empty(t, res.Refused, "another account")
	res = place(t, b[2], store.Placement{Record: rec("a", "rtc", "", "0.00"), OpensOnce: true, Balance: -1})
	require.Empty(t, res.Refused, "another product")
	require.Len(t, orders(t, b[0]), 3)
}

func limitAndBalance(t *testing.T, b []store.Backend) {
	res := place(t, b[0], store.Placement{Record: rec("a", "sas", "", "5.00"), OverLimit: true, Balance: -1})
	require.Equal(t, store.RefusedLimit, res.Refused)
	place(t, b[0], store.Placement{Record: rec("a", "sas", "", "6.00"), Balance: 1000})
	res = place(t, b[1], store.Placement{Record: rec("a", "sas", "", "4.01"), Balance: 1000})
	require.Equal(t, store.RefusedBalance, res.Refused)
	require.Equal(t, int64(600), res.Spent)
	res = place(t, b[2], store.Placement{Record: rec("a", "sas", "", "4.00"), Balance: 1000})
	require.Empty(t, res.Refused, "exactly the balance left")
	res = place(t, b[2], store.Placement{Record: rec("a", "rtc", "", "0.00"), Balance: 1000})
	require.Empty(t, res.Refused, "a free order with nothing left")
	require.Len(t, orders(t, b[0]), 3)
}

func collision(t *testing.T, b []store.Backend) {
	first := rec("a", "rtc", "", "0.00")
	place(t, b[0], store.Placement{Record: first, Balance: -1})
	sameOrder := rec("b", "rtc", "", "0.00")
	sameOrder.OrderID = first.OrderID
	_, err := b[1].Place(ctx, &store.Placement{Record: sameOrder, Balance: -1})
	require.ErrorIs(t, err, store.ErrCollision)
	sameInstance := rec("b", "rtc", "x", "0.00")
	sameInstance.InstanceID = first.InstanceID
	_, err = b[2].Place(ctx, &store.Placement{Record: sameInstance, Balance: -1})
	require.ErrorIs(t, err, store.ErrCollision)
	_, ok, err := b[0].TokenOrder(ctx, "b", "x")
	require.NoError(t, err)
	require.False(t, ok, "a refused order leaves no token")
	require.Len(t, orders(t, b[0]), 1)
}

func clockOffset(t *testing.T, b []store.Backend) {
	off, err := b[0].AdvanceClock(ctx, time.Hour)
	require.NoError(t, err)
	require.Equal(t, time.Hour, off)
	off, err = b[1].AdvanceClock(ctx, 30*time.Minute)
	require.NoError(t, err)
	require.Equal(t, 90*time.Minute, off, "one offset for every replica")
	for _, bk := range b {
		got, err := bk.Offset(ctx)
		require.NoError(t, err)
		require.Equal(t, 90*time.Minute, got)
		require.NoError(t, bk.View(ctx, func(_ *store.Orders, off time.Duration) { require.Equal(t, 90*time.Minute, off) }))
	}
	_, err = b[2].Place(ctx, &store.Placement{Record: rec("a", "rtc", "", "0.00"), Offset: time.Hour, Balance: -1})
	require.ErrorIs(t, err, store.ErrClockMoved, "a time read before the last advance")
	place(t, b[2], store.Placement{Record: rec("a", "rtc", "", "0.00"), Offset: 90 * time.Minute, Balance: -1})
	require.Len(t, orders(t, b[0]), 1)
}

func reset(t *testing.T, b []store.Backend) {
	_, err := b[0].AdvanceClock(ctx, time.Minute)
	require.NoError(t, err)
	held := rec("a", "sas", "t", "9.00")
	place(t, b[0], store.Placement{Record: held, OpensOnce: true, Offset: time.Minute, Balance: 900})
	require.NoError(t, b[1].Reset(ctx))
	require.Empty(t, orders(t, b[2]))
	_, ok, err := b[2].TokenOrder(ctx, "a", "t")
	require.NoError(t, err)
	require.False(t, ok)
	off, err := b[2].Offset(ctx)
	require.NoError(t, err)
	require.Equal(t, time.Minute, off, "a reset keeps the clock")
	// The holding, the token and the balance spent are forgotten with the orders.
	res := place(t, b[2], store.Placement{Record: rec("a", "sas", "t", "9.00"), OpensOnce: true, Offset: time.Minute, Balance: 900})
	require.False(t, res.Replayed)
	require.Empty(t, res.Refused)
}

// race runs n goroutines, each placing f(i) on b[i%len(b)], and returns the results.
func race(t *testing.T, b []store.Backend, n int, f func(i int) store.Placement) []store.Placed {
	t.Helper()
	out := make([]store.Placed, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			p := f(i)
			for {
				out[i], errs[i] = b[i%len(b)].Place(ctx, &p)
				if !errors.Is(errs[i], store.ErrCollision) {
					return
				}
				p = f(i)
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	return out
}

func concurrentTokens(t *testing.T, b []store.Backend) {
	const calls, tokens = 60, 6
	res := race(t, b, calls, func(i int) store.Placement {
		return store.Placement{Record: rec("a", "rtc", "tok-"+strconv.Itoa(i%tokens), "0.00"), Balance: -1}
	})
	byToken := map[string]map[string]bool{}
	placed := 0
	for i, r := range res {
		tok := "tok-" + strconv.Itoa(i%tokens)
		if byToken[tok] == nil {
			byToken[tok] = map[string]bool{}
		}
		byToken[tok][r.Record.OrderID] = true
		if !r.Replayed {
			placed++
		}
	}
	assert.Equal(t, tokens, placed, "one order per ClientToken")
	for tok, ids := range byToken {
		assert.Len(t, ids, 1, "every call of %s answers one order", tok)
	}
	assert.Len(t, orders(t, b[0]), tokens)
}

func concurrentOpensOnce(t *testing.T, b []store.Backend) {
	const calls, accounts = 60, 5
	res := race(t, b, calls, func(i int) store.Placement {
		return store.Placement{Record: rec("acct-"+strconv.Itoa(i%accounts), "sas", "", "0.00"), OpensOnce: true, Balance: -1}
	})
	placed := map[string]string{}
	refused := 0
	for i, r := range res {
		acct := "acct-" + strconv.Itoa(i%accounts)
		switch r.Refused {
		case "":
			assert.Empty(t, placed[acct], "%s opened the product twice", acct)
			placed[acct] = r.Record.InstanceID
		case store.RefusedOpened:
			refused++
		default:
			t.Errorf("call %d refused %q", i, r.Refused)
		}
	}
	assert.Len(t, placed, accounts)
	assert.Equal(t, calls-accounts, refused)
	for i, r := range res {
		if r.Refused != "" {
			assert.Equal(t, placed["acct-"+strconv.Itoa(i%accounts)], r.Record.InstanceID, "refused with the instance held")
		}
	}
	assert.Len(t, orders(t, b[0]), accounts)
}

func concurrentBalance(t *testing.T, b []store.Backend) {
	const calls = 40
	res := race(t, b, calls, func(int) store.Placement {
		return store.Placement{Record: rec("a", "sas", "", "1.00"), Balance: 1000}
	})
	ok := 0
	for _, r := range res {
		if r.Refused == "" {
			ok++
		} else {
			assert.Equal(t, store.RefusedBalance, r.Refused)
		}
	}
	assert.Equal(t, 10, ok, "a balance of 10.00 pays ten orders of 1.00")
	var spent int64
	require.NoError(t, b[1].View(ctx, func(o *store.Orders, _ time.Duration) { spent = o.Spent("a") }))
	assert.Equal(t, int64(1000), spent)
}
