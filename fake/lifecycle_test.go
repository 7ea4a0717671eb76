package fake_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/generated"
)

var lifeStart = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

// regionCatalog is the default catalogue with a Region module on every product that lists modules.
func regionCatalog() *fake.Catalog {
	cat := fake.DefaultCatalog()
	for i := range cat.Products {
		if len(cat.Products[i].Modules) > 0 {
			cat.Products[i].Modules = append(cat.Products[i].Modules, fake.Module{Code: "Region"})
		}
	}
	return cat
}

// buy places an order with raw parameters and returns its order and instance IDs.
func buy(t *testing.T, srv *fake.Server, kv ...string) (orderID, instanceID string) {
	t.Helper()
	a := call(t, srv, with(valid(), kv...))
	require.Equal(t, 200, a.Status, a.Raw)
	d := a.Body["Data"].(map[string]any)
	return d["OrderId"].(string), d["InstanceId"].(string)
}

// readParams are the common parameters of a read call.
func readParams(action string, kv ...string) url.Values {
	return with(url.Values{"Action": {action}, "Version": {"2017-12-14"}, "Format": {"JSON"}}, kv...)
}

// query calls QueryAvailableInstances and decodes the answer into the generated type.
func query(t *testing.T, srv *fake.Server, kv ...string) generated.QueryAvailableInstancesResponse {
	t.Helper()
	a := call(t, srv, readParams("QueryAvailableInstances", kv...))
	require.Equal(t, 200, a.Status, a.Raw)
	var r generated.QueryAvailableInstancesResponse
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &r))
	return r
}

func ids(list []generated.AvailableInstance) []string {
	out := []string{}
	for _, in := range list {
		out = append(out, in.InstanceID)
	}
	return out
}

// TestInstanceLifecycle: an order's instance is listed at once as Creating and turns Normal after
// the provisioning delay on the fake's clock (the product's own delay winning over the server's);
// a Subscription order is Unpaid for the payment delay; the instance carries the ordered fields.
func TestInstanceLifecycle(t *testing.T) {
	t.Parallel()
	clock := fake.NewManualClock(lifeStart)
	cat := regionCatalog()
	for i := range cat.Products {
		if cat.Products[i].Code == "ddos" {
			cat.Products[i].ProvisioningDelay = 5 * time.Minute
		}
		if cat.Products[i].Code == "sas" {
			cat.Products[i].MonthlyPrice = 85.5
		}
	}
	srv := fake.NewServer(t, fake.WithClock(clock), fake.WithCatalog(cat), fake.WithSeed(3),
		fake.WithProvisioningDelay(10*time.Second), fake.WithPaymentDelay(4*time.Second))
	orderID, sasID := buy(t, srv, "ProductCode", "sas", "ProductType", "sas", "SubscriptionType", "Subscription",
		"Period", "24", "RenewalStatus", "AutoRenewal", "RenewPeriod", "12",
		"Parameter.1.Code", "Version", "Parameter.1.Value", "level2", "Parameter.2.Code", "Region", "Parameter.2.Value", "cn-shanghai")
	_, ddosID := buy(t, srv, "ProductCode", "ddos", "SubscriptionType", "Subscription", "Period", "1",
		"Parameter.1.Code", "Edition", "Parameter.1.Value", "coop")

	status := func() map[string]string {
		out := map[string]string{}
		for _, in := range query(t, srv).Data.InstanceList {
			out[in.InstanceID] = string(in.Status)
		}
		return out
	}
	payment := func() string {
		a := call(t, srv, readParams("GetOrderDetail", "OrderId", orderID))
		require.Equal(t, 200, a.Status, a.Raw)
		var r generated.GetOrderDetailResponse
		require.NoError(t, json.Unmarshal([]byte(a.Raw), &r))
		require.Len(t, r.Data.OrderList.Order, 1)
		o := r.Data.OrderList.Order[0]
		assert.Equal(t, "2052.00", *o.PretaxAmount, "85.5 a month for 24 months")
		assert.Equal(t, "2052.00", *o.AfterTaxAmount)
		assert.Equal(t, "CNY", *o.Currency)
		if o.PaymentStatus == "Unpaid" {
			assert.Empty(t, *o.PaymentTime)
		} else {
			assert.Equal(t, "2026-11-30T08:00:04Z", *o.PaymentTime)
		}
		return string(o.PaymentStatus)
	}
	assert.Equal(t, map[string]string{sasID: "Creating", ddosID: "Creating"}, status())
	assert.Equal(t, "Unpaid", payment())
	clock.Advance(4 * time.Second)
	assert.Equal(t, "Paid", payment())
	clock.Advance(6*time.Second - time.Nanosecond)
	assert.Equal(t, map[string]string{sasID: "Creating", ddosID: "Creating"}, status())
	clock.Advance(time.Nanosecond)
	assert.Equal(t, map[string]string{sasID: "Normal", ddosID: "Creating"}, status())
	clock.Advance(5 * time.Minute)
	assert.Equal(t, map[string]string{sasID: "Normal", ddosID: "Normal"}, status())

	r := query(t, srv, "InstanceIDs", sasID)
	require.Len(t, r.Data.InstanceList, 1)
	got := r.Data.InstanceList[0]
	assert.Equal(t, "sas", got.ProductCode)
	assert.Equal(t, "sas", *got.ProductType)
	assert.Equal(t, generated.SubscriptionType("Subscription"), got.SubscriptionType)
	assert.Equal(t, generated.RenewStatus("AutoRenewal"), *got.RenewStatus)
	assert.Equal(t, int32(12), *got.RenewalDuration)
	assert.Equal(t, "M", string(*got.RenewalDurationUnit))
	assert.Equal(t, "2026-11-30T08:00:00Z", got.CreateTime)
	assert.Equal(t, "2028-11-30T08:00:00Z", *got.EndTime)
	assert.Equal(t, "cn-shanghai", *got.Region)
	assert.Equal(t, int64(1000000000000001), *got.OwnerId)
}

