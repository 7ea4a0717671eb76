package sdkcall

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
)

// Action and version of the one API this package drives.
const (
	action  = "CreateInstance"
	version = "2017-12-14"
)

// callDOA drives darabonba-openapi/v2 CallApiWithCtx the way the generated
// bssopenapi-20171214 client does (RPC style, everything in the query), and
// normalises the result. It recovers SDK panics.
func callDOA(ctx context.Context, c Client, endpoint string, cred Credentials, req Request) (out Outcome) {
	defer func() {
		if v := recover(); v != nil {
			out = panicOutcome(c, v)
		}
	}()

	cfg := &openapi.Config{
		Endpoint: tea.String(endpoint), // host:port; becomes the Host header and URL
		Protocol: tea.String("http"),   // overrides Params.Protocol
		RegionId: tea.String(regionID),
		// dara bypasses HTTP_PROXY for hosts listed here (exact match).
		NoProxy: tea.String(endpoint),
	}
	if cred.AccessKeyID != "" {
		cfg.AccessKeyId = tea.String(cred.AccessKeyID)
	}
	if cred.AccessKeySecret != "" {
		cfg.AccessKeySecret = tea.String(cred.AccessKeySecret)
	}
	if cred.SecurityToken != "" {
		cfg.SecurityToken = tea.String(cred.SecurityToken)
	}
	if cred.BearerToken != "" {
		cfg.BearerToken = tea.String(cred.BearerToken)
	}
	if c == DOAV1 {
		cfg.SignatureAlgorithm = tea.String("v2")
	}
	// Config.ReadTimeout is what dara's own client would apply; with
	// Config.HttpClient set below, doaHTTP applies the same bound.
	if req.ReadTimeout > 0 {
		ms := int(req.ReadTimeout.Milliseconds())
		if ms == 0 {
			ms = 1 // sub-millisecond: round up, 0 would mean "no timeout"
		}
		cfg.ReadTimeout = tea.Int(ms)
	}
	if req.AutoRetry {
		codes := req.RetryCodes
		if codes == nil {
			codes = DefaultRetryCodes()
		}
		// dara stops once RetriesAttempted (failures so far) reaches
		// MaxAttempts, so MaxAttempts is the total number of attempts:
		// retries+1, as with ACS MaxRetryTime.
		//
		// The backoff must be explicit: without one dara returns
		// MIN_DELAY_TIME (100, meant as ms) and dara.Sleep multiplies it by
		// time.Second, so every retry would wait 100 s (tea v1.3.13).
		cfg.RetryOptions = &dara.RetryOptions{
			Retryable: true,
			RetryCondition: []*dara.RetryCondition{{
				MaxAttempts: req.maxRetries() + 1,
				Backoff:     &dara.FixedBackoffPolicy{Period: 0},
				ErrorCode:   append([]string(nil), codes...),
				MaxDelay:    dara.MAX_DELAY_TIME,
			}},
		}
	}
	// A per-call HTTP client: dara's default pooled client writes
	// http.Client.Timeout on every request while concurrent requests to the
	// same endpoint read it (tea v1.3.13 dara/core.go:445), a data race under
	// -race. doaHTTP applies the same Timeout to the transport dara built.
	cfg.HttpClient = &doaHTTP{timeout: req.ReadTimeout}
	client, err := openapi.NewClient(cfg)
	if err != nil {
		return doaErrOutcome(err)
	}

	bodyType := "json"
	query := doaQuery(req)
	if req.xml() { // DOAV1 only; validate refuses DOAV3
		// Request query entries override DoRPCRequest's Format=json; the
		// body comes back as a string and is decoded below.
		query["Format"] = tea.String("XML")
		bodyType = "string"
	}
	params := &openapi.Params{
		Action:      tea.String(action),
		Version:     tea.String(version),
		Protocol:    tea.String("HTTP"),
		Pathname:    tea.String("/"),
		Method:      tea.String(req.method()),
		AuthType:    tea.String("AK"),
		Style:       tea.String("RPC"),
		ReqBodyType: tea.String("formData"),
		BodyType:    tea.String(bodyType),
	}
	res, err := client.CallApiWithCtx(ctx, params, &openapi.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
	if err != nil {
		return doaErrOutcome(err)
	}
	return doaResult(res)
}

// doaHTTP is a dara.HttpClient that sends each request with a fresh
// http.Client around the transport dara built for it, bounded like dara's
// own client (Timeout = ReadTimeout; 0 means none).
type doaHTTP struct {
	timeout time.Duration // whole-exchange timeout; 0 = none
}

// Call sends r through tr and closes tr's idle connections once the body
// has been read or closed, so no keep-alive connection outlives the call.
func (c *doaHTTP) Call(r *http.Request, tr *http.Transport) (*http.Response, error) {
	hc := &http.Client{Transport: tr, Timeout: c.timeout}
	resp, err := hc.Do(r)
	if err != nil {
		tr.CloseIdleConnections()
		return nil, err
	}
	resp.Body = &idleCloser{ReadCloser: resp.Body, tr: tr}
	return resp, nil
}

// idleCloser closes its transport's idle connections at EOF or Close.
type idleCloser struct {
	io.ReadCloser
	tr *http.Transport
}

// Read reads the body; at EOF the connection has gone idle and is closed.
func (b *idleCloser) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.tr.CloseIdleConnections()
	}
	return n, err
}

