package check_test

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// FuzzParameters fuzzes Parameter.n flattening and the parameter rules: no panic, and an accepted
// request's Parameters are in ascending n within 1..100, each the element's Code and Value.
func FuzzParameters(f *testing.F) {
	f.Add("ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal")
	f.Add("ProductCode=sas&SubscriptionType=Subscription&Period=12&Parameter.2.Code=Version&Parameter.2.Value=level2&Parameter.10.Code=ServerNum&Parameter.10.Value=5")
	f.Add("ProductCode=x&SubscriptionType=PayAsYouGo&Parameter.1.Code=a&Parameter.1.Code=b&Parameter.1.Value=c")
	f.Add("ProductCode=x&SubscriptionType=PayAsYouGo&Parameter.100.Code=a&Parameter.100.Value=&Parameter.+1.Code=q")
	f.Add("ProductCode=x&SubscriptionType=PayAsYouGo&Parameter.1.Code=a&Parameter.1.Value=b&Parameter.1.Other=z&Parameter..Code=y&Parameter.1")
	v, err := check.Shared()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		params, _ := url.ParseQuery(rawQuery)
		in, viol := v.Request(params)
		in2, viol2 := v.Request(params)
		if !reflect.DeepEqual(in, in2) || !reflect.DeepEqual(viol, viol2) {
			t.Fatalf("validation is not deterministic")
		}
		if viol != nil {
			if _, ok := spec.Lookup(viol.Code); !ok {
				t.Fatalf("uncatalogued code %q", viol.Code)
			}
			if viol.Param == "" && viol.Code != spec.CodeInvalidParameter {
				t.Fatalf("violation %s names no parameter", viol.Code)
			}
			return
		}
		if !slices.IsSortedFunc(in.Parameters, func(a, b check.Param) int { return a.N - b.N }) {
			t.Fatalf("Parameters not in ascending n: %+v", in.Parameters)
		}
		for i, p := range in.Parameters {
			if p.N < 1 || p.N > 100 || (i > 0 && in.Parameters[i-1].N == p.N) {
				t.Fatalf("bad or repeated n %d", p.N)
			}
			n := strconv.Itoa(p.N)
			if params.Get("Parameter."+n+".Code") != p.Code || params.Get("Parameter."+n+".Value") != p.Value {
				t.Fatalf("element %d is not the request's: %+v", p.N, p)
			}
		}
	})
}

func BenchmarkRequestCheck(b *testing.B) {
	o := newRequestOracle(b)
	params := url.Values{
		"ProductCode": {"sas"}, "SubscriptionType": {"Subscription"}, "Period": {"12"}, "ClientToken": {"6000EE23-274B-4E07"},
		"OwnerId": {"1234567890123456"}, "Parameter.1.Code": {"Version"}, "Parameter.1.Value": {"level2"},
		"Parameter.2.Code": {"ServerNum"}, "Parameter.2.Value": {"5"},
	}
	b.Run("impl=compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, viol := o.chk.Request(params); viol != nil {
				b.Fatal(viol)
			}
		}
	})
	b.Run("impl=kin-openapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := o.verdicts(params); err != nil {
				b.Fatal(err)
			}
		}
	})
}
