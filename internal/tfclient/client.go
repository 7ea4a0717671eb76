// Package tfclient is a raw RPC client shaped like the one the Terraform provider for Alibaba
// Cloud buys through (alibabacloud-go/tea-rpc, RpcPostWithEndpoint), written from the facts in
// /work/shared/reference/real-consumers.md, section 1, so tests can drive the fake exactly as that
// caller does:
//
//   - the common parameters (Action, Format=json in lower case, Version, Timestamp,
//     SignatureMethod, SignatureVersion, SignatureNonce, AccessKeyId, SecurityToken with STS,
//     Signature) in the query, the business parameters in an application/x-www-form-urlencoded
//     body, one V1 signature over both merged;
//   - empty values sent (ProductType=), booleans as "true"/"false", lists of objects flattened to
//     Parameter.1.Code, Parameter.1.Value;
//   - no RegionId; the headers x-acs-action and x-acs-version;
//   - an error only for HTTP 4xx/5xx, with the message "code: <status>, <Message> request id:
//     <RequestId>"; an HTTP 200 body is returned as it is, whatever its Code and Success say.
//
// Usage:
//
//	c := &tfclient.Client{Endpoint: srv.Endpoint(), Credentials: cred}
//	body, err := c.RPCPost(ctx, "CreateInstance", "2017-12-14", nil, map[string]any{
//		"ProductCode": "rtc", "ProductType": "", "SubscriptionType": "PayAsYouGo",
//		"ClientToken": tfclient.ClientToken("CreateInstance", time.Now(), uuid),
//	})
//
// It is internal: a test helper, no API.
package tfclient

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/internal/signing"
)

// maxBody bounds the answers the client reads.
const maxBody = 4 << 20

// Client calls one endpoint the way tea-rpc does. The zero value of every field but Endpoint is
// usable.
type Client struct {
	// Endpoint is where requests go: "host:port" as tea-rpc takes it (a fake's Endpoint(), sent
	// over http) or a base URL such as "http://127.0.0.1:8080".
	Endpoint string
	// Host, when set, is sent as the Host header instead of the Endpoint's (a proxy that forwards
	// the real host names, business.aliyuncs.com or business.ap-southeast-1.aliyuncs.com).
	Host string
	// Credentials sign the requests.
	Credentials signing.Credentials
	// HTTPClient sends them; nil uses a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock of the Timestamp; nil uses time.Now.
	Now func() time.Time
}

// Error is the error of an HTTP 4xx or 5xx answer, as tea-rpc raises it.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code, Message, RequestID and HostID are the body's fields ("" when absent).
	Code, Message, RequestID, HostID string
	// Body is the decoded body (nil when it was not a JSON object).
	Body map[string]any
}

// Error returns tea-rpc's message: "code: <status>, <Message> request id: <RequestId>".
func (e *Error) Error() string {
	return fmt.Sprintf("code: %d, %s request id: %s", e.StatusCode, e.Message, e.RequestID)
}

// ClientToken returns the Terraform provider's ClientToken: "TF-<action>-<unix seconds>-<id>",
// cut to 64 characters (id is a UUID in the provider).
func ClientToken(action string, now time.Time, id string) string {
	t := fmt.Sprintf("TF-%s-%d-%s", action, now.Unix(), id)
	if len(t) > 64 {
		t = t[:64]
	}
	return t
}

// Flatten turns business parameters into the wire's strings, as tea-rpc's query flattening does:
// a string as it is (an empty one too), a bool as "true"/"false", an integer in decimal, and a
// list of maps (such as Parameter) as name.1.key, name.2.key, ... Values of other types are
// printed with fmt.
func Flatten(params map[string]any) url.Values {
	out := url.Values{}
	for name, v := range params {
		flatten(out, name, v)
	}
	return out
}