// TestQueryFiltersAndPaging: every filter lists exactly the matching instances of the caller; a
// filter that matches nothing gives an empty list; pages never overlap, never exceed PageSize and
// agree on TotalCount; PageSize is capped at 300; bad values get InvalidParameter.
func TestQueryFiltersAndPaging(t *testing.T) {
	t.Parallel()
	clock := fake.NewManualClock(lifeStart)
	srv := fake.NewServer(t, fake.WithClock(clock), fake.WithSeed(5), fake.WithCatalog(regionCatalog()), fake.WithAccounts(
		fake.Account{ID: "1000000000000001", AccessKeys: []fake.AccessKey{{ID: "ak-a"}}, Owners: []string{"2000000000000001"}},
		fake.Account{ID: "1000000000000002", AccessKeys: []fake.AccessKey{{ID: "ak-b"}}},
	))
	var rtc, sas []string
	for i := range 5 {
		_, id := buy(t, srv, "AccessKeyId", "ak-a", "Parameter.2.Code", "Region", "Parameter.2.Value", []string{"cn-hangzhou", "cn-beijing"}[i%2])
		rtc = append(rtc, id)
		clock.Advance(time.Hour)
	}
	for range 2 {
		_, id := buy(t, srv, "AccessKeyId", "ak-a", "ProductCode", "sas", "ProductType", "sas", "SubscriptionType", "Subscription",
			"Period", "12", "Parameter.1.Code", "Version", "Parameter.1.Value", "level3", "OwnerId", "2000000000000001")
		sas = append(sas, id)
		clock.Advance(time.Hour)
	}
	_, foreign := buy(t, srv, "AccessKeyId", "ak-b")

	cases := []struct {
		name string
		kv   []string
		want []string
	}{
		{"no filter", nil, append(append([]string{}, rtc...), sas...)},
		{"product", []string{"ProductCode", "sas"}, sas},
		{"product type", []string{"ProductType", "sas"}, sas},
		{"subscription", []string{"SubscriptionType", "PayAsYouGo"}, rtc},
		{"renew status", []string{"RenewStatus", "ManualRenewal", "ProductCode", "rtc"}, rtc},
		{"renew status none", []string{"RenewStatus", "AutoRenewal"}, nil},
		{"region", []string{"Region", "cn-beijing"}, []string{rtc[1], rtc[3]}},
		{"wrong region is empty", []string{"Region", "eu-west-1"}, nil},
		{"owner", []string{"OwnerId", "2000000000000001"}, sas},
		{"instance IDs", []string{"InstanceIDs", sas[1] + "," + rtc[0] + ",nope," + foreign}, []string{rtc[0], sas[1]}},
		{"create time window", []string{"CreateTimeStart", "2026-11-30T09:00:00Z", "CreateTimeEnd", "2026-11-30T11:00:00Z"}, rtc[1:3]},
		{"end time window", []string{"EndTimeStart", "2027-11-30T13:30:00Z", "EndTimeEnd", "2027-12-01T00:00:00Z"}, sas[1:]},
		{"combined", []string{"ProductCode", "rtc", "Region", "cn-hangzhou", "CreateTimeStart", "2026-11-30T09:00:00Z"}, []string{rtc[2], rtc[4]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := query(t, srv, append([]string{"AccessKeyId", "ak-a"}, c.kv...)...)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if d := cmp.Diff(want, ids(r.Data.InstanceList)); d != "" {
				t.Errorf("instances (-want +got):\n%s", d)
			}
			assert.Equal(t, int32(len(want)), r.Data.TotalCount)
		})
	}

	t.Run("pages", func(t *testing.T) {
		for _, kv := range [][]string{nil, {"ProductCode", "rtc"}, {"Region", "cn-hangzhou"}} {
			var seen []string
			for page := 1; page <= 4; page++ {
				r := query(t, srv, append([]string{"AccessKeyId", "ak-a", "PageSize", "2", "PageNum", fmt.Sprint(page)}, kv...)...)
				assert.LessOrEqual(t, len(r.Data.InstanceList), 2)
				assert.Equal(t, int32(page), r.Data.PageNum)
				assert.Equal(t, int32(2), r.Data.PageSize)
				all := query(t, srv, append([]string{"AccessKeyId", "ak-a"}, kv...)...)
				assert.Equal(t, all.Data.TotalCount, r.Data.TotalCount)
				seen = append(seen, ids(r.Data.InstanceList)...)
			}
			all := query(t, srv, append([]string{"AccessKeyId", "ak-a"}, kv...)...)
			assert.Equal(t, ids(all.Data.InstanceList), seen, "pages in order, none twice, none left out (%v)", kv)
		}
	})
	t.Run("page size cap", func(t *testing.T) {
		r := query(t, srv, "AccessKeyId", "ak-a", "PageSize", "5000")
		assert.Equal(t, int32(300), r.Data.PageSize)
		assert.Len(t, r.Data.InstanceList, 7)
	})
	t.Run("bad values", func(t *testing.T) {
		for _, c := range []struct {
			kv          []string
			code, param string
		}{
			{[]string{"PageSize", "0"}, "InvalidParameter", "PageSize"},
			{[]string{"PageNum", "x"}, "InvalidParameter", "PageNum"},
			{[]string{"CreateTimeStart", "yesterday"}, "InvalidParameter", "CreateTimeStart"},
			{[]string{"EndTimeEnd", "2026-02-30T00:00:00Z"}, "InvalidParameter", "EndTimeEnd"},
			{[]string{"SubscriptionType", "Monthly"}, "InvalidParameter", "SubscriptionType"},
			{[]string{"RenewStatus", "Sometimes"}, "InvalidParameter", "RenewStatus"},
			{[]string{"OwnerId", "12"}, "InvalidParameter", "OwnerId"},
			{[]string{"OwnerId", "2000000000000009"}, "InvalidOwner", "owner"},
			{[]string{"InstanceIDs", "a,,b"}, "InvalidParameter", "InstanceIDs"},
		} {
			a := call(t, srv, readParams("QueryAvailableInstances", append([]string{"AccessKeyId", "ak-a"}, c.kv...)...))
			assert.Equal(t, 400, a.Status, "%v", c.kv)
			assert.Equal(t, c.code, a.Body["Code"], "%v", c.kv)
			assert.Contains(t, a.Body["Message"], c.param, "%v", c.kv)
			for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
				assert.IsType(t, "", a.Body[k], "%v: %s", c.kv, k)
			}
		}
	})
}

