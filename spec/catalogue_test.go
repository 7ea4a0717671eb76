package spec_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// The gateway codes a real client meets (the foundation issue's list): each must be catalogued
// with the status the field evidence gives (shared/reference §5).
func TestGatewayCodesAreCatalogued(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code      spec.Code
		status    int
		retryable bool
	}{
		{"SignatureDoesNotMatch", 400, false},
		{"IncompleteSignature", 400, false},
		{"InvalidAccessKeyId.NotFound", 404, false},
		{"InvalidTimeStamp.Expired", 400, false},
		{"SignatureNonceUsed", 400, false},
		{"InvalidAction.NotFound", 404, false},
		{"InvalidVersion", 400, false},
		{"Forbidden.RAM", 403, false},
		{"Throttling.User", 400, true},
		{"ServiceUnavailable", 503, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			t.Parallel()
			def, ok := spec.Lookup(tt.code)
			require.True(t, ok)
			assert.Equal(t, tt.status, def.HTTPStatus)
			assert.Equal(t, tt.retryable, def.Retryable)
			assert.Equal(t, spec.LayerGateway, def.Layer)
			assert.NotEmpty(t, def.Description)
		})
	}
}

// The codes real callers meet (shared/reference/real-consumers.md, sections 3 and 4): each is
// catalogued with its channel, status, retryability as callers treat it, and where it comes from.
// Captured messages are kept as captured.
func TestCallerCodesAreCatalogued(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code      spec.Code
		channel   spec.Channel
		status    int
		retryable bool
		source    string
		message   string // "" : not captured, any non-empty text
	}{
		{spec.CodeCommodityInvalidComponent, spec.ChannelBody, 200, false, spec.SourceCapture, "模块非法"},
		{spec.CodePayAmountLimitExceeded, spec.ChannelBody, 200, false, spec.SourceCapture,
			"getUserDefaultPaymentMethod POC label fee is limit,havanaId:{accountId},result:[] requestId: {requestId}"},
		{spec.CodePayInsufficientBalance, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodeOrderOpend, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodeInstanceIdIsNotUnique, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodeSystemSaleValidateNoSpecificCodeFailed, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodePurchaseQuantityLimit, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodeHasEffectSuit, spec.ChannelBody, 200, false, spec.SourceCaller, ""},
		{spec.CodeCssCheckOrderError, spec.ChannelBody, 200, true, spec.SourceCaller, ""},
		{spec.CodeSystemConcurrentOperate, spec.ChannelBody, 200, true, spec.SourceCaller, ""},
		{spec.CodeNotApplicable, spec.ChannelHTTP, 400, false, spec.SourceSeed, "This API is not applicable for caller."},
		{spec.CodeNotAuthorized, spec.ChannelHTTP, 400, false, spec.SourceDocs, "This API is not authorized for caller."},
		{spec.CodeProductNotSupported, spec.ChannelHTTP, 400, false, spec.SourceDocs, ""},
		{spec.CodeThrottling, spec.ChannelHTTP, 400, true, spec.SourceCaller, ""},
		{spec.CodeThrottlingApi, spec.ChannelHTTP, 400, true, spec.SourceCaller, ""},
		{spec.CodeRejectedThrottling, spec.ChannelHTTP, 400, true, spec.SourceCaller, ""},
		{spec.CodeInvalidApiNotFound, spec.ChannelHTTP, 404, false, spec.SourceReference, "Specified api is not found, please check your url and method."},
		{spec.CodeInvalidActionNotFound, spec.ChannelHTTP, 404, false, spec.SourceReference, "Specified api is not found, please check your url and method."},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			t.Parallel()
			def, ok := spec.Lookup(tt.code)
			require.True(t, ok)
			assert.Equal(t, tt.channel, def.Channel)
			assert.Equal(t, tt.status, def.HTTPStatus)
			assert.Equal(t, tt.retryable, def.Retryable)
			assert.Equal(t, tt.source, def.Source)
			if tt.message != "" {
				assert.Equal(t, tt.message, def.Message)
			}
			assert.NotEmpty(t, def.Message)
		})
	}
}

// The codes whose message ends with the instance already held, which callers parse.
func TestInstanceHeldMessagesEndWithTheInstance(t *testing.T) {
	t.Parallel()
	for _, code := range []spec.Code{spec.CodeOrderOpend, spec.CodeHasEffectSuit, spec.CodeInstanceIdIsNotUnique} {
		got := spec.MustLookup(code).Render("instanceId", "cfw-cn-1")
		assert.Regexp(t, `: cfw-cn-1$`, got, code)
	}
}