func flatten(out url.Values, name string, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		out.Set(name, x)
	case bool:
		out.Set(name, strconv.FormatBool(x))
	case int:
		out.Set(name, strconv.Itoa(x))
	case int64:
		out.Set(name, strconv.FormatInt(x, 10))
	case []map[string]any:
		for i, m := range x {
			for k, mv := range m {
				flatten(out, fmt.Sprintf("%s.%d.%s", name, i+1, k), mv)
			}
		}
	case []map[string]string:
		for i, m := range x {
			for k, mv := range m {
				out.Set(fmt.Sprintf("%s.%d.%s", name, i+1, k), mv)
			}
		}
	case map[string]any:
		for k, mv := range x {
			flatten(out, name+"."+k, mv)
		}
	default:
		out.Set(name, fmt.Sprint(x))
	}
}

// RPCPost sends action with the common parameters and extra query parameters in the query and
// the business parameters as a form body, signed with V1 over both, and returns the decoded body
// of an HTTP 200 answer. An HTTP 4xx or 5xx answer is an [*Error]; a transport failure or an
// HTTP 200 body that is not a JSON object is an ordinary error.
func (c *Client) RPCPost(ctx context.Context, action, version string, query, body map[string]any) (map[string]any, error) {
	req, err := c.NewRequest(ctx, action, version, query, body)
	if err != nil {
		return nil, err
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("tfclient: reading the answer: %w", err)
	}
	var m map[string]any
	jerr := json.Unmarshal(raw, &m)
	if resp.StatusCode >= 400 && resp.StatusCode < 600 {
		e := &Error{StatusCode: resp.StatusCode, Body: m}
		if jerr == nil {
			e.Code, e.Message, e.RequestID, e.HostID = str(m, "Code"), str(m, "Message"), str(m, "RequestId"), str(m, "HostId")
		}
		return nil, e
	}
	if jerr != nil {
		return nil, fmt.Errorf("tfclient: HTTP %d with a body that is not a JSON object: %w", resp.StatusCode, jerr)
	}
	return m, nil
}

// NewRequest builds the signed request RPCPost sends.
func (c *Client) NewRequest(ctx context.Context, action, version string, query, body map[string]any) (*http.Request, error) {
	endpoint := c.Endpoint
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	base, err := url.Parse(endpoint)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("tfclient: endpoint %q is not a base URL", c.Endpoint)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	q := Flatten(query)
	q.Set("Action", action)
	q.Set("Format", "json")
	q.Set("Version", version)
	q.Set("Timestamp", now().UTC().Format(signing.TimestampLayout))
	q.Set("SignatureMethod", "HMAC-SHA1")
	q.Set("SignatureVersion", "1.0")
	q.Set("SignatureNonce", nonce())
	q.Set("AccessKeyId", c.Credentials.AccessKeyID)
	if c.Credentials.SecurityToken != "" {
		q.Set("SecurityToken", c.Credentials.SecurityToken)
	}
	form := Flatten(body)
	signed := url.Values{}
	for k, v := range q {
		signed[k] = v
	}
	for k, v := range form {
		signed[k] = append(signed[k], v...)
	}
	q.Set("Signature", signing.V1Signature(signing.V1StringToSign(http.MethodPost, signed), c.Credentials.AccessKeySecret))

	u := *base
	u.Path = "/"
	u.RawQuery = encode(q)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader([]byte(encode(form))))
	if err != nil {
		return nil, fmt.Errorf("tfclient: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-acs-action", action)
	req.Header.Set("x-acs-version", version)
	req.Header.Set("User-Agent", "bsskit-tfclient (tea-rpc shaped)")
	if c.Host != "" {
		req.Host = c.Host
	}
	return req, nil
}

// encode writes v sorted by name, empty values included ("ProductType="), percent-encoded as
// the signature encodes them.
func encode(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(signing.PercentEncode(k))
			b.WriteByte('=')
			b.WriteString(signing.PercentEncode(val))
		}
	}
	return b.String()
}

func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