// TestGetOrderDetail: the caller's order is the only element of Data.OrderList.Order; an unknown
// order and another account's get the same InvalidParameter naming OrderId.
func TestGetOrderDetail(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithClock(fake.NewManualClock(lifeStart)), fake.WithSeed(8), fake.WithAccounts(
		fake.Account{ID: "1000000000000001", AccessKeys: []fake.AccessKey{{ID: "ak-a"}}},
		fake.Account{ID: "1000000000000002", AccessKeys: []fake.AccessKey{{ID: "ak-b"}}},
	))
	orderID, instID := buy(t, srv, "AccessKeyId", "ak-a")
	a := call(t, srv, readParams("GetOrderDetail", "AccessKeyId", "ak-a", "OrderId", orderID))
	require.Equal(t, 200, a.Status, a.Raw)
	var r generated.GetOrderDetailResponse
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &r))
	require.Len(t, r.Data.OrderList.Order, 1)
	o := r.Data.OrderList.Order[0]
	assert.Equal(t, orderID, o.OrderId)
	assert.Equal(t, instID, *o.InstanceIDs)
	assert.Equal(t, generated.OrderDetailOrderType("New"), o.OrderType)
	assert.Equal(t, generated.OrderDetailPaymentStatus("Paid"), o.PaymentStatus)
	assert.Equal(t, "2026-11-30T08:00:00Z", o.CreateTime)
	assert.Equal(t, "2026-11-30T08:00:00Z", *o.PaymentTime)
	assert.Equal(t, "CNY", *o.Currency)
	assert.Equal(t, orderID, srv.Journal()[1].OrderID, "the journal names the order read")

	for _, c := range []struct{ name, key, id string }{
		{"unknown", "ak-a", "299999999999999"}, {"foreign", "ak-b", orderID},
	} {
		a := call(t, srv, readParams("GetOrderDetail", "AccessKeyId", c.key, "OrderId", c.id))
		assert.Equal(t, 400, a.Status, c.name)
		assert.Equal(t, "InvalidParameter", a.Body["Code"], c.name)
		assert.Equal(t, "The specified parameter OrderId is not valid.", a.Body["Message"], c.name)
	}
	for _, c := range []struct{ name, id, code string }{
		{"missing", "", "MissingParameter"}, {"not digits", "abc", "InvalidParameter"},
	} {
		a := call(t, srv, readParams("GetOrderDetail", "AccessKeyId", "ak-a", "OrderId", c.id))
		assert.Equal(t, 400, a.Status, c.name)
		assert.Equal(t, c.code, a.Body["Code"], c.name)
	}
}

