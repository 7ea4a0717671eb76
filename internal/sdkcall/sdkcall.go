package sdkcall

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/internal/loopback"
)

// Client names one official SDK shape that Call can drive.
type Client string

// The SDK shapes. See the package documentation for what each can express.
const (
	// ACS is github.com/aliyun/alibaba-cloud-sdk-go services/bssopenapi with
	// the V1 signature (HMAC-SHA1).
	ACS Client = "acs"
	// DOAV3 is darabonba-openapi/v2 CallApi with its default
	// ACS3-HMAC-SHA256 signature.
	DOAV3 Client = "doa-v3"
	// DOAV1 is darabonba-openapi/v2 CallApi with SignatureAlgorithm "v2"
	// (legacy V1 signature).
	DOAV1 Client = "doa-v1"
)

// Clients returns every Client, in a stable order, for table-driven tests.
func Clients() []Client { return []Client{ACS, DOAV3, DOAV1} }

// Credentials are handed to the SDK unchanged. AccessKeyID plus
// AccessKeySecret select AK signing (STS when SecurityToken is also set);
// otherwise a non-empty BearerToken selects bearer authentication.
type Credentials struct {
	AccessKeyID     string // AccessKey ID
	AccessKeySecret string // AccessKey secret
	SecurityToken   string // STS token; "" for plain AK
	BearerToken     string // bearer token; used only without an AK pair
}

// Param is one element of the repeated CreateInstance Parameter list.
type Param struct {
	Code  string // sent as Parameter.n.Code; "" is not sent
	Value string // sent as Parameter.n.Value; "" is not sent
}

// Request describes one CreateInstance call. Zero values mean "not sent" or
// "SDK default".
type Request struct {
	ProductCode      string // ProductCode; "" is not sent
	ProductType      string // ProductType; "" is not sent
	SubscriptionType string // SubscriptionType; "" is not sent
	ClientToken      string // ClientToken; "" is not sent
	RenewalStatus    string // RenewalStatus; "" is not sent
	Logistics        string // Logistics (JSON text); "" is not sent
	Period           int    // Period in months; 0 is not sent
	RenewPeriod      int    // RenewPeriod in months; 0 is not sent
	OwnerID          int64  // OwnerId; 0 is not sent
	// Parameters are sent in order as Parameter.1.Code, Parameter.1.Value, ...
	Parameters []Param
	// Format is "" or "JSON" for the SDK default, or "XML" (case-insensitive).
	// DOAV3 cannot ask for XML; see the package documentation.
	Format string
	// Method is "" or "POST" (the generated clients' choice), or "GET".
	Method string
	// ReadTimeout bounds the whole HTTP exchange of one attempt; 0 keeps the
	// SDK default (ACS 10 s, DOA none). Set it in fault tests.
	ReadTimeout time.Duration
	// AutoRetry turns on the SDK's retries (see the package documentation).
	AutoRetry bool
	// MaxRetries is the number of retries after the first attempt when
	// AutoRetry is set; 0 means 3, the ACS default.
	MaxRetries int
	// RetryCodes are the error codes DOA retries when AutoRetry is set; nil
	// means DefaultRetryCodes. ACS ignores it (it retries any status >= 500).
	RetryCodes []string
}

// DefaultRetryCodes returns the error codes DOA retries when
// [Request.AutoRetry] is set and [Request.RetryCodes] is nil: the gateway's
// 5xx codes, which approximates ACS's "retry on status >= 500".
func DefaultRetryCodes() []string { return []string{"ServiceUnavailable", "InternalError"} }

// ErrKind classifies how a call failed.
type ErrKind int

// The error kinds.
const (
	// None means the SDK returned no error (HTTP 2xx and a decodable body).
	None ErrKind = iota
	// ServerError is an ACS *errors.ServerError (HTTP status >= 300).
	ServerError
	// ClientError is an ACS *errors.ClientError (for example
	// SDK.JsonUnmarshalError, or SDK.TimeoutError after retries).
	ClientError
	// SDKError is a DOA *tea.SDKError (HTTP 4xx/5xx with a decodable body,
	// or a DOA client-side check such as InvalidCredentials).
	SDKError
	// Transport is a *url.Error, net.Error or context error: timeouts,
	// refused connections, cancellation.
	Transport
	// Decode is a raw decoding error: JSON syntax or type errors,
	// unexpected EOF, XML syntax errors.
	Decode
	// Other is anything else, including a recovered SDK panic (*PanicError).
	Other
	// Unsupported means Call refused the request before calling any SDK:
	// the Client cannot express it, or the input is invalid. Err wraps
	// ErrUnsupported.
	Unsupported
)

