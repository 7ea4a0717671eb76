package caller

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/bsskit/bsskit/spec"
)

// confirm waits, within p.ConfirmWait, until the order's instance is Normal (QueryAvailableInstances
// by InstanceIDs) and the order is Paid (GetOrderDetail), as real callers confirm a purchase. It
// polls every p.PollInterval while the instance is Creating or the order Unpaid, and backs off like
// a CreateInstance retry after an answer a retry can change. An instance that disappears (a
// refunded duplicate), a Cancelled order or a wait that runs out is a failure: the purchase did not
// happen, or not yet, and buying again could buy twice.
func (p Policy) confirm(ctx context.Context, c *readClient, productType, instanceID, orderID string, rebuy func() (string, string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, p.ConfirmWait)
	defer cancel()
	pause := p.Backoff
	wait := func(retryable bool) error {
		d := p.PollInterval
		if retryable {
			d, pause = pause, min(2*pause, p.MaxBackoff)
		} else {
			pause = p.Backoff
		}
		return sleep(ctx, d)
	}
	rebought := false
	for { // the instance
		req := bssopenapi.CreateQueryAvailableInstancesRequest()
		req.ProductCode, req.ProductType, req.InstanceIDs = "rtc", productType, instanceID
		c.timeouts(req.SetReadTimeout, req.SetConnectTimeout)
		resp, err := c.QueryAvailableInstances(req)
		status, retryable, err := instanceStatus(resp, err, instanceID)
		if err != nil && !retryable {
			return fmt.Errorf("%s: confirming instance %s: %w", p.Name, instanceID, err)
		}
		if status == "Normal" {
			break
		}
		if status == "Creating" && p.RebuyWhileCreating && !rebought { // the flaw
			rebought = true
			var berr error
			if instanceID, orderID, berr = rebuy(); berr != nil {
				return berr
			}
			continue
		}
		if werr := wait(err != nil); werr != nil {
			return fmt.Errorf("%s: instance %s is still %s after %s: %w", p.Name, instanceID, orNone(status, err), p.ConfirmWait, werr)
		}
	}
	for { // the order
		req := bssopenapi.CreateGetOrderDetailRequest()
		req.OrderId = orderID
		c.timeouts(req.SetReadTimeout, req.SetConnectTimeout)
		resp, err := c.GetOrderDetail(req)
		status, retryable, err := paymentStatus(resp, err, orderID)
		if err != nil && !retryable {
			return fmt.Errorf("%s: confirming order %s: %w", p.Name, orderID, err)
		}
		switch status {
		case "Paid":
			return nil
		case "Cancelled":
			return fmt.Errorf("%s: order %s was cancelled (refunded)", p.Name, orderID)
		}
		if werr := wait(err != nil); werr != nil {
			return fmt.Errorf("%s: order %s is still %s after %s: %w", p.Name, orderID, orNone(status, err), p.ConfirmWait, werr)
		}
	}
}

func orNone(status string, err error) string {
	if err != nil {
		return fmt.Sprintf("unknown (%v)", err)
	}
	return status
}

// errGone is the answer of a poll that no longer lists the instance: a refunded duplicate.
var errGone = errors.New("the instance is gone: the order was refunded as a duplicate (the account may already hold the service)")

// instanceStatus reads a QueryAvailableInstances answer: the instance's status, or an error and
// whether a retry can change it.
func instanceStatus(resp *bssopenapi.QueryAvailableInstancesResponse, err error, instanceID string) (string, bool, error) {
	if err != nil {
		return "", retryableRead(err), err
	}
	if !resp.Success {
		return "", retryableCode(resp.Code, 200), fmt.Errorf("%s (HTTP 200, Success false): %s", resp.Code, resp.Message)
	}
	for _, in := range resp.Data.InstanceList {
		if in.InstanceID == instanceID {
			return in.Status, false, nil
		}
	}
	return "", false, errGone
}

// paymentStatus reads a GetOrderDetail answer: the order's payment status, or an error and whether
// a retry can change it.
func paymentStatus(resp *bssopenapi.GetOrderDetailResponse, err error, orderID string) (string, bool, error) {
	if err != nil {
		return "", retryableRead(err), err
	}
	if !resp.Success {
		return "", retryableCode(resp.Code, 200), fmt.Errorf("%s (HTTP 200, Success false): %s", resp.Code, resp.Message)
	}
	for _, o := range resp.Data.OrderList.Order {
		if o.OrderId == orderID {
			return o.PaymentStatus, false, nil
		}
	}
	return "", false, fmt.Errorf("order %s is not listed", orderID)
}

// retryableRead says whether a read that failed with err may succeed when repeated: an error
// answer with a retryable code or a 5xx, or no answer at all.
func retryableRead(err error) bool {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return retryableCode(se.ErrorCode(), se.HttpStatus())
	}
	return true // transport: no answer
}

func retryableCode(code string, status int) bool {
	if status >= 500 {
		return true
	}
	def, ok := spec.Lookup(spec.Code(code))
	return ok && def.Retryable
}

// readClient is the old SDK's client on one site, for the reads.
type readClient struct {
	*bssopenapi.Client
	timeout time.Duration
}

// endpointMapOnce fills the SDK's endpoint map once: the SDK fills it lazily, without a lock, on
// every new client, which races when two buyers start at once (internal/sdkcall does the same).
var endpointMapOnce sync.Once

func newReadClient(endpoint, accessKeyID, accessKeySecret string, timeout time.Duration) (*readClient, error) {
	endpointMapOnce.Do(func() { bssopenapi.GetEndpointMap() })
	c, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", accessKeyID, accessKeySecret)
	if err != nil {
		return nil, err
	}
	c.Domain = endpoint
	return &readClient{Client: c, timeout: timeout}, nil
}

func (c *readClient) timeouts(read, connect func(time.Duration)) {
	if c.timeout > 0 {
		read(c.timeout)
		connect(c.timeout)
	}
}