// TestRefundedDuplicate: under a refund outcome CreateInstance answers success, the instance stays
// Creating for the refund delay, then disappears, and the order shows Cancelled; from a scenario
// file too.
func TestRefundedDuplicate(t *testing.T) {
	t.Parallel()
	sc, err := faults.ParseScenario([]byte("rules:\n  - id: dup\n    match: {action: {exact: CreateInstance}, productCode: {exact: sas}}\n    outcome: {refund: true}\n"))
	require.NoError(t, err)
	clock := fake.NewManualClock(lifeStart)
	srv := fake.NewServer(t, fake.WithClock(clock), fake.WithScenario(sc), fake.WithRefundDelay(3*time.Minute),
		fake.WithProvisioningDelay(time.Second))
	_, keep := buy(t, srv)
	orderID, dup := buy(t, srv, "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "12",
		"Parameter.1.Code", "Version", "Parameter.1.Value", "level2")
	orderStatus := func() string {
		a := call(t, srv, readParams("GetOrderDetail", "OrderId", orderID))
		require.Equal(t, 200, a.Status, a.Raw)
		return a.Body["Data"].(map[string]any)["OrderList"].(map[string]any)["Order"].([]any)[0].(map[string]any)["PaymentStatus"].(string)
	}
	clock.Advance(3*time.Minute - time.Nanosecond)
	r := query(t, srv)
	assert.Equal(t, []string{keep, dup}, ids(r.Data.InstanceList))
	assert.Equal(t, generated.InstanceStatus("Normal"), r.Data.InstanceList[0].Status)
	assert.Equal(t, generated.InstanceStatus("Creating"), r.Data.InstanceList[1].Status, "a refunded duplicate never turns Normal")
	assert.Equal(t, "Paid", orderStatus())
	clock.Advance(time.Nanosecond)
	assert.Equal(t, []string{keep}, ids(query(t, srv).Data.InstanceList))
	assert.Equal(t, []string{}, ids(query(t, srv, "InstanceIDs", dup).Data.InstanceList))
	assert.Equal(t, []string{}, ids(query(t, srv, "ProductCode", "sas").Data.InstanceList))
	assert.Equal(t, "Cancelled", orderStatus())
}

