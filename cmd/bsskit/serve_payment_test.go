package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// subscriptionCatalog is a catalogue with one monthly subscription product; extra is YAML added to
// the product.
func subscriptionCatalog(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	text := "products:\n  - code: snap\n    subscriptionTypes: [Subscription]\n    instanceIdPrefix: snap-cn-\n" + extra
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// paymentStatus buys one month of snap from the serve at base and returns its order's payment
// status, then that status once the fake's clock moved by advance.
func paymentStatus(t *testing.T, base, advance string) (before, after string) {
	t.Helper()
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "ak", "secret")
	require.NoError(t, err)
	client.Domain = strings.TrimPrefix(base, "http://")
	buy := bssopenapi.CreateCreateInstanceRequest()
	buy.ProductCode, buy.SubscriptionType = "snap", "Subscription"
	buy.Period = "1"
	bought, err := client.CreateInstance(buy)
	require.NoError(t, err)
	status := func() string {
		d := bssopenapi.CreateGetOrderDetailRequest()
		d.OrderId = bought.Data.OrderId
		order, err := client.GetOrderDetail(d)
		require.NoError(t, err)
		require.Len(t, order.Data.OrderList.Order, 1)
		return order.Data.OrderList.Order[0].PaymentStatus
	}
	before = status()
	resp, err := http.Post(base+"/__admin/clock/advance", "application/json", strings.NewReader(`{"by": "`+advance+`"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return before, status()
}

// TestServePaymentDelay: unpaid orders without Go: `bsskit serve --payment-delay` keeps every
// Subscription order Unpaid that long on the fake's clock, and a product's paymentDelay in the
// catalogue file does so for that product, over the flag.
func TestServePaymentDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		extra   string
		advance string
		after   string
	}{
		{"flag", []string{"--payment-delay", "1h"}, "", "2h", "Paid"},
		{"flag, not yet paid", []string{"--payment-delay", "3h"}, "", "2h", "Unpaid"},
		{"catalogue", nil, "    paymentDelay: 1h\n", "2h", "Paid"},
		{"catalogue over flag", []string{"--payment-delay", "1m"}, "    paymentDelay: 3h\n", "2h", "Unpaid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--addr", "127.0.0.1:0", "--seed", "4", "--catalog", subscriptionCatalog(t, tc.extra)}, tc.args...)
			base, _, _ := startServe(t, args...)
			before, after := paymentStatus(t, base, tc.advance)
			assert.Equal(t, "Unpaid", before)
			assert.Equal(t, tc.after, after)
		})
	}
	t.Run("no delay", func(t *testing.T) {
		t.Parallel()
		base, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--catalog", subscriptionCatalog(t, ""))
		before, _ := paymentStatus(t, base, "1s")
		assert.Equal(t, "Paid", before, "CreateInstance pays at once by default")
	})
}

// TestServeAdminCatalogFeedsBack: GET /__admin/catalog writes durations as the catalogue file does
// ("2s"), so its answer saved to a file is a catalogue `bsskit serve --catalog` accepts, with the
// same products.
func TestServeAdminCatalogFeedsBack(t *testing.T) {
	t.Parallel()
	get := func(base string) []byte {
		resp, err := http.Get(base + "/__admin/catalog")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return b
	}
	base, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--catalog", subscriptionCatalog(t, "    provisioningDelay: 2s\n    paymentDelay: 90m\n"))
	first := get(base)
	assert.Regexp(t, `"provisioningDelay":\s*"2s"`, string(first))
	assert.Regexp(t, `"paymentDelay":\s*"1h30m0s"`, string(first))

	path := filepath.Join(t.TempDir(), "from-admin.json")
	require.NoError(t, os.WriteFile(path, first, 0o600))
	base2, _, stderr := startServe(t, "--addr", "127.0.0.1:0", "--catalog", path)
	second := get(base2)
	var a, b any
	require.NoError(t, json.Unmarshal(first, &a))
	require.NoError(t, json.Unmarshal(second, &b))
	assert.Equal(t, a, b, "the catalogue fed back is the same catalogue; serve said: %s", stderr.String())
}
