package mutants

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// readMutants are the broken fakes the read checks let through before issue 22, one per gap, and
// the state-produced errors of a catalogue (opens-once, commodity channel).
func readMutants() []Mutant {
	return []Mutant{
		{
			Name: "read-total-count-page-length", Expect: contract.CheckReadPaging,
			Deviation: "QueryAvailableInstances answers TotalCount equal to the page's length",
			Wrap: editRead("QueryAvailableInstances", func(_ *http.Request, data map[string]any) {
				list, _ := data["InstanceList"].([]any)
				data["TotalCount"] = len(list)
			}),
		},
		{
			Name: "read-total-count-unfiltered", Expect: contract.CheckReadFilter,
			Deviation: "QueryAvailableInstances answers the TotalCount of every instance held, whatever the filters",
			Wrap:      unfilteredTotal,
		},
		{
			Name: "read-page-num-from-zero", Expect: contract.CheckReadPaging,
			Deviation: "QueryAvailableInstances counts PageNum from 0: PageNum 1 is the second page (the answer still says PageNum 1)",
			Wrap: func(next http.Handler) http.Handler {
				inner := editRead("QueryAvailableInstances", func(r *http.Request, data map[string]any) {
					n, _ := strconv.Atoi(r.URL.Query().Get("PageNum"))
					data["PageNum"] = n - 1
				})(next)
				return resigned(rewriteQuery(func(r *http.Request, q url.Values) {
					if isQuery(r, q) {
						n, err := strconv.Atoi(q.Get("PageNum"))
						if err != nil {
							n = 1
						}
						q.Set("PageNum", strconv.Itoa(n+1))
					}
				}))(inner)
			},
		},
		{
			Name: "read-instance-ids-one-id", Expect: contract.CheckReadFilter,
			Deviation: "QueryAvailableInstances takes InstanceIDs=a,b,c for one ID (and lists nothing)",
			Wrap: resigned(rewriteQuery(func(r *http.Request, q url.Values) {
				if isQuery(r, q) && strings.Contains(q.Get("InstanceIDs"), ",") {
					q.Set("InstanceIDs", strings.ReplaceAll(q.Get("InstanceIDs"), ",", ";"))
				}
			})),
		},
		{
			Name: "read-page-size-uncapped", Expect: contract.CheckReadPaging,
			Deviation: "QueryAvailableInstances answers the PageSize asked even above the cap of 300",
			Wrap: editRead("QueryAvailableInstances", func(r *http.Request, data map[string]any) {
				if n, err := strconv.Atoi(r.URL.Query().Get("PageSize")); err == nil && n > 300 {
					data["PageSize"] = n
				}
			}),
		},
		{
			Name: "read-end-time-no-tz", Expect: contract.CheckReadTime,
			Deviation: "QueryAvailableInstances writes EndTime as 2027-08-04 16:00:00, without T and Z",
			Wrap:      rewriteBody(successOnly, regexpReplace(`("EndTime":"[0-9-]{10})T([0-9:]{8})Z"`, `$1 $2"`)),
		},
		{
			Name: "read-order-times-no-tz", Expect: contract.CheckReadTime,
			Deviation: "GetOrderDetail writes PaymentTime, UsageStartTime and UsageEndTime without T and Z",
			Wrap:      rewriteBody(successOnly, regexpReplace(`("(?:PaymentTime|UsageStartTime|UsageEndTime)":"[0-9-]{10})T([0-9:]{8})Z"`, `$1 $2"`)),
		},
		{
			Name: "read-end-time-at-create", Expect: contract.CheckReadTime,
			Deviation: "a subscription instance's EndTime is its CreateTime",
			Wrap: editRead("QueryAvailableInstances", func(_ *http.Request, data map[string]any) {
				list, _ := data["InstanceList"].([]any)
				for _, e := range list {
					if in, ok := e.(map[string]any); ok && in["EndTime"] != "" && in["EndTime"] != nil {
						in["EndTime"] = in["CreateTime"]
					}
				}
			}),
		},
		{
			Name: "read-renewal-manual", Expect: contract.CheckReadOrdered,
			Deviation: "an AutoRenewal order is listed as ManualRenewal with RenewalDuration 0",
			Wrap: rewriteBody(successOnly, chain(
				regexpReplace(`"RenewStatus":"AutoRenewal"`, `"RenewStatus":"ManualRenewal"`),
				regexpReplace(`"RenewalDuration":[0-9]+`, `"RenewalDuration":0`))),
		},
		{
			Name: "read-order-newest", Expect: contract.CheckReadOrdered,
			Deviation: "GetOrderDetail answers the newest order whatever OrderId names",
			Wrap:      newestOrder,
		},
		{
			Name: "read-site-ignored", Expect: contract.CheckReadSite,
			Deviation: "reads ignore the Host header naming a site: a domestic account reads on the international site",
			Wrap: resigned(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !isAdmin(r) && isRead(r) {
						r.Host = ""
					}
					next.ServeHTTP(w, r)
				})
			}),
		},
		{
			Name: "opened-code-without-instance", Expect: contract.CheckOpensOnce, Fake: []fake.Option{fake.WithCatalog(StateCatalog())},
			Deviation: "ORDER.OPEND's Message does not end with the instance held (\": <instanceId>\")",
			Wrap:      rewriteBody(func(*captured) bool { return true }, regexpReplace(`(opened already): [^"<]*`, `$1`)),
		},
		{
			Name: "opens-once-ignored", Expect: contract.CheckOpensOnce, Fake: []fake.Option{fake.WithCatalog(StateCatalog())},
			Deviation: "a product that opens once is sold again to the same account",
			Wrap: resigned(rewriteQuery(func(r *http.Request, q url.Values) {
				if q.Get("ProductCode") == "vipcloudfw" {
					q.Set("ProductCode", "vipcloudfw2")
				}
			})),
		},
		{
			Name: "commodity-on-http-channel", Expect: contract.CheckStatus, Fake: []fake.Option{fake.WithCatalog(StateCatalog())},
			Deviation: "COMMODITY.INVALID_COMPONENT is answered with HTTP 400 instead of the body channel's HTTP 200",
			Wrap:      rewriteStatus(func(code string, status int) int { return pick(code == "COMMODITY.INVALID_COMPONENT", 400, status) }),
		},
	}
}