var errKindNames = [...]string{"None", "ServerError", "ClientError", "SDKError", "Transport", "Decode", "Other", "Unsupported"}

// String returns the kind's name, for example "ServerError".
func (k ErrKind) String() string {
	if k >= 0 && int(k) < len(errKindNames) {
		return errKindNames[k]
	}
	return "ErrKind(" + strconv.Itoa(int(k)) + ")"
}

// ErrUnsupported is wrapped by Outcome.Err when the ErrKind is Unsupported.
var ErrUnsupported = errors.New("sdkcall: unsupported request")

// PanicError is Outcome.Err when the SDK panicked during the call.
type PanicError struct {
	Client Client // the SDK shape that panicked
	Value  any    // the value passed to panic
}

// Error reports the client and the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("sdkcall: %s SDK panicked: %v", e.Client, e.Value)
}

// Outcome is what the SDK returned, normalised so that outcomes of different
// Clients can be compared field by field.
type Outcome struct {
	// OK is true when the SDK returned no error. HTTP 200 with
	// "Success":false is OK: neither SDK treats it as an error.
	OK bool
	// Success is the body's Success field (DOA values "true", 1 also count).
	Success bool
	// Code is the body's Code field.
	Code string
	// Message is the body's Message field.
	Message string
	// RequestID is the body's RequestId on success, or the RequestId the
	// SDK's error exposes (ACS ServerError, DOA SDKError data).
	RequestID string
	// OrderID is Data.OrderId as a string; numbers keep all their digits
	// where the SDK kept them.
	OrderID string
	// InstanceID is Data.InstanceId as a string.
	InstanceID string
	// HTTPStatus is the status of the successful response.
	HTTPStatus int

	// ErrKind classifies the error; None when OK.
	ErrKind ErrKind
	// ErrCode is the error code the SDK reports: ACS ErrorCode() (""
	// when the body is not JSON), DOA SDKError.Code.
	ErrCode string
	// ErrStatus is the HTTP status the SDK reports for the error; for ACS
	// ClientError and Decode errors it is the status of the response that
	// failed to decode. 0 when no response was received or it is unknown.
	ErrStatus int
	// ErrMessage is the SDK's message: ACS ServerError.Message() (the
	// body's Message, or the raw body), DOA SDKError.Message ("code: 400,
	// <Message> request id: <id>"), the panic value, or err.Error().
	ErrMessage string
	// ErrRecommend is the error's Recommend: ACS Recommend() (which ACS may
	// rewrite for SignatureDoesNotMatch), DOA from the SDKError data.
	ErrRecommend string
	// Err is the raw error the SDK returned, or *PanicError, or an error
	// wrapping ErrUnsupported.
	Err error
}

