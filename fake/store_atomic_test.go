package fake_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/spec"
)

// TestStateTransitionsAtomic (issue 24): concurrent purchases spread over three replicas of one
// Redis, and over one memory server, give exact counts: one order per ClientToken whatever replica
// each retry reaches, and every retry of the token that opened an opens-once product answers that
// order (not ORDER.OPEND); one instance per account of an opens-once product, every other order of
// it ORDER.OPEND naming that instance.
func TestStateTransitionsAtomic(t *testing.T) {
	t.Parallel()
	cat := fake.DefaultCatalog()
	cat.Products = append(cat.Products, fake.Product{Code: "svc", SubscriptionTypes: []string{"PayAsYouGo"}, OpensOnce: true})
	accounts := []fake.Account{}
	for i := range 4 {
		id := strconv.Itoa(1000 + i)
		accounts = append(accounts, fake.Account{ID: id, AccessKeys: []fake.AccessKey{{ID: "key-" + id}}})
	}
	setups := []struct {
		name    string
		servers func(t *testing.T) []*fake.Server
	}{
		{"three replicas on one Redis", func(t *testing.T) []*fake.Server {
			r := redistest.Start(t, redistest.Options{})
			return replicas(t, 3, r.URL(0), "atomic", fake.WithCatalog(cat), fake.WithAccounts(accounts...))
		}},
		{"one memory server", func(t *testing.T) []*fake.Server {
			return []*fake.Server{fake.NewServer(t, fake.WithCatalog(cat), fake.WithAccounts(accounts...))}
		}},
	}
	for _, tt := range setups {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srvs := tt.servers(t)
			const perAccount = 6 // calls per account: 3 tokens, each sent twice
			type call struct {
				account, token string
				got            reply
			}
			var calls []*call
			for _, a := range accounts {
				for i := range perAccount {
					calls = append(calls, &call{account: a.ID, token: a.ID + "-t" + strconv.Itoa(i%3)})
				}
			}
			var wg sync.WaitGroup
			for i, c := range calls {
				wg.Go(func() {
					c.got = storeCall(srvs[i%len(srvs)], url.Values{"Action": {"CreateInstance"}, "Version": {spec.Version},
						"Format": {"JSON"}, "AccessKeyId": {"key-" + c.account}, "ProductCode": {"svc"},
						"SubscriptionType": {"PayAsYouGo"}, "ClientToken": {c.token}})
				})
			}
			wg.Wait()
			byToken := map[string]map[string]bool{} // token -> OrderIds answered
			held := map[string]string{}             // account -> instance
			opened := 0
			for _, c := range calls {
				require.NoError(t, c.got.err)
				require.Equal(t, http.StatusOK, c.got.status, "%v", c.got.body)
				switch c.got.code() {
				case "Success":
					if byToken[c.token] == nil {
						byToken[c.token] = map[string]bool{}
					}
					byToken[c.token][c.got.orderID()] = true
					inst := dataField(c.got.body, "InstanceId")
					if h, ok := held[c.account]; ok {
						assert.Equal(t, h, inst, "account %s holds two instances of an opens-once product", c.account)
					}
					held[c.account] = inst
				case string(spec.CodeOrderOpend):
					opened++
				default:
					t.Fatalf("unexpected answer %v", c.got.body)
				}
			}
			assert.Len(t, held, len(accounts), "every account opened the product once")
			assert.Len(t, byToken, len(accounts), "one token per account succeeded")
			for tok, ids := range byToken {
				assert.Len(t, ids, 1, "token %s answered two orders", tok)
			}
			// Per account: the opening token's two calls succeed; the four calls of its other two
			// tokens answer ORDER.OPEND.
			assert.Equal(t, len(accounts)*(perAccount-2), opened)
			for i, srv := range srvs {
				assert.Len(t, srv.Orders(), len(accounts), "server %d", i)
			}
		})
	}
}

// TestClockAdvanceSharedByReplicas (issue 24 item 2): an advance through one replica moves every
// replica's clock at once: an instance with a 1 h provisioning delay placed through one replica is
// Normal on another right after a 2 h advance through a third.
func TestClockAdvanceSharedByReplicas(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	clock := fake.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	reps := replicas(t, 3, r.URL(0), "clock", fake.WithClock(clock), fake.WithProvisioningDelay(time.Hour))
	bought := storeCall(reps[0], valid())
	require.NoError(t, bought.err)
	require.Equal(t, "Success", bought.code(), "%v", bought.body)
	status := func(srv *fake.Server) string {
		in := srv.Instances()
		require.Len(t, in, 1)
		return in[0].Status
	}
	require.Equal(t, fake.StatusCreating, status(reps[1]))
	resp, err := replyClient.Post(reps[2].URL()+"/__admin/clock/advance", "application/json", strings.NewReader(`{"by":"2h"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for i, srv := range reps {
		assert.Equal(t, fake.StatusNormal, status(srv), "replica %d", i)
	}
}
