package fake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/redistest"
)

// TestPlaceJournalsReplays checks that the order's script journals a replay itself when the kept
// order's IDs have the drawn ones' lengths (it reads them off the start of the order's JSON: an
// Order whose JSON no longer starts with orderId and instanceId would cost every replay a second
// round trip) and leaves it to the replica otherwise.
func TestPlaceJournalsReplays(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	rs, err := openRedisStore(r.URL(0), "internal", 16)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rs.close() })
	entry := func(o *Order) []byte {
		e := rawEntry{}
		e.Status, e.Code, e.OrderID, e.RequestID = 200, "Success", o.OrderID, "req"
		e.respBody = []byte(`{"OrderId":"` + o.OrderID + `","InstanceId":"` + o.InstanceID + `"}`)
		return appendRawEntry(nil, &e)
	}
	kept := &Order{OrderID: "200000000000001", InstanceID: "rtc-cn-000000000001", AccountID: "a", ClientToken: "t", CreatedAt: time.Unix(0, 0)}
	_, replayed, journalled, err := rs.place(kept, entry(kept), nil)
	require.NoError(t, err)
	require.False(t, replayed)
	require.True(t, journalled)

	tests := []struct {
		name           string
		drawn          Order
		wantJournalled bool
	}{
		{"same lengths: the script journals the replay", Order{OrderID: "200000000000002", InstanceID: "rtc-cn-000000000002"}, true},
		{"another instance ID length: the replica does", Order{OrderID: "200000000000003", InstanceID: "rtclong-cn-000000000003"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.drawn
			o.AccountID, o.ClientToken = "a", "t"
			got, replayed, journalled, err := rs.place(&o, entry(&o), nil)
			require.NoError(t, err)
			assert.True(t, replayed)
			assert.Equal(t, kept.OrderID, got.OrderID)
			assert.Equal(t, tt.wantJournalled, journalled)
		})
	}
	j, err := rs.journal()
	require.NoError(t, err)
	require.Len(t, j, 2, "the new order and the replay the script journalled")
	assert.Equal(t, []string{kept.OrderID, kept.OrderID}, []string{j[0].OrderID, j[1].OrderID})
	assert.Equal(t, []bool{false, true}, []bool{j[0].Replayed, j[1].Replayed})
	assert.Equal(t, `{"OrderId":"`+kept.OrderID+`","InstanceId":"`+kept.InstanceID+`"}`, j[1].ResponseBody)
}
