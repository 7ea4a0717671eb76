package consumer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/tfclient"
	"github.com/bsskit/bsskit/spec"
)

// TestBuyAgainstTheFakesState: the errors the fake's own state produces, through the consumer's
// eyes: a service opened once answers a second order (another ClientToken) with ORDER.OPEND or
// Has.effect.suit, which the consumer takes for "already bought" (with the held instance for
// Has.effect.suit); an order the account cannot pay is a clear error on the body channel and places
// no order; a module value the product does not sell is COMMODITY.INVALID_COMPONENT on the body
// channel or InvalidConfigCode on HTTP, as the catalogue says.
func TestBuyAgainstTheFakesState(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name    string
		product fake.Product
		payment *fake.Payment
		first   []Param // the first order's modules; nil: none
		second  []Param // the second order's modules
		wantErr string  // of the second order; "" for success
		already bool
	}{
		{"opened once, ORDER.OPEND", fake.Product{Code: "svc", OpensOnce: true}, nil, []Param{}, []Param{}, "", true},
		{"opened once, Has.effect.suit", fake.Product{Code: "svc", OpensOnce: true, OpenedCode: string(spec.CodeHasEffectSuit)}, nil, []Param{}, []Param{}, "", true},
		{"balance spent", fake.Product{Code: "svc", MonthlyPrice: 10}, &fake.Payment{Balance: f(150)}, []Param{}, []Param{}, "HTTP 200 PAY.INSUFFICIENT_BALANCE", false},
		{"over the payment limit", fake.Product{Code: "svc", MonthlyPrice: 100}, &fake.Payment{Limit: f(1000)}, nil, []Param{}, "HTTP 200 PAY.AMOUNT_LIMIT_EXCEEDED", false},
		{"commodity channel module", fake.Product{Code: "svc", CommodityChannel: true, Modules: []fake.Module{{Code: "Edition", Values: []string{"basic"}}}}, nil, nil, []Param{{"Edition", "gold"}}, "HTTP 200 COMMODITY.INVALID_COMPONENT", false},
		{"http channel module", fake.Product{Code: "svc", Modules: []fake.Module{{Code: "Edition", Values: []string{"basic"}}}}, nil, nil, []Param{{"Edition", "gold"}}, "HTTP 400 InvalidConfigCode", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.product
			p.SubscriptionTypes = []string{"Subscription"}
			cat := &fake.Catalog{Products: []fake.Product{p}}
			srv := fake.NewServer(t, fake.WithCatalog(cat), fake.WithAccounts(fake.Account{
				ID: "1000000000000009", Payment: tc.payment, AccessKeys: []fake.AccessKey{{ID: keyID, Secret: secret}},
			}))
			b := buyer(srv)
			order := func(token string, params []Param) Order {
				return Order{ProductCode: "svc", SubscriptionType: "Subscription", Period: 12, ClientToken: token, Parameters: params}
			}
			now := time.Unix(1764480000, 0)
			var first Result
			orders := 0
			if tc.first != nil {
				var err error
				first, err = b.Buy(context.Background(), order(tfclient.ClientToken("CreateInstance", now, "first"), tc.first))
				require.NoError(t, err)
				orders = 1
			}
			res, err := b.Buy(context.Background(), order(tfclient.ClientToken("CreateInstance", now, "second"), tc.second))
			assert.Len(t, srv.Orders(), orders, "the second order places nothing")
			if tc.wantErr != "" {
				var be *Error
				require.True(t, errors.As(err, &be), "want *Error, got %v", err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotEmpty(t, be.Last.Message)
				assert.Equal(t, 1, be.Attempts)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.already, res.AlreadyBought)
			if spec.Code(p.OpenedCode) == spec.CodeHasEffectSuit {
				assert.Equal(t, first.InstanceID, res.InstanceID, "the held instance, from the message")
			}
		})
	}
}
