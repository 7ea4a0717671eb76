package redis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/internal/redistest"
)

// TestPlaceJournalsReplays checks that the order's script journals a replay itself when the kept
// order's IDs have the drawn ones' lengths (it swaps them into the entry at the positions of the
// drawn ones and sets the replay flag in the first byte) and leaves it to the replica otherwise.
func TestPlaceJournalsReplays(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	rs, err := Open(r.URL(0), "internal", 16)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rs.Close() })
	const flag = 1 << 2
	entry := func(o *store.Record) []byte {
		return []byte("\x01" + `{"OrderId":"` + o.OrderID + `","InstanceId":"` + o.InstanceID + `"}`)
	}
	place := func(o store.Record) store.Placed {
		t.Helper()
		res, err := rs.Place(context.Background(), &store.Placement{Record: o, Balance: -1,
			Extra: &Extra{Entry: entry(&o), ReplayFlag: flag}})
		require.NoError(t, err)
		return res
	}
	kept := store.Record{OrderID: "200000000000001", InstanceID: "rtc-cn-000000000001", AccountID: "a", ClientToken: "t", CreatedAt: time.Unix(0, 0)}
	res := place(kept)
	require.False(t, res.Replayed)
	require.Equal(t, true, res.Extra)

	tests := []struct {
		name           string
		drawn          store.Record
		wantJournalled bool
	}{
		{"same lengths: the script journals the replay", store.Record{OrderID: "200000000000002", InstanceID: "rtc-cn-000000000002"}, true},
		{"another instance ID length: the replica does", store.Record{OrderID: "200000000000003", InstanceID: "rtclong-cn-000000000003"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.drawn
			o.AccountID, o.ClientToken = "a", "t"
			got := place(o)
			assert.True(t, got.Replayed)
			assert.Equal(t, kept.OrderID, got.Record.OrderID)
			assert.Equal(t, tt.wantJournalled, got.Extra)
		})
	}
	j, err := rs.Journal()
	require.NoError(t, err)
	require.Len(t, j, 2, "the new order and the replay the script journalled")
	assert.Equal(t, string(entry(&kept)), string(j[0].Entry))
	assert.Equal(t, "\x05"+string(entry(&kept))[1:], string(j[1].Entry), "the kept IDs and the replay flag")
	assert.Equal(t, []uint64{1, 2}, []uint64{j[0].Seq, j[1].Seq})
}
