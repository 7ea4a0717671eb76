package linz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// The products of testdata/catalogs/sites.yaml the workload buys: a priced yearly product and an
// opens-once one.
const (
	productSAS = "sas"
	productCFW = "vipcloudfw"
)

// caller sends one operation at a time, V1-signed with its account's key, to a replica.
type caller struct {
	http    *http.Client
	urls    []string // the replicas' base URLs
	nonce   string   // this caller's nonce prefix
	seq     int
	timeout time.Duration
}

// account is one account of the generated accounts file.
type account struct{ ID, AccessKey, Secret string }

// apiBody is the part of an answer the harness reads.
type apiBody struct {
	Success bool
	Code    string
	Message string
	Data    struct {
		OrderId, InstanceId string
		InstanceList        []struct{ InstanceID, Status string }
		TotalCount          int
	}
}

// call signs params for acct, POSTs them to replica r and classifies the answer for in.Kind.
func (c *caller) call(ctx context.Context, r int, acct account, params url.Values, kind Kind) Output {
	params.Set("Version", "2017-12-14")
	params.Set("Format", "JSON")
	c.seq++
	signing.SignV1(http.MethodPost, params, signing.Credentials{AccessKeyID: acct.AccessKey, AccessKeySecret: acct.Secret},
		time.Now(), fmt.Sprintf("%s-%d", c.nonce, c.seq))
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.urls[r]+"/?"+params.Encode(), nil)
	if err != nil {
		return Output{Result: Failed, Code: err.Error()}
	}
	resp, err := c.http.Do(req)
	return classify(resp, err, kind)
}

// advance sends POST /__admin/clock/advance {"by": "2h"} to replica r.
func (c *caller) advance(ctx context.Context, r int) Output {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.urls[r]+"/__admin/clock/advance", strings.NewReader(`{"by": "2h"}`))
	if err != nil {
		return Output{Result: Failed, Code: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return transportOutput(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	switch {
	case resp.StatusCode == http.StatusOK:
		return Output{Result: OK, HTTPStatus: resp.StatusCode}
	case resp.StatusCode >= 500:
		return Output{Result: Unknown, HTTPStatus: resp.StatusCode, Code: strings.TrimSpace(string(raw))}
	}
	return Output{Result: Failed, HTTPStatus: resp.StatusCode, Code: strings.TrimSpace(string(raw))}
}

// codeRefused is the Code of a call whose connection was refused: the replica was down.
const codeRefused = "connection refused"

// transportOutput classifies a call that got no answer: refused before it was sent (no effect)
// or cut off after (unknown).
func transportOutput(err error) Output {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return Output{Result: Failed, Code: codeRefused}
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "timeout"
	}
	return Output{Result: Unknown, Code: msg}
}

func classify(resp *http.Response, err error, kind Kind) Output {
	if err != nil {
		return transportOutput(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return Output{Result: Unknown, HTTPStatus: resp.StatusCode, Code: "reading the answer: " + err.Error()}
	}
	var b apiBody
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&b); err != nil {
		b.Code = fmt.Sprintf("undecodable answer %.80q", raw)
	}
	out := Output{HTTPStatus: resp.StatusCode, Code: b.Code}
	switch {
	case resp.StatusCode >= 500:
		out.Result = Unknown
	case resp.StatusCode != http.StatusOK:
		out.Result = Failed
		if kind == GetOrder && b.Code == string(spec.CodeInvalidParameter) && strings.Contains(b.Message, "OrderId") {
			out.Result = NotFound
		}
	case !b.Success:
		out.Result = Failed
		if kind == Create && (b.Code == string(spec.CodeOrderOpend) || b.Code == string(spec.CodeHasEffectSuit)) {
			out.Result = Opened
			if i := strings.LastIndex(b.Message, ": "); i >= 0 {
				out.InstanceID = b.Message[i+2:]
			}
		}
	default:
		out.Result, out.Code = OK, ""
		switch kind {
		case Create:
			out.OrderID, out.InstanceID = b.Data.OrderId, b.Data.InstanceId
		case Query:
			out.Instances = make([]string, 0, len(b.Data.InstanceList))
			for _, in := range b.Data.InstanceList {
				out.Instances = append(out.Instances, in.InstanceID)
			}
			slices.Sort(out.Instances)
		case Probe:
			out.Status = "absent"
			if len(b.Data.InstanceList) == 1 {
				out.Status = b.Data.InstanceList[0].Status
			}
		}
	}
	return out
}

// createParams are the parameters of a CreateInstance of product with token.
func createParams(product, token string) url.Values {
	p := url.Values{"Action": {"CreateInstance"}, "ProductCode": {product}, "ClientToken": {token}}
	switch product {
	case productCFW:
		p.Set("ProductType", "cfw_elasticity_public_cn")
		p.Set("SubscriptionType", "PayAsYouGo")
		p.Set("Parameter.1.Code", "CfwAccountNum")
		p.Set("Parameter.1.Value", "1")
	default:
		p.Set("SubscriptionType", "Subscription")
		p.Set("Period", "12")
	}
	return p
}

// queryParams are the parameters of a QueryAvailableInstances of every instance of product.
func queryParams(product string) url.Values {
	return url.Values{"Action": {"QueryAvailableInstances"}, "ProductCode": {product}, "PageSize": {"100"}}
}
