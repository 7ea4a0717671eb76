package fake_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/spec"
)

// TestValidationRules covers every validation rule of CreateInstance with the exact code, HTTP
// status and message the fake answers.
func TestValidationRules(t *testing.T) {
	t.Parallel()
	sub := with(valid(), "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "12",
		"Parameter.1.Code", "Version", "Parameter.1.Value", "level2")
	tests := []struct {
		name    string
		params  url.Values
		code    spec.Code
		status  int
		message string
	}{
		// Routing.
		{"missing Action", with(valid(), "Action", ""), spec.CodeMissingParameter, 400, "The specified parameter Action is mandatory for this request."},
		{"unknown Action", with(valid(), "Action", "DescribeInstances"), spec.CodeInvalidActionNotFound, 404, "Specified api is not found, please check your url and method."},
		{"missing Version", with(valid(), "Version", ""), spec.CodeMissingParameter, 400, "The specified parameter Version is mandatory for this request."},
		{"wrong Version", with(valid(), "Version", "2014-05-26"), spec.CodeInvalidVersion, 400, "Specified parameter Version is not valid."},
		// Required parameters.
		{"missing ProductCode", with(valid(), "ProductCode", ""), spec.CodeMissingParameter, 400, "The specified parameter ProductCode is mandatory for this request."},
		{"empty ProductCode", with(valid(), "ProductCode", "x", "ProductCode", ""), spec.CodeMissingParameter, 400, "The specified parameter ProductCode is mandatory for this request."},
		{"missing SubscriptionType", with(valid(), "SubscriptionType", ""), spec.CodeMissingParameter, 400, "The specified parameter SubscriptionType is mandatory for this request."},
		// Enums, types and bounds.
		{"SubscriptionType not an allowed value", with(valid(), "SubscriptionType", "Monthly"), spec.CodeInvalidParameter, 400, "The specified parameter SubscriptionType is not valid."},
		{"SubscriptionType wrong case", with(valid(), "SubscriptionType", "payasyougo"), spec.CodeInvalidParameter, 400, "The specified parameter SubscriptionType is not valid."},
		{"RenewalStatus not an allowed value", with(valid(), "RenewalStatus", "Never"), spec.CodeInvalidParameter, 400, "The specified parameter RenewalStatus is not valid."},
		{"Period not a number", with(sub, "Period", "twelve"), spec.CodeInvalidParameter, 400, "The specified parameter Period is not valid."},
		{"Period zero", with(sub, "Period", "0"), spec.CodeInvalidParameter, 400, "The specified parameter Period is not valid."},
		{"Period negative", with(sub, "Period", "-12"), spec.CodeInvalidParameter, 400, "The specified parameter Period is not valid."},
		{"Period over int32", with(sub, "Period", "4294967296"), spec.CodeInvalidParameter, 400, "The specified parameter Period is not valid."},
		{"RenewPeriod zero", with(valid(), "RenewalStatus", "AutoRenewal", "RenewPeriod", "0"), spec.CodeInvalidParameter, 400, "The specified parameter RenewPeriod is not valid."},
		{"ProductCode too long", with(valid(), "ProductCode", strings.Repeat("p", 65)), spec.CodeInvalidParameter, 400, "The specified parameter ProductCode is not valid."},
		// ClientToken: at most 64 ASCII characters.
		{"ClientToken of 65 characters", with(valid(), "ClientToken", strings.Repeat("t", 65)), spec.CodeInvalidParameter, 400, "The specified parameter ClientToken is not valid."},
		{"ClientToken not ASCII", with(valid(), "ClientToken", "令牌"), spec.CodeInvalidParameter, 400, "The specified parameter ClientToken is not valid."},
		{"ClientToken with a control character", with(valid(), "ClientToken", "a\x01b"), spec.CodeInvalidParameter, 400, "The specified parameter ClientToken is not valid."},
		// OwnerId: a 16-digit number.
		{"OwnerId of 15 digits", with(valid(), "OwnerId", "123456789012345"), spec.CodeInvalidParameter, 400, "The specified parameter OwnerId is not valid."},
		{"OwnerId of 17 digits", with(valid(), "OwnerId", "10000000000000000"), spec.CodeInvalidParameter, 400, "The specified parameter OwnerId is not valid."},
		{"OwnerId with a leading zero", with(valid(), "OwnerId", "0123456789012345"), spec.CodeInvalidParameter, 400, "The specified parameter OwnerId is not valid."},
		{"OwnerId not digits", with(valid(), "OwnerId", "12345678901234ab"), spec.CodeInvalidParameter, 400, "The specified parameter OwnerId is not valid."},
		// Cross-field rules.
		{"Subscription without Period", with(sub, "Period", ""), spec.CodeMissingParameter, 400, "The specified parameter Period is mandatory for this request."},
		{"AutoRenewal without RenewPeriod", with(valid(), "RenewalStatus", "AutoRenewal"), spec.CodeMissingParameter, 400, "The specified parameter RenewPeriod is mandatory for this request."},
		// Parameter.n.
		{"Parameter.0", with(valid(), "Parameter.0.Code", "BillType", "Parameter.0.Value", "traffic"), spec.CodeInvalidParameter, 400, "The specified parameter Parameter.0 is not valid."},
		{"Parameter.101", with(valid(), "Parameter.101.Code", "BillType", "Parameter.101.Value", "traffic"), spec.CodeInvalidParameter, 400, "The specified parameter Parameter.101 is not valid."},
		{"Parameter.n not a number", with(valid(), "Parameter.x.Code", "BillType"), spec.CodeInvalidParameter, 400, "The specified parameter Parameter.x.Code is not valid."},
		{"Parameter.n with a leading zero", with(valid(), "Parameter.02.Code", "BillType"), spec.CodeInvalidParameter, 400, "The specified parameter Parameter.02.Code is not valid."},
		{"Parameter.n Code without Value", with(valid(), "Parameter.2.Code", "BillType"), spec.CodeMissingParameter, 400, "The specified parameter Parameter.2.Value is mandatory for this request."},
		{"Parameter.n Value without Code", with(valid(), "Parameter.7.Value", "traffic"), spec.CodeMissingParameter, 400, "The specified parameter Parameter.7.Code is mandatory for this request."},
		// Catalogue and accounts.
		{"unknown product", with(valid(), "ProductCode", "nosuchproduct"), spec.CodeProductNotFind, 400, "Can not find inquired product, it may not exist."},
		{"ECS is not applicable", with(valid(), "ProductCode", "ecs"), spec.CodeNotApplicable, 400, "This API is not applicable for caller."},
		{"RDS is not applicable", with(valid(), "ProductCode", "rds"), spec.CodeNotApplicable, 400, "This API is not applicable for caller."},
		{"subscription type the product does not sell", with(valid(), "SubscriptionType", "Subscription", "Period", "1"), spec.CodeInvalidParameter, 400, "The specified parameter SubscriptionType is not valid."},
		{"product type the product does not have", with(sub, "ProductType", "other"), spec.CodeInvalidParameter, 400, "The specified parameter ProductType is not valid."},
		{"yearly product with a period of 5 months", with(sub, "Period", "5"), spec.CodeInvalidParameter, 400, "The specified parameter Period is not valid."},
		{"unknown module", with(valid(), "Parameter.2.Code", "Colour", "Parameter.2.Value", "red"), spec.CodeInvalidModuleCode, 400, "The specified moduleCode is not valid."},
		{"value the module does not allow", with(valid(), "Parameter.1.Value", "premium"), spec.CodeInvalidConfigCode, 400, "The specified configCode is not valid."},
		{"owner the caller may not act for", with(valid(), "OwnerId", "3000000000000001"), spec.CodeInvalidOwner, 400, "The specified owner doesn't belong to caller."},
	}
	srv := fake.NewServer(t, fake.WithSeed(7))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := call(t, srv, tt.params)
			assert.Equal(t, tt.status, a.Status)
			assert.Equal(t, "application/json;charset=utf-8", a.ContentType)
			assert.Equal(t, string(tt.code), a.Body["Code"])
			assert.Equal(t, tt.message, a.Body["Message"])
			assert.Equal(t, a.RequestIDHd, a.Body["RequestId"])
			assert.Equal(t, "business.aliyuncs.com", a.Body["HostId"])
			assert.Equal(t, "https://api.aliyun.com/troubleshoot?q="+string(tt.code)+"&product=BssOpenApi&requestId="+a.RequestIDHd, a.Body["Recommend"])
			def := spec.MustLookup(tt.code)
			assert.Equal(t, def.HTTPStatus, a.Status, "the catalogue's status")
		})
	}
	t.Cleanup(func() { assert.Empty(t, srv.Orders(), "no invalid request may place an order") })
}

