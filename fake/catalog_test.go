package fake_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

func TestParseCatalog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{name: "yaml", data: "products:\n  - code: rtc\n    modules:\n      - code: ServiceType\n        values: [universal]\n"},
		{name: "json", data: `{"products":[{"code":"rtc","subscriptionTypes":["PayAsYouGo"],"modules":[{"code":"ServiceType","values":[]}]}]}`},
		{name: "empty product list", data: "products: []\n", wantErr: "catalogue: line 1:1: products: no products: a catalogue lists at least one"},
		{name: "empty document", data: "", wantErr: "empty"},
		{name: "misspelt key", data: "products:\n  - code: rtc\n    modulez: []\n", wantErr: `catalogue: line 3:5: unknown field "modulez" in products[0]; known: code, subscriptionTypes, productTypes, notApplicable, periodMultiple, instanceIdPrefix, modules`},
		{name: "wrong type", data: "products:\n  - code: rtc\n    notApplicable: sometimes\n", wantErr: `catalogue: line 3:20: products[0].notApplicable: want true or false, got "sometimes"`},
		{name: "empty code", data: "products:\n  - code: ''\n", wantErr: "catalogue: line 2:11: products[0].code: empty"},
		{name: "duplicate product", data: "products:\n  - code: rtc\n  - code: rtc\n", wantErr: `product "rtc" appears twice`},
		{name: "bad subscription type", data: "products:\n  - code: rtc\n    subscriptionTypes: [Monthly]\n", wantErr: `"Monthly" is neither Subscription nor PayAsYouGo`},
		{name: "duplicate module", data: "products:\n  - code: rtc\n    modules: [{code: A}, {code: A}]\n", wantErr: `catalogue: line 3:33: products[0].modules[1].code: module "A" of rtc appears twice`},
		{name: "negative period multiple", data: "products:\n  - code: rtc\n    periodMultiple: -1\n", wantErr: "periodMultiple"},
		{name: "not yaml", data: "{{{", wantErr: "catalogue:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := fake.ParseCatalog([]byte(tt.data))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, c)
		})
	}
}

func TestLoadCatalogFileDrivesTheFake(t *testing.T) {
	t.Parallel()
	c, err := fake.LoadCatalog("../testdata/catalogs/example.yaml")
	require.NoError(t, err)
	srv := fake.NewServer(t, fake.WithCatalog(c))
	snap := with(valid(), "ProductCode", "snapshot", "SubscriptionType", "Subscription", "Period", "24", "Parameter.1.Code", "Capacity", "Parameter.1.Value", "1024")
	a := call(t, srv, snap)
	require.Equal(t, 200, a.Status, a.Raw)
	assert.Regexp(t, `^snap-cn-[0-9a-z]{12}$`, a.Body["Data"].(map[string]any)["InstanceId"])
	assert.Equal(t, "InvalidParameter", call(t, srv, with(snap, "Period", "6")).Body["Code"])
	assert.Equal(t, "ProductNotFind", call(t, srv, with(valid(), "ProductCode", "sas")).Body["Code"])
	assert.Equal(t, "NotApplicable", call(t, srv, with(valid(), "ProductCode", "ecs")).Body["Code"])

	_, err = fake.LoadCatalog("../testdata/catalogs/missing.yaml")
	assert.Error(t, err)
}

func TestSetCatalog(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	require.Equal(t, 200, call(t, srv, valid()).Status)
	c := srv.Catalog()
	c.Products = c.Products[1:] // drop rtc from a copy: the server's catalogue is unchanged
	require.Equal(t, 200, call(t, srv, valid()).Status)
	require.NoError(t, srv.SetCatalog(c))
	assert.Equal(t, "ProductNotFind", call(t, srv, valid()).Body["Code"])
	assert.Len(t, srv.Orders(), 2, "orders survive a catalogue change")
	assert.Error(t, srv.SetCatalog(&fake.Catalog{Products: []fake.Product{{Code: ""}}}))
	assert.Error(t, srv.SetCatalog(nil))
	assert.Equal(t, "ProductNotFind", call(t, srv, valid()).Body["Code"], "a rejected catalogue changes nothing")
}

func TestDefaultCatalogIsValid(t *testing.T) {
	t.Parallel()
	c := fake.DefaultCatalog()
	require.NoError(t, c.Validate())
	for _, code := range []string{"ecs", "rds"} {
		p, ok := c.Product(code)
		require.True(t, ok, code)
		assert.True(t, p.NotApplicable, "the documentation says CreateInstance does not support %s", code)
	}
}