// TestReadFaultsMatchTheAction: rules select reads by Action, from Go and the admin API, and the
// journal names the Action.
func TestReadFaultsMatchTheAction(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	orderID, _ := buy(t, srv)
	_, err := srv.Faults().Add(faults.Rule{ID: "every-third-poll",
		Match: faults.Match{Action: &faults.StringMatch{Exact: "QueryAvailableInstances"}}, Calls: faults.Calls{Every: 3},
		Outcome: &faults.Outcome{Error: "Throttling.User"}})
	require.NoError(t, err)
	status, _ := adminDo(t, srv, "POST", "/__admin/faults",
		`{"id": "order-down", "match": {"action": {"exact": "GetOrderDetail"}}, "outcome": {"error": "ServiceUnavailable"}}`)
	require.Equal(t, 201, status)
	var got []string
	for range 6 {
		a := call(t, srv, readParams("QueryAvailableInstances"))
		got = append(got, fmt.Sprint(a.Status, " ", a.Body["Code"]))
	}
	assert.Equal(t, []string{"200 Success", "200 Success", "400 Throttling.User", "200 Success", "200 Success", "400 Throttling.User"}, got)
	a := call(t, srv, readParams("GetOrderDetail", "OrderId", orderID))
	assert.Equal(t, 503, a.Status)
	assert.Equal(t, "ServiceUnavailable", a.Body["Code"])
	a = call(t, srv, valid())
	assert.Equal(t, 200, a.Status, "CreateInstance is matched by neither rule")
	j := srv.Journal()
	assert.Equal(t, "QueryAvailableInstances", j[3].Action)
	assert.Equal(t, "every-third-poll", j[3].Rule)
	assert.Equal(t, "GetOrderDetail", j[7].Action)
	assert.Equal(t, "order-down", j[7].Rule)
}

// TestLifecycleStateFileAdminAndReset: instances and orders keep their status across a restart
// from the state file; /__admin/instances lists them; /__admin/clock/advance moves a standalone
// fake's lifecycle; Reset forgets them.
func TestLifecycleStateFileAdminAndReset(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	sc, err := faults.ParseScenario([]byte("rules:\n  - match: {productCode: {exact: sas}}\n    outcome: {refund: true}\n"))
	require.NoError(t, err)
	srv, err := fake.New(fake.WithStateFile(path), fake.WithProvisioningDelay(time.Hour), fake.WithScenario(sc))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	_, id := buy(t, srv)
	_, dup := buy(t, srv, "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "12",
		"Parameter.1.Code", "Version", "Parameter.1.Value", "level2")
	before := srv.Instances()
	require.Len(t, before, 2)
	srv.Close()

	srv2, err := fake.New(fake.WithStateFile(path), fake.WithProvisioningDelay(time.Second))
	require.NoError(t, err)
	require.NoError(t, srv2.Start())
	defer srv2.Close()
	after := srv2.Instances()
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("instances after a restart (-before +after):\n%s", d)
	}
	assert.Equal(t, "Creating", after[0].Status, "the delay is the one in force when the order was placed")
	assert.True(t, after[1].Refunded)

	var listed []fake.Instance
	resp, err := http.Get(srv2.URL() + "/__admin/instances")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&listed))
	require.Len(t, listed, 2)
	assert.Equal(t, []string{id, dup}, []string{listed[0].InstanceID, listed[1].InstanceID})

	status, body := adminDo(t, srv2, "POST", "/__admin/clock/advance", `{"by": "2h"}`)
	require.Equal(t, 200, status, body)
	got := srv2.Instances()
	require.Len(t, got, 1, "the refunded duplicate is gone two hours later")
	assert.Equal(t, "Normal", got[0].Status)
	_, later := buy(t, srv2)
	got = srv2.Instances()
	require.Len(t, got, 2)
	assert.Equal(t, later, got[1].InstanceID)
	assert.Equal(t, "Creating", got[1].Status, "an order placed after the advance is Creating for its own delay")
	for _, bad := range []string{`{"by": "-1s"}`, `{"by": "soon"}`, `{"for": "1s"}`, `[]`} {
		status, body := adminDo(t, srv2, "POST", "/__admin/clock/advance", bad)
		assert.Equal(t, 400, status, bad)
		assert.NotEmpty(t, body["error"], bad)
	}

	status, _ = adminDo(t, srv2, "POST", "/__admin/clock/advance", `{"by": "1s"}`)
	require.Equal(t, 200, status)
	assert.Equal(t, "Normal", srv2.Instances()[1].Status)

	srv2.Reset()
	assert.Empty(t, srv2.Instances())
	assert.Empty(t, query(t, srv2).Data.InstanceList)
}

