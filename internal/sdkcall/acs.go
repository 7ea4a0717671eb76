package sdkcall

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
)

// regionID is the region every client is created for. The fake ignores it;
// ACS sends it as RegionId, DOA sends none.
const regionID = "cn-hangzhou"

// endpointMapOnce initialises bssopenapi's package-level endpoint map once.
// NewClientWithOptions fills that map lazily without synchronisation, a data
// race when the first two clients are created concurrently; after the first
// call it is only read.
var endpointMapOnce sync.Once

// callACS runs the ACS call in its own goroutine so that Call can return when
// ctx is done: the ACS SDK has no context support.
func callACS(ctx context.Context, endpoint string, cred Credentials, req Request) Outcome {
	done := make(chan Outcome, 1)
	go func() { done <- runACS(endpoint, cred, req) }()
	select {
	case out := <-done:
		return out
	case <-ctx.Done():
		return errOutcome(ctx.Err())
	}
}

// runACS drives bssopenapi.CreateInstance and normalises the result. It
// recovers SDK panics.
func runACS(endpoint string, cred Credentials, req Request) (out Outcome) {
	defer func() {
		if v := recover(); v != nil {
			out = panicOutcome(ACS, v)
		}
	}()

	// A transport of our own (the SDK would create an identical zero-value
	// one) so that idle keep-alive connections are closed after the call.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cfg := sdk.NewConfig().WithHttpTransport(tr).WithScheme(requests.HTTP)
	if req.AutoRetry {
		cfg = cfg.WithAutoRetry(true).WithMaxRetryTime(req.maxRetries())
	}
	endpointMapOnce.Do(func() { bssopenapi.GetEndpointMap() })
	client, err := bssopenapi.NewClientWithOptions(regionID, cfg, acsCredential(cred))
	if err != nil {
		return acsErrOutcome(err, nil)
	}
	client.Domain = endpoint
	// Never send loopback traffic through HTTP_PROXY: ACS applies the proxy
	// from the environment unless the host matches a no-proxy pattern.
	host, _, splitErr := net.SplitHostPort(endpoint)
	if splitErr != nil {
		host = endpoint
	}
	client.SetNoProxy(regexp.QuoteMeta(host))

	r := bssopenapi.CreateCreateInstanceRequest()
	r.Scheme = requests.HTTP
	r.ProductCode = req.ProductCode
	r.ProductType = req.ProductType
	r.SubscriptionType = req.SubscriptionType
	r.ClientToken = req.ClientToken
	r.RenewalStatus = req.RenewalStatus
	r.Logistics = req.Logistics
	if req.Period != 0 {
		r.Period = requests.NewInteger(req.Period)
	}
	if req.RenewPeriod != 0 {
		r.RenewPeriod = requests.NewInteger(req.RenewPeriod)
	}
	if req.OwnerID != 0 {
		r.OwnerId = requests.NewInteger64(req.OwnerID)
	}
	if len(req.Parameters) > 0 {
		ps := make([]bssopenapi.CreateInstanceParameter, len(req.Parameters))
		for i, p := range req.Parameters {
			ps[i] = bssopenapi.CreateInstanceParameter{Code: p.Code, Value: p.Value}
		}
		r.Parameter = &ps
	}
	if req.xml() {
		r.AcceptFormat = "XML"
	}
	r.Method = req.method()
	if req.ReadTimeout > 0 {
		r.SetReadTimeout(req.ReadTimeout)
	}

	resp, err := client.CreateInstance(r)
	if err != nil {
		return acsErrOutcome(err, resp)
	}
	return Outcome{
		OK:         true,
		Success:    resp.Success,
		Code:       resp.Code,
		Message:    resp.Message,
		RequestID:  resp.RequestId,
		OrderID:    resp.Data.OrderId,
		InstanceID: resp.Data.InstanceId,
		HTTPStatus: resp.GetHttpStatus(),
	}
}

// acsCredential picks the ACS credential the way DOA's Config does: an AK
// pair (STS when a token is set) wins over a bearer token. With neither, an
// empty AK credential is used so that ACS never falls back to its default
// provider chain (environment, profile files, ECS metadata).
func acsCredential(cred Credentials) auth.Credential {
	switch {
	case cred.AccessKeyID != "" && cred.AccessKeySecret != "" && cred.SecurityToken != "":
		return credentials.NewStsTokenCredential(cred.AccessKeyID, cred.AccessKeySecret, cred.SecurityToken)
	case cred.AccessKeyID != "" && cred.AccessKeySecret != "":
		return credentials.NewAccessKeyCredential(cred.AccessKeyID, cred.AccessKeySecret)
	case cred.BearerToken != "":
		return credentials.NewBearerTokenCredential(cred.BearerToken)
	default:
		return credentials.NewAccessKeyCredential(cred.AccessKeyID, cred.AccessKeySecret)
	}
}

// acsErrOutcome normalises an error returned by the ACS SDK. resp may be nil.
func acsErrOutcome(err error, resp *bssopenapi.CreateInstanceResponse) Outcome {
	status := 0
	if resp != nil && resp.BaseResponse != nil {
		status = resp.GetHttpStatus()
	}
	var (
		se *sdkerrors.ServerError
		ce *sdkerrors.ClientError
	)
	switch {
	case errors.As(err, &se):
		return Outcome{
			ErrKind:      ServerError,
			ErrCode:      se.ErrorCode(),
			ErrStatus:    se.HttpStatus(),
			ErrMessage:   se.Message(),
			ErrRecommend: se.Recommend(),
			RequestID:    se.RequestId(),
			Err:          err,
		}
	case errors.As(err, &ce):
		// ClientError.HttpStatus() is a constant 400; report the status of
		// the response that was received instead (0 when none was).
		return Outcome{
			ErrKind:    ClientError,
			ErrCode:    ce.ErrorCode(),
			ErrStatus:  status,
			ErrMessage: ce.Message(),
			Err:        err,
		}
	default:
		out := errOutcome(err)
		if out.ErrKind == Decode {
			out.ErrStatus = status
		}
		return out
	}
}