// StateCatalog is the default catalogue with the products of testdata/catalogs/sites.yaml: one
// that opens once and validates on the commodity channel (vipcloudfw), and vipcloudfw2, its twin
// that does not open once (what the opens-once-ignored mutant sells instead).
func StateCatalog() *fake.Catalog {
	c := fake.DefaultCatalog()
	fw := fake.Product{
		Code: "vipcloudfw", SubscriptionTypes: []string{"PayAsYouGo"},
		ProductTypes:     []string{"cfw_elasticity_public_cn", "cfw_elasticity_public_intl"},
		InstanceIDPrefix: "vipcloudfw-cn-", CommodityChannel: true, OpensOnce: true,
		Modules: []fake.Module{{Code: "CfwAccountNum", Values: []string{"0", "1", "2"}}},
	}
	twin := fw
	twin.Code, twin.OpensOnce = "vipcloudfw2", false
	c.Products = append(c.Products, fw, twin)
	return c
}

// isRead says whether the request is a read Action (query or x-acs-action header).
func isRead(r *http.Request) bool {
	a := r.URL.Query().Get("Action")
	if a == "" {
		a = r.Header.Get("x-acs-action")
	}
	return a == "QueryAvailableInstances" || a == "GetOrderDetail"
}

// isAction says whether r is a request for action.
func isAction(r *http.Request, action string) bool {
	return r.URL.Query().Get("Action") == action || r.Header.Get("x-acs-action") == action
}

// editRead lets edit change the Data of action's JSON success answers to r.
func editRead(action string, edit func(r *http.Request, data map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return around(next, func(r *http.Request, c *captured) {
			if c.status != http.StatusOK || !isAction(r, action) || bytes.HasPrefix(bytes.TrimSpace(c.body), []byte("<")) {
				return
			}
			dec := json.NewDecoder(bytes.NewReader(c.body))
			dec.UseNumber()
			var body map[string]any
			if dec.Decode(&body) != nil {
				return
			}
			data, ok := body["Data"].(map[string]any)
			if !ok {
				return
			}
			edit(r, data)
			if b, err := json.Marshal(body); err == nil {
				c.body = b
			}
		})
	}
}

// unfilteredTotal answers every QueryAvailableInstances with the TotalCount of the same request
// without filters.
func unfilteredTotal(next http.Handler) http.Handler {
	filters := []string{"ProductCode", "ProductType", "SubscriptionType", "RenewStatus", "Region", "InstanceIDs", "OwnerId"}
	return editRead("QueryAvailableInstances", func(orig *http.Request, data map[string]any) {
		q := orig.URL.Query()
		// The same request without its filters, as JSON, signed again (resign: a fresh nonce).
		all := url.Values{}
		for k, v := range q {
			all[k] = v
		}
		for _, f := range filters {
			all.Del(f)
		}
		all.Set("PageSize", "1")
		all.Set("Format", "JSON")
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/?"+all.Encode(), nil)
		r.Header = orig.Header.Clone()
		r.Host = orig.Host
		resign(next).ServeHTTP(rec, r)
		var body struct{ Data struct{ TotalCount int } }
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			data["TotalCount"] = body.Data.TotalCount
		}
	})(next)
}

var orderIDInAnswer = regexp.MustCompile(`"OrderId":"([0-9]+)"|<OrderId>([0-9]+)</OrderId>`)

// newestOrder remembers the OrderId of the newest order CreateInstance answered and serves every
// GetOrderDetail that order.
func newestOrder(next http.Handler) http.Handler {
	var mu sync.Mutex
	newest := ""
	remember := around(next, func(r *http.Request, c *captured) {
		if m := orderIDInAnswer.FindSubmatch(c.body); c.status == http.StatusOK && m != nil && !isRead(r) {
			mu.Lock()
			newest = string(m[1]) + string(m[2])
			mu.Unlock()
		}
	})
	return resigned(rewriteQuery(func(r *http.Request, q url.Values) {
		mu.Lock()
		defer mu.Unlock()
		if isAction(r, "GetOrderDetail") && newest != "" && q.Has("OrderId") {
			q.Set("OrderId", newest)
		}
	}))(remember)
}