// Close closes the body, then the transport's idle connections.
func (b *idleCloser) Close() error {
	err := b.ReadCloser.Close()
	b.tr.CloseIdleConnections()
	return err
}

// doaQuery builds the query map as the generated client does: a map of the
// set fields flattened by openapiutil.Query, which turns the Parameter list
// into Parameter.1.Code, Parameter.1.Value, ... (1-based, in order).
func doaQuery(req Request) map[string]*string {
	q := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			q[k] = v
		}
	}
	set("ProductCode", req.ProductCode)
	set("ProductType", req.ProductType)
	set("SubscriptionType", req.SubscriptionType)
	set("ClientToken", req.ClientToken)
	set("RenewalStatus", req.RenewalStatus)
	set("Logistics", req.Logistics)
	if req.Period != 0 {
		q["Period"] = req.Period
	}
	if req.RenewPeriod != 0 {
		q["RenewPeriod"] = req.RenewPeriod
	}
	if req.OwnerID != 0 {
		q["OwnerId"] = req.OwnerID
	}
	if len(req.Parameters) > 0 {
		ps := make([]map[string]any, len(req.Parameters))
		for i, p := range req.Parameters {
			m := map[string]any{}
			if p.Code != "" {
				m["Code"] = p.Code
			}
			if p.Value != "" {
				m["Value"] = p.Value
			}
			ps[i] = m
		}
		q["Parameter"] = ps
	}
	return openapiutil.Query(q)
}

// doaResult normalises CallApi's {"body", "headers", "statusCode"} map.
func doaResult(res map[string]any) Outcome {
	out := Outcome{OK: true, HTTPStatus: integer(res["statusCode"])}
	switch body := res["body"].(type) {
	case map[string]any:
		out.Success = truthy(field(body, "Success"))
		out.Code = str(field(body, "Code"))
		out.Message = str(field(body, "Message"))
		out.RequestID = str(field(body, "RequestId"))
		if data, ok := field(body, "Data").(map[string]any); ok {
			out.OrderID = str(field(data, "OrderId"))
			out.InstanceID = str(field(data, "InstanceId"))
		}
	case string: // BodyType "string": the XML reply of DOAV1
		if body == "" {
			break
		}
		var x xmlBody
		if err := xml.Unmarshal([]byte(body), &x); err != nil {
			out := errOutcome(err)
			out.ErrStatus = integer(res["statusCode"])
			return out
		}
		out.Success, out.Code, out.Message, out.RequestID = x.Success, x.Code, x.Message, x.RequestID
		out.OrderID, out.InstanceID = x.Data.OrderID, x.Data.InstanceID
	case nil: // empty body
	default:
		err := fmt.Errorf("sdkcall: unexpected DOA body type %T", body)
		return Outcome{ErrKind: Other, ErrMessage: err.Error(), Err: err}
	}
	return out
}

// doaErrOutcome normalises an error returned by DOA CallApi.
func doaErrOutcome(err error) Outcome {
	var (
		te *tea.SDKError
		de *dara.SDKError
	)
	switch {
	case errors.As(err, &te):
		out := Outcome{
			ErrKind:    SDKError,
			ErrCode:    tea.StringValue(te.Code),
			ErrStatus:  tea.IntValue(te.StatusCode),
			ErrMessage: tea.StringValue(te.Message),
			Err:        err,
		}
		out.RequestID, out.ErrRecommend = errData(tea.StringValue(te.Data))
		return out
	case errors.As(err, &de):
		out := Outcome{
			ErrKind:    SDKError,
			ErrCode:    dara.StringValue(de.Code),
			ErrStatus:  dara.IntValue(de.StatusCode),
			ErrMessage: dara.StringValue(de.Message),
			Err:        err,
		}
		out.RequestID, out.ErrRecommend = errData(dara.StringValue(de.Data))
		return out
	default:
		return errOutcome(err)
	}
}

// errData extracts RequestId and Recommend from an SDKError's Data, the
// JSON encoding of the whole error body.
func errData(data string) (requestID, recommend string) {
	if data == "" {
		return "", ""
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader([]byte(data)))
	d.UseNumber()
	if d.Decode(&m) != nil {
		return "", ""
	}
	return str(field(m, "RequestId")), str(field(m, "Recommend"))
}
