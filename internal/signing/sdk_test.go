package signing

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const successBody = `{"RequestId":"X","Success":true,"Code":"Success","Message":"Successful!","Data":{"OrderId":"1","InstanceId":"i-1"}}`

// verifyingServer is a loopback server that verifies every request with a real-clock Verifier and
// records the outcome.
type verifyingServer struct {
	*httptest.Server
	mu      sync.Mutex // guards results
	results []verifyResult
}

type verifyResult struct {
	id  Identity
	err error
	raw Request
}

func startVerifyingServer(t *testing.T) *verifyingServer {
	t.Helper()
	v := newTestVerifier(testNow)
	v.Now = nil // the SDKs sign with the wall clock
	s := &verifyingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := RequestFromHTTP(r, body)
		id, verr := v.Verify(req)
		s.mu.Lock()
		s.results = append(s.results, verifyResult{id: id, err: verr, raw: req})
		s.mu.Unlock()

		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		var se *Error
		if errors.As(verr, &se) {
			status := http.StatusBadRequest
			if se.Kind == KindAccessKeyNotFound {
				status = http.StatusNotFound
			}
			msg := "signature rejected"
			if se.Kind == KindSignatureDoesNotMatch {
				msg = "Specified signature is not matched with our calculation. server string to sign is:" + se.StringToSign
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"RequestId":"X","HostId":"127.0.0.1","Code":"`+se.Code()+`","Message":`+jsonString(msg)+`,"Recommend":"r"}`)
			return
		}
		_, _ = io.WriteString(w, successBody)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *verifyingServer) host() string { return strings.TrimPrefix(s.URL, "http://") }

// only returns the single recorded result.
func (s *verifyingServer) only(t *testing.T) verifyResult {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.Len(t, s.results, 1)
	return s.results[0]
}

// jsonString quotes s for JSON (the strings here have no control characters).
func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// callACS sends CreateInstance with the old SDK.
func callACS(t *testing.T, host string, newClient func() (*bssopenapi.Client, error)) (*bssopenapi.CreateInstanceResponse, error) {
	t.Helper()
	client, err := newClient()
	require.NoError(t, err)
	client.Domain = host
	req := bssopenapi.CreateCreateInstanceRequest()
	req.ProductCode = "rds"
	req.Period = "12"
	req.ClientToken = "token-123"
	req.SubscriptionType = "Subscription"
	req.Parameter = &[]bssopenapi.CreateInstanceParameter{
		{Code: "Region", Value: "cn-hangzhou"},
		{Code: "Name", Value: "a b*c~d/e+f=g&h中"},
	}
	return client.CreateInstance(req)
}

// callDOA sends CreateInstance with darabonba-openapi's generic CallApi.
func callDOA(t *testing.T, host string, cfg *openapi.Config) (map[string]interface{}, error) {
	t.Helper()
	cfg.Endpoint = tea.String(host)
	cfg.Protocol = tea.String("http")
	cfg.RegionId = tea.String("cn-hangzhou")
	client, err := openapi.NewClient(cfg)
	require.NoError(t, err)
	query := openapiutil.Query(map[string]interface{}{
		"ClientToken":      "token-123",
		"Period":           12,
		"ProductCode":      "rds",
		"SubscriptionType": "Subscription",
		"Parameter": []map[string]interface{}{
			{"Code": "Region", "Value": "cn-hangzhou"},
			{"Code": "Name", "Value": "a b*c~d/e+f=g&h中"},
		},
	})
	params := &openapi.Params{
		Action: tea.String("CreateInstance"), Version: tea.String("2017-12-14"), Protocol: tea.String("HTTP"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
		ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}
	return client.CallApi(params, &openapi.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
}

func TestSDKCrossCheck(t *testing.T) {
	t.Parallel()
	region := "cn-hangzhou"
	acs := []struct {
		name      string
		newClient func() (*bssopenapi.Client, error)
		want      Identity
	}{
		{"ACS AccessKey", func() (*bssopenapi.Client, error) {
			return bssopenapi.NewClientWithAccessKey(region, testAK, testSecret)
		}, Identity{Scheme: SchemeV1, AccessKeyID: testAK, Principal: testAK}},
		{"ACS STS", func() (*bssopenapi.Client, error) {
			return bssopenapi.NewClientWithStsToken(region, stsAK, stsSecret, stsToken)
		}, Identity{Scheme: SchemeV1, AccessKeyID: stsAK, Principal: stsAK, SecurityToken: stsToken}},
		{"ACS bearer", func() (*bssopenapi.Client, error) {
			return bssopenapi.NewClientWithOptions(region, sdk.NewConfig(), credentials.NewBearerTokenCredential(bearerTok))
		}, Identity{Scheme: SchemeBearer, Principal: "bearer-user"}},
	}
	for _, tt := range acs {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startVerifyingServer(t)
			resp, err := callACS(t, srv.host(), tt.newClient)
			res := srv.only(t)
			require.NoError(t, res.err)
			require.NoError(t, err)
			assert.True(t, resp.Success)
			assert.Equal(t, "1", resp.Data.OrderId)
			assertIdentity(t, tt.want, res.id)
			if tt.want.Scheme == SchemeBearer {
				// Reference §2: the old SDK still signs bearer requests, with the key "&".
				q := res.raw.Query
				assert.Equal(t, q.Get("Signature"), V1Signature(V1StringToSign(res.raw.Method, q), ""))
				assert.Equal(t, "BEARERTOKEN", q.Get("SignatureType"))
			}
		})
	}

	doa := []struct {
		name string
		cfg  func() *openapi.Config
		want Identity
	}{
		{"DOA V3 AccessKey", func() *openapi.Config {
			return &openapi.Config{AccessKeyId: tea.String(testAK), AccessKeySecret: tea.String(testSecret)}
		}, Identity{Scheme: SchemeV3, AccessKeyID: testAK, Principal: testAK}},
		{"DOA V3 STS", func() *openapi.Config {
			return &openapi.Config{AccessKeyId: tea.String(stsAK), AccessKeySecret: tea.String(stsSecret), SecurityToken: tea.String(stsToken)}
		}, Identity{Scheme: SchemeV3, AccessKeyID: stsAK, Principal: stsAK, SecurityToken: stsToken}},
		{"DOA V3 bearer", func() *openapi.Config {
			return &openapi.Config{BearerToken: tea.String(bearerTok)}
		}, Identity{Scheme: SchemeBearer, Principal: "bearer-user"}},
		{"DOA v2 AccessKey", func() *openapi.Config {
			return &openapi.Config{AccessKeyId: tea.String(testAK), AccessKeySecret: tea.String(testSecret), SignatureAlgorithm: tea.String("v2")}
		}, Identity{Scheme: SchemeV1, AccessKeyID: testAK, Principal: testAK}},
		{"DOA v2 STS", func() *openapi.Config {
			return &openapi.Config{AccessKeyId: tea.String(stsAK), AccessKeySecret: tea.String(stsSecret), SecurityToken: tea.String(stsToken), SignatureAlgorithm: tea.String("v2")}
		}, Identity{Scheme: SchemeV1, AccessKeyID: stsAK, Principal: stsAK, SecurityToken: stsToken}},
		{"DOA v2 bearer", func() *openapi.Config {
			return &openapi.Config{BearerToken: tea.String(bearerTok), SignatureAlgorithm: tea.String("v2")}
		}, Identity{Scheme: SchemeBearer, Principal: "bearer-user"}},
	}
	for _, tt := range doa {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startVerifyingServer(t)
			resp, err := callDOA(t, srv.host(), tt.cfg())
			res := srv.only(t)
			require.NoError(t, res.err)
			require.NoError(t, err)
			body, ok := resp["body"].(map[string]interface{})
			require.True(t, ok, "%v", resp)
			assert.Equal(t, "Success", body["Code"])
			assertIdentity(t, tt.want, res.id)
		})
	}
}

// assertIdentity compares everything but the per-call nonce and time, which must be set.
func assertIdentity(t *testing.T, want, got Identity) {
	t.Helper()
	assert.NotEmpty(t, got.Nonce)
	assert.False(t, got.Time.IsZero())
	got.Nonce, got.Time = "", want.Time
	assert.Equal(t, want, got)
}

func TestSDKWrongSecret(t *testing.T) {
	t.Parallel()
	t.Run("ACS", func(t *testing.T) {
		t.Parallel()
		srv := startVerifyingServer(t)
		_, err := callACS(t, srv.host(), func() (*bssopenapi.Client, error) {
			return bssopenapi.NewClientWithAccessKey("cn-hangzhou", testAK, "wrong")
		})
		requireKind(t, srv.only(t).err, KindSignatureDoesNotMatch, "Signature")
		var se *sdkerrors.ServerError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "SignatureDoesNotMatch", se.ErrorCode())
		// The SDK rewrites Recommend only when the server's StringToSign equals its own.
		assert.Contains(t, se.Recommend(), "InvalidAccessKeySecret")
	})
	t.Run("ACS unknown key", func(t *testing.T) {
		t.Parallel()
		srv := startVerifyingServer(t)
		_, err := callACS(t, srv.host(), func() (*bssopenapi.Client, error) {
			return bssopenapi.NewClientWithAccessKey("cn-hangzhou", "nobody", testSecret)
		})
		requireKind(t, srv.only(t).err, KindAccessKeyNotFound, "AccessKeyId")
		var se *sdkerrors.ServerError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, http.StatusNotFound, se.HttpStatus())
		assert.Equal(t, "InvalidAccessKeyId.NotFound", se.ErrorCode())
	})
	for _, alg := range []string{"", "v2"} {
		name := map[string]string{"": "DOA V3", "v2": "DOA v2"}[alg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startVerifyingServer(t)
			cfg := &openapi.Config{AccessKeyId: tea.String(testAK), AccessKeySecret: tea.String("wrong")}
			if alg != "" {
				cfg.SignatureAlgorithm = tea.String(alg)
			}
			_, err := callDOA(t, srv.host(), cfg)
			requireKind(t, srv.only(t).err, KindSignatureDoesNotMatch, "-")
			var se *tea.SDKError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "SignatureDoesNotMatch", tea.StringValue(se.Code))
		})
	}
}
