package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
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
		{name: "misspelt key", data: "products:\n  - code: rtc\n    modulez: []\n", wantErr: `catalogue: line 3:5: unknown field "modulez" in products[0]; known: code, subscriptionTypes, productTypes, notApplicable, periodMultiple, instanceIdPrefix, provisioningDelay, modules`},
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

func TestCatalogFileDrivesTheFake(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../testdata/catalogs/example.yaml")
	require.NoError(t, err)
	c, err := fake.ParseCatalog(data)
	require.NoError(t, err)
	srv := fake.NewServer(t, fake.WithCatalog(c))
	snap := with(valid(), "ProductCode", "snapshot", "SubscriptionType", "Subscription", "Period", "24", "Parameter.1.Code", "Capacity", "Parameter.1.Value", "1024")
	a := call(t, srv, snap)
	require.Equal(t, 200, a.Status, a.Raw)
	assert.Regexp(t, `^snap-cn-[0-9a-z]{12}$`, a.Body["Data"].(map[string]any)["InstanceId"])
	assert.Equal(t, "InvalidParameter", call(t, srv, with(snap, "Period", "6")).Body["Code"])
	assert.Equal(t, "ProductNotFind", call(t, srv, with(valid(), "ProductCode", "sas")).Body["Code"])
	assert.Equal(t, "NotApplicable", call(t, srv, with(valid(), "ProductCode", "ecs")).Body["Code"])
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
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			p, ok := c.Product(code)
			require.True(t, ok, code)
			assert.True(t, p.NotApplicable, "the documentation says CreateInstance does not support %s", code)
		})
	}
}

// Every business error the fake decides carries a reason for the developer, in the journal, the
// debug log and the test log, while the wire message stays the real service's.
func TestBusinessErrorsExplainThemselves(t *testing.T) {
	t.Parallel()
	sas := with(valid(), "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "12",
		"Parameter.1.Code", "Version", "Parameter.1.Value", "level2")
	tests := []struct {
		name       string
		params     url.Values
		code       string
		wireMsg    string
		wantReason string
	}{
		{"product code in the wrong case", with(valid(), "ProductCode", "RTC"), "ProductNotFind", "Can not find inquired product, it may not exist.",
			`ProductCode "RTC" is not in the catalogue; known: rtc, sas, ddos, ecs, rds; codes are case-sensitive`},
		{"not applicable", with(valid(), "ProductCode", "ecs"), "NotApplicable", "",
			"product ecs is marked notApplicable in the catalogue: CreateInstance does not sell it (the real service answers so for ECS and RDS)"},
		{"value in the wrong case", with(valid(), "Parameter.1.Value", "Universal"), "InvalidConfigCode", "The specified configCode is not valid.",
			`module ServiceType of rtc does not sell "Universal" (Parameter.1.Value); it sells: universal`},
		{"unknown module", with(valid(), "Parameter.2.Code", "Region", "Parameter.2.Value", "cn"), "InvalidModuleCode", "The specified moduleCode is not valid.",
			`product rtc has no module "Region" (Parameter.2.Code); its modules: ServiceType, BillType; codes are case-sensitive`},
		{"required module missing", with(valid(), "Parameter.1.Code", "BillType", "Parameter.1.Value", "traffic"), "InvalidConfigCode", "The specified configCode is not valid.",
			"module ServiceType of rtc is required: add Parameter.n.Code=ServiceType with a value"},
		{"no modules at all", with(valid(), "Parameter.1.Code", "", "Parameter.1.Value", ""), "InvalidConfigCode", "",
			"module ServiceType of rtc is required: add Parameter.n.Code=ServiceType with a value"},
		{"subscription type", with(valid(), "SubscriptionType", "Subscription", "Period", "1"), "InvalidParameter", "",
			`product rtc is sold as SubscriptionType PayAsYouGo, not "Subscription"`},
		{"product type", with(sas, "ProductType", "sas_cn"), "InvalidParameter", "",
			`product sas has ProductType sas or sas_intl, not "sas_cn"`},
		{"period", with(sas, "Period", "6"), "InvalidParameter", "",
			"product sas is sold by multiples of 12 months: Period 6 is not one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var debug bytes.Buffer
			var mu sync.Mutex
			tb := &logTB{TB: t}
			_, _, started, _ := runtime.Caller(0)
			srv := fake.NewServer(tb, fake.WithLogger(slog.New(slog.NewJSONHandler(&lockedWriter{mu: &mu, w: &debug}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			started++ // the line above
			a := call(t, srv, tt.params)
			require.Equal(t, tt.code, a.Body["Code"], a.Raw)
			if tt.wireMsg != "" {
				assert.Equal(t, tt.wireMsg, a.Body["Message"], "the wire message stays the real service's")
			}
			assert.NotContains(t, a.Raw, tt.wantReason)
			j := srv.Journal()
			require.Len(t, j, 1)
			assert.Equal(t, tt.wantReason, j[0].Reason)
			// The line points at the test line that started the fake (the fake logs from its own
			// goroutines, where t.Helper cannot).
			assert.Equal(t, []string{fmt.Sprintf("catalog_test.go:%d: fake: request 1 answered %s: %s", started, tt.code, tt.wantReason)}, tb.logLines())
			mu.Lock()
			defer mu.Unlock()
			assert.Contains(t, debug.String(), `"msg":"business error"`)
			reason, err := json.Marshal(tt.wantReason)
			require.NoError(t, err)
			assert.Contains(t, debug.String(), `"reason":`+string(reason))
		})
	}
	t.Run("success has no reason", func(t *testing.T) {
		t.Parallel()
		tb := &logTB{TB: t}
		srv := fake.NewServer(tb)
		require.Equal(t, 200, call(t, srv, valid()).Status)
		assert.Empty(t, srv.Journal()[0].Reason)
		assert.Empty(t, tb.logLines())
	})
}

// lockedWriter serialises writes to a buffer the test reads.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A catalogue module marked required is enforced, and the admin API shows the flag.
func TestRequiredModuleFromFile(t *testing.T) {
	t.Parallel()
	c, err := fake.ParseCatalog([]byte("products:\n  - code: snapshot\n    modules:\n      - {code: Capacity, required: true}\n      - {code: Tier, values: [hot, cold]}\n"))
	require.NoError(t, err)
	srv := fake.NewServer(t, fake.WithCatalog(c))
	base := with(valid(), "ProductCode", "snapshot", "Parameter.1.Code", "Tier", "Parameter.1.Value", "hot")
	assert.Equal(t, "InvalidConfigCode", call(t, srv, base).Body["Code"])
	ok := with(base, "Parameter.2.Code", "Capacity", "Parameter.2.Value", "1024")
	assert.Equal(t, 200, call(t, srv, ok).Status)
	status, ans := adminDo(t, srv, http.MethodGet, "/__admin/catalog", "")
	require.Equal(t, 200, status)
	mods := ans["products"].([]any)[0].(map[string]any)["modules"].([]any)
	assert.Equal(t, true, mods[0].(map[string]any)["required"])
	assert.NotContains(t, mods[1].(map[string]any), "required", "omitted when false")
}
