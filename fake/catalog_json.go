package fake

import (
	"encoding/json"
	"fmt"
	"time"
)

// productJSON is a [Product] with its durations as a catalogue file writes them ("2s", "1h30m0s"),
// not as nanoseconds: GET /__admin/catalog saved to a file is a catalogue --catalog accepts.
type productJSON struct {
	productFields
	ProvisioningDelay jsonDuration `json:"provisioningDelay,omitempty"`
	PaymentDelay      jsonDuration `json:"paymentDelay,omitempty"`
}

// productFields is Product without its methods (so that encoding it does not recurse); the
// duration fields of productJSON, shallower, replace its own.
type productFields Product

// MarshalJSON writes the product with its durations as duration strings ("2s"), as catalogue files
// write them.
func (p Product) MarshalJSON() ([]byte, error) {
	return json.Marshal(productJSON{productFields(p), jsonDuration(p.ProvisioningDelay), jsonDuration(p.PaymentDelay)})
}

// UnmarshalJSON reads a product whose durations are duration strings ("2s") or, as earlier
// versions wrote them, integers of nanoseconds.
func (p *Product) UnmarshalJSON(b []byte) error {
	var pj productJSON
	if err := json.Unmarshal(b, &pj); err != nil {
		return err
	}
	*p = Product(pj.productFields)
	p.ProvisioningDelay, p.PaymentDelay = time.Duration(pj.ProvisioningDelay), time.Duration(pj.PaymentDelay)
	return nil
}

// jsonDuration is a duration written as a duration string and read from one or from nanoseconds.
type jsonDuration time.Duration

// MarshalJSON writes "1h30m0s".
func (d jsonDuration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "90m" or 5400000000000.
func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = jsonDuration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"2s\" or an integer of nanoseconds", b)
	}
	*d = jsonDuration(n)
	return nil
}
