package fake_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bsskit/bsskit/fake"
)

// A product's durations are written as a catalogue file writes them, so GET /__admin/catalog can be
// saved and fed back to --catalog.
func ExampleProduct_MarshalJSON() {
	b, _ := json.Marshal(fake.Product{Code: "snap", SubscriptionTypes: []string{"Subscription"},
		ProvisioningDelay: 2 * time.Second, PaymentDelay: 90 * time.Minute})
	fmt.Println(string(b))
	// Output:
	// {"code":"snap","subscriptionTypes":["Subscription"],"provisioningDelay":"2s","paymentDelay":"1h30m0s"}
}

// TestProductJSON: durations are read as duration strings and, as earlier versions wrote them, as
// nanoseconds; anything else is an error naming the value.
func TestProductJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    fake.Product
		wantErr string
	}{
		{`{"code":"a","provisioningDelay":"2s","paymentDelay":"1h"}`, fake.Product{Code: "a", ProvisioningDelay: 2 * time.Second, PaymentDelay: time.Hour}, ""},
		{`{"code":"a","provisioningDelay":2000000000}`, fake.Product{Code: "a", ProvisioningDelay: 2 * time.Second}, ""},
		{`{"code":"a","paymentDelay":"soon"}`, fake.Product{}, `duration "soon"`},
		{`{"code":"a","paymentDelay":true}`, fake.Product{}, `want a string such as "2s"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var got fake.Product
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				if err == nil || !contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// FuzzProductJSON: any input decodes into a product or fails cleanly, and a decoded product
// survives a round trip through its JSON.
func FuzzProductJSON(f *testing.F) {
	for _, s := range []string{`{"code":"a","provisioningDelay":"2s"}`, `{"paymentDelay":5}`, `{"modules":[{"code":"x"}]}`, `{`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p fake.Product
		if json.Unmarshal(b, &p) != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal %+v: %v", p, err)
		}
		var back fake.Product
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s does not decode: %v", out, err)
		}
		if d := cmp.Diff(p, back, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("round trip of %s (-first +second):\n%s", out, d)
		}
	})
}