// TestReadAnswersConformToTheSpec: with kin-openapi as the response check, read answers in JSON and
// XML (unwrapped arrays, empty lists) conform to the spec, and XML decodes into the generated types.
func TestReadAnswersConformToTheSpec(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSpecCheck(func(err error) { t.Error(err) }))
			q := readParams("QueryAvailableInstances", "Format", format)
			empty := call(t, srv, q)
			assert.Equal(t, 200, empty.Status, empty.Raw)
			orderID, _ := buy(t, srv)
			buy(t, srv)
			two := call(t, srv, q)
			assert.Equal(t, 200, two.Status, two.Raw)
			od := call(t, srv, readParams("GetOrderDetail", "Format", format, "OrderId", orderID))
			assert.Equal(t, 200, od.Status, od.Raw)
			bad := call(t, srv, readParams("GetOrderDetail", "Format", format, "OrderId", "1"))
			assert.Equal(t, 400, bad.Status, bad.Raw)
			if format == "XML" {
				assert.True(t, strings.HasPrefix(two.Raw, `<?xml version="1.0" encoding="UTF-8"?><QueryAvailableInstancesResponse>`), two.Raw)
				var r generated.QueryAvailableInstancesResponse
				require.NoError(t, xml.Unmarshal([]byte(two.Raw), &r))
				assert.Len(t, r.Data.InstanceList, 2)
				var g generated.GetOrderDetailResponse
				require.NoError(t, xml.Unmarshal([]byte(od.Raw), &g))
				require.Len(t, g.Data.OrderList.Order, 1)
				assert.Equal(t, orderID, g.Data.OrderList.Order[0].OrderId)
			}
		})
	}
}

var _ = context.Background

// TestHangOnGetOrderDetail: a hang rule on GetOrderDetail takes only those calls; the poll goes on.
func TestHangOnGetOrderDetail(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "order-hangs",
		Match:   faults.Match{Action: &faults.StringMatch{Exact: "GetOrderDetail"}},
		Outcome: &faults.Outcome{Fault: faults.FaultHang}}))
	orderID, _ := buy(t, srv)
	hung := send(srv, 300*time.Millisecond, readParams("GetOrderDetail", "OrderId", orderID))
	require.Error(t, hung.err, "the client times out: no answer")
	status, body := mustSend(t, srv, readParams("QueryAvailableInstances"))
	assert.Equal(t, 200, status)
	assert.Equal(t, "Success", body["Code"])
	j := waitJournal(srv, 3)
	assert.Equal(t, "GetOrderDetail", j[1].Action)
	assert.Equal(t, "order-hangs", j[1].Rule)
	assert.Equal(t, "hang", j[1].Fault)
}

// TestCatalogPriceAndDelayAreValidated: a bad monthlyPrice or a negative provisioningDelay in a
// catalogue file is refused with the product named.
func TestCatalogPriceAndDelayAreValidated(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, yaml, want string }{
		{"three decimals", "products:\n  - code: p\n    monthlyPrice: 1.005\n", "line 3:19: products[0].monthlyPrice: 1.005 has more than two decimals"},
		{"letters", "products:\n  - code: p\n    monthlyPrice: ten\n", "line 3:19: products[0].monthlyPrice"},
		{"negative delay", "products:\n  - code: p\n    provisioningDelay: -1s\n", "products[0].provisioningDelay: must not be negative"},
	} {
		_, err := fake.ParseCatalog([]byte(c.yaml))
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
	cat, err := fake.ParseCatalog([]byte("products:\n  - code: p\n    monthlyPrice: 12.3\n    provisioningDelay: 90s\n"))
	require.NoError(t, err)
	assert.Equal(t, 90*time.Second, cat.Products[0].ProvisioningDelay)
}