// The generated constants and the catalogue are the same set, in the same order.
func TestGeneratedConstantsMatchCatalogue(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.gen.go", nil, 0)
	require.NoError(t, err)
	var got []spec.Code
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for _, v := range vs.Values {
				lit := v.(*ast.BasicLit)
				s, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				got = append(got, spec.Code(s))
			}
		}
		return true
	})
	var want []spec.Code
	for _, d := range spec.Errors() {
		want = append(want, d.Code)
	}
	assert.Equal(t, want, got)
}

func TestCatalogueEntriesAreWellFormed(t *testing.T) {
	t.Parallel()
	for _, d := range spec.Errors() {
		assert.NotEmpty(t, http.StatusText(d.HTTPStatus), d.Code)
		switch d.Channel {
		case spec.ChannelHTTP:
			assert.GreaterOrEqual(t, d.HTTPStatus, 400, d.Code)
		case spec.ChannelBody:
			assert.Equal(t, http.StatusOK, d.HTTPStatus, d.Code)
			assert.Equal(t, spec.LayerBusiness, d.Layer, d.Code)
		default:
			t.Errorf("%s: channel %q", d.Code, d.Channel)
		}
		assert.NotEmpty(t, d.Message, d.Code)
		assert.Contains(t, []string{spec.SourceSeed, spec.SourceDocs, spec.SourceReference, spec.SourceCapture, spec.SourceCaller, spec.SourceMetadata, spec.SourceSDK}, d.Kind(), d.Code)
		if d.Kind() != d.Source {
			// Notes follow the kind after "; " (what the converter's cleaning changed).
			assert.True(t, strings.HasPrefix(d.Source, d.Kind()+"; "), "%s: source %q", d.Code, d.Source)
		}
		for _, a := range d.Actions {
			_, ok := spec.OperationFor(a)
			assert.True(t, ok, "%s: action %s has no operation", d.Code, a)
		}
	}
	// Errors returns a copy.
	errs := spec.Errors()
	errs[0].Code = "Mutated"
	assert.NotEqual(t, spec.Code("Mutated"), spec.Errors()[0].Code)
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code spec.Code
		vars []string
		want string
	}{
		{spec.CodeMissingParameter, []string{"param", "Period"}, "The specified parameter Period is mandatory for this request."},
		{spec.CodeInvalidParameter, []string{"param", "ClientToken"}, "The specified parameter ClientToken is not valid."},
		{spec.CodeSignatureDoesNotMatch, []string{"stringToSign", "POST&%2F&A"}, "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&A"},
		{spec.CodeProductNotFind, []string{"param", "ProductCode"}, "Can not find inquired product, it may not exist."},
		{spec.CodeMissingParameter, nil, "The specified parameter {param} is mandatory for this request."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%v", tt.code, tt.vars), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, spec.MustLookup(tt.code).Render(tt.vars...))
		})
	}
	_, ok := spec.Lookup("NoSuchCode")
	assert.False(t, ok)
	assert.Panics(t, func() { spec.MustLookup("NoSuchCode") })
}

func TestOperationNamesOnlyCataloguedCodes(t *testing.T) {
	t.Parallel()
	op := spec.CreateInstance()
	assert.Equal(t, spec.ActionCreateInstance, op.Action)
	assert.Equal(t, []string{http.MethodPost, http.MethodGet}, op.Methods)
	assert.True(t, op.FormBody)
	for _, p := range op.Params {
		if p.Error != "" {
			_, ok := spec.Lookup(p.Error)
			assert.True(t, ok, p.Name)
		}
	}
	require.Len(t, op.OneOf, 2)
	assert.Equal(t, spec.CodeInvalidActionNotFound, op.OneOf[0].UnknownError)
	assert.Equal(t, spec.CodeInvalidVersion, op.OneOf[1].UnknownError)
}

func TestLoadReturnsIndependentCopies(t *testing.T) {
	t.Parallel()
	a, err := spec.Load()
	require.NoError(t, err)
	a.Info.Title = "changed"
	assert.NotEqual(t, "changed", spec.Doc().Info.Title)
	assert.Equal(t, spec.Version, spec.Doc().Info.Version)
	y := spec.YAML()
	y[0] = 'X'
	assert.NotEqual(t, byte('X'), spec.YAML()[0])
}
