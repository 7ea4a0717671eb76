package fake_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/spec"
)

// TestSharedStoreReadsAndState: replicas of one environment answer the read calls and the
// state-produced errors from the orders all of them placed: an instance bought through one replica
// is listed by QueryAvailableInstances on another, its order read by GetOrderDetail on a third, and
// a second order of an opensOnce product through another replica answers ORDER.OPEND with the
// instance already held.
func TestSharedStoreReadsAndState(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	cat := fake.DefaultCatalog()
	cat.Products = append(cat.Products, fake.Product{Code: "svc", SubscriptionTypes: []string{"PayAsYouGo"}, OpensOnce: true})
	reps := replicas(t, 3, r.URL(0), "reads", fake.WithCatalog(cat))

	bought := storeCall(reps[0], with(valid(), "ClientToken", "buy-1"))
	require.NoError(t, bought.err)
	require.Equal(t, http.StatusOK, bought.status, "%v", bought.body)
	orderID, instanceID := bought.orderID(), dataField(bought.body, "InstanceId")

	read := func(srv *fake.Server, action string, kv ...string) reply {
		p := url.Values{"Action": {action}, "Version": {spec.Version}, "Format": {"JSON"}}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Set(kv[i], kv[i+1])
		}
		return storeCall(srv, p)
	}
	q := read(reps[1], "QueryAvailableInstances", "InstanceIDs", instanceID)
	require.NoError(t, q.err)
	require.Equal(t, http.StatusOK, q.status, "%v", q.body)
	data, _ := q.body["Data"].(map[string]any)
	list, _ := data["InstanceList"].([]any)
	require.Len(t, list, 1, "%v", q.body)
	assert.Equal(t, instanceID, list[0].(map[string]any)["InstanceID"])
	assert.EqualValues(t, 1, data["TotalCount"])

	g := read(reps[2], "GetOrderDetail", "OrderId", orderID)
	require.NoError(t, g.err)
	require.Equal(t, http.StatusOK, g.status, "%v", g.body)
	assert.Contains(t, g.body["Data"], "OrderList")

	ids := func(in []fake.Instance) []string {
		var out []string
		for _, i := range in {
			out = append(out, i.InstanceID)
		}
		return out
	}
	assert.Equal(t, []string{instanceID}, ids(reps[2].Instances()), "Instances() from a replica that placed nothing")

	first := storeCall(reps[0], url.Values{"Action": {"CreateInstance"}, "Version": {spec.Version}, "Format": {"JSON"},
		"ProductCode": {"svc"}, "SubscriptionType": {"PayAsYouGo"}, "ClientToken": {"open-1"}})
	require.NoError(t, first.err)
	require.Equal(t, http.StatusOK, first.status, "%v", first.body)
	second := storeCall(reps[1], url.Values{"Action": {"CreateInstance"}, "Version": {spec.Version}, "Format": {"JSON"},
		"ProductCode": {"svc"}, "SubscriptionType": {"PayAsYouGo"}, "ClientToken": {"open-2"}})
	require.NoError(t, second.err)
	assert.Equal(t, http.StatusOK, second.status, "the body channel")
	assert.Equal(t, string(spec.CodeOrderOpend), second.code(), "%v", second.body)
	assert.Contains(t, second.body["Message"], dataField(first.body, "InstanceId"))
}
