package fake

import (
	"errors"
	"time"
)

// The package's named values, in two blocks so that its API reads short (go doc).
const (
	// StatusCreating is an instance whose order is placed but which is not provisioned yet
	// (QueryAvailableInstances' Status).
	StatusCreating = "Creating"
	// StatusNormal is a provisioned instance.
	StatusNormal = "Normal"

	// PaymentUnpaid is a Subscription order inside its payment delay ([WithPaymentDelay]), as
	// GetOrderDetail reports it.
	PaymentUnpaid = "Unpaid"
	// PaymentPaid is a paid order.
	PaymentPaid = "Paid"
	// PaymentCancelled is a refunded duplicate order once refunded.
	PaymentCancelled = "Cancelled"

	// DefaultProvisioningDelay is how long a new instance stays Creating when neither the product
	// ([Product.ProvisioningDelay]) nor [WithProvisioningDelay] says otherwise.
	DefaultProvisioningDelay = 3 * time.Second
	// DefaultRefundDelay is how long the instance of a refunded duplicate order stays Creating
	// before it disappears, unless [WithRefundDelay] says otherwise.
	DefaultRefundDelay = 2 * time.Minute

	// DefaultAccountID is the UID of the account that answers for every caller when no accounts
	// are configured. It may act for itself and for [DefaultOwnerIDs].
	DefaultAccountID = "1000000000000001"

	// AdminTokenHeader is the header that carries the admin token, as an alternative to
	// "Authorization: Bearer <token>".
	AdminTokenHeader = "X-Bsskit-Admin-Token"
)

// The errors a caller may test for with errors.Is.
var (
	// ErrAdminTokenRequired is returned by [Server.Start] and [Server.Serve] for an address that
	// is not loopback when no admin token is set ([WithAdminToken]): anyone who can reach the port
	// could otherwise read the journal and reset the fake.
	ErrAdminTokenRequired = errors.New("fake: listening on a non-loopback address requires an admin token (WithAdminToken, bsskit serve --admin-token or $BSSKIT_ADMIN_TOKEN)")
	// ErrStateCorrupt is wrapped by the error [New] returns for a state file it cannot trust.
	ErrStateCorrupt = errors.New("fake: state file is damaged")
	// ErrStore is wrapped by the errors of a shared store ([WithStore]) that cannot be reached.
	ErrStore = errors.New("fake: shared store unavailable")
)