// Call sends one CreateInstance through client c to endpoint (host:port on
// a loopback address, for example "127.0.0.1:8080"; plain HTTP) and returns
// the normalised outcome. It never panics and never returns a zero Outcome
// without either OK or an ErrKind.
func Call(ctx context.Context, c Client, endpoint string, cred Credentials, req Request) Outcome {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := validate(c, endpoint, req); err != nil {
		return Outcome{ErrKind: Unsupported, ErrMessage: err.Error(), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return errOutcome(err)
	}
	switch c {
	case ACS:
		return callACS(ctx, endpoint, cred, req)
	default:
		return callDOA(ctx, c, endpoint, cred, req)
	}
}

// validate checks what Call can do before any SDK is touched.
func validate(c Client, endpoint string, req Request) error {
	switch c {
	case ACS, DOAV3, DOAV1:
	default:
		return fmt.Errorf("%w: unknown client %q", ErrUnsupported, string(c))
	}
	if err := checkLoopback(endpoint); err != nil {
		return err
	}
	switch strings.ToUpper(req.Format) {
	case "", "JSON":
	case "XML":
		if c == DOAV3 {
			return fmt.Errorf("%w: %s cannot ask for XML (V3 sends no Format and Accept: application/json)", ErrUnsupported, c)
		}
	default:
		return fmt.Errorf("%w: Format %q (want \"\", JSON or XML)", ErrUnsupported, req.Format)
	}
	switch strings.ToUpper(req.Method) {
	case "", "POST", "GET":
	default:
		return fmt.Errorf("%w: Method %q (want \"\", POST or GET)", ErrUnsupported, req.Method)
	}
	if req.ReadTimeout < 0 || req.MaxRetries < 0 {
		return fmt.Errorf("%w: negative ReadTimeout or MaxRetries", ErrUnsupported)
	}
	return nil
}

// checkLoopback accepts "host:port" or "host" where host is "localhost" or a
// loopback IP literal.
func checkLoopback(endpoint string) error {
	if endpoint == "" || strings.Contains(endpoint, "/") {
		return fmt.Errorf("%w: endpoint %q is not host:port", ErrUnsupported, endpoint)
	}
	if loopback.Addr(endpoint) {
		return nil
	}
	return fmt.Errorf("%w: endpoint %q is not a loopback address", ErrUnsupported, endpoint)
}

// method returns the HTTP method to send.
func (r Request) method() string {
	if strings.EqualFold(r.Method, "GET") {
		return "GET"
	}
	return "POST"
}

// xml reports whether the request asks for XML.
func (r Request) xml() bool { return strings.EqualFold(r.Format, "XML") }

// maxRetries returns the retry count to configure.
func (r Request) maxRetries() int {
	if r.MaxRetries > 0 {
		return r.MaxRetries
	}
	return 3
}

// errOutcome classifies an error that is not one of the SDKs' typed errors.
func errOutcome(err error) Outcome {
	return Outcome{ErrKind: classify(err), ErrMessage: err.Error(), Err: err}
}

// classify sorts untyped errors into Transport, Decode or Other.
func classify(err error) ErrKind {
	var (
		urlErr    *url.Error
		netErr    net.Error
		synErr    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		xmlSynErr *xml.SyntaxError
		xmlErr    xml.UnmarshalError
	)
	switch {
	case errors.As(err, &urlErr), errors.As(err, &netErr),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Transport
	case errors.As(err, &synErr), errors.As(err, &typeErr),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.As(err, &xmlSynErr), errors.As(err, &xmlErr):
		return Decode
	default:
		return Other
	}
}

// panicOutcome turns a recovered panic value into an Outcome.
func panicOutcome(c Client, v any) Outcome {
	pe := &PanicError{Client: c, Value: v}
	return Outcome{ErrKind: Other, ErrMessage: fmt.Sprint(v), Err: pe}
}

// xmlBody is the CreateInstance success body as XML (root name unchecked,
// like ACS).
type xmlBody struct {
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	RequestID string `xml:"RequestId"`
	Success   bool   `xml:"Success"`
	Data      struct {
		OrderID    string `xml:"OrderId"`
		InstanceID string `xml:"InstanceId"`
	} `xml:"Data"`
}

// str renders a decoded JSON/XML value as a string without losing digits.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case *string:
		if x == nil {
			return ""
		}
		return *x
	default:
		return fmt.Sprint(x)
	}
}

// integer reads a decoded status code; 0 when it is not a number.
func integer(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	case json.Number:
		n, _ := strconv.Atoi(x.String())
		return n
	case string:
		n, _ := strconv.Atoi(x)
		return n
	case *int:
		if x != nil {
			return *x
		}
	}
	return 0
}

// truthy reads Success leniently, like ACS's fuzzy decoder: true, "true",
// and non-zero numbers are true.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true") || x == "1"
	case json.Number:
		f, err := x.Float64()
		return err == nil && f != 0
	case float64:
		return x != 0
	case int:
		return x != 0
	}
	return false
}

// field returns m[key], falling back to the lower-camel key DOA also accepts.
func field(m map[string]any, key string) any {
	if v, ok := m[key]; ok && v != nil {
		return v
	}
	return m[strings.ToLower(key[:1])+key[1:]]
}