func TestValidRequestsSucceed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params url.Values
	}{
		{"pay as you go", valid()},
		{"subscription with period", with(valid(), "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "24", "ProductType", "sas", "Parameter.1.Code", "Version", "Parameter.1.Value", "level3", "Parameter.2.Code", "ServerNum", "Parameter.2.Value", "5")},
		{"auto renewal with renew period", with(valid(), "RenewalStatus", "AutoRenewal", "RenewPeriod", "1")},
		{"non-contiguous Parameter.n", with(valid(), "Parameter.1.Code", "", "Parameter.1.Value", "", "Parameter.3.Code", "ServiceType", "Parameter.3.Value", "universal", "Parameter.100.Code", "BillType", "Parameter.100.Value", "traffic")},
		{"owner the default account resells to", with(valid(), "OwnerId", fake.DefaultOwnerIDs()[0])},
		{"owner is the caller itself", with(valid(), "OwnerId", fake.DefaultAccountID)},
		{"lower-case format", with(valid(), "Format", "json")},
		{"64-character ClientToken with spaces and punctuation", with(valid(), "ClientToken", strings.Repeat("a b~!", 12)+"1234")},
		{"empty ProductType as the documentation's example sends it", with(valid(), "ProductType", "")},
		{"unknown parameters are tolerated", with(valid(), "SourceIp", "127.0.0.1", "SecureTransport", "true", "RegionId", "cn-hangzhou")},
		{"Logistics", with(valid(), "Logistics", `{"cityCode":"330100","zipCode":"0000"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(1))
			a := call(t, srv, tt.params)
			require.Equal(t, http.StatusOK, a.Status, a.Raw)
			assert.Equal(t, true, a.Body["Success"])
			data := a.Body["Data"].(map[string]any)
			orders := srv.Orders()
			require.Len(t, orders, 1)
			assert.Equal(t, orders[0].OrderID, data["OrderId"])
			assert.Equal(t, orders[0].InstanceID, data["InstanceId"])
			assert.Equal(t, tt.params.Get("ProductCode"), orders[0].ProductCode)
		})
	}
}
