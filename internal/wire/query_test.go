package wire

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

func TestParseQueryMatchesNetURL(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		"", "a=1", "a=1&b=2&a=3", "a", "a=", "=1", "&&a=1&&", "a=%41%2B+b", "a%3D=b%3Dc", "a=%zz&b=1",
		"a=1;b=2", "%=1", "a=%", "Signature=ab%2Fcd%3D&Timestamp=2026-11-25T19%3A00%3A00Z",
		"Parameter.1.Code=ServiceType&Parameter.1.Value=universal&Parameter.1.Code=x", "a=1&a=1&a=2&b",
		"+=+", "%20a=%20", "a=\u00e9&\u00e9=1",
	} {
		checkParseQuery(t, q)
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("a=1&b=%41&a=2")
	f.Add("a=1;b")
	f.Fuzz(checkParseQuery)
}

func checkParseQuery(t *testing.T, q string) {
	want, werr := url.ParseQuery(q)
	got, gerr := parseQuery(q)
	if !reflect.DeepEqual(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Errorf("parseQuery(%q) = %v, %v; url.ParseQuery: %v, %v", q, got, gerr, want, werr)
	}
}

func BenchmarkParseQuery(b *testing.B) {
	const q = "AccessKeyId=benchloadAccessKeyId&Action=CreateInstance&Format=JSON&Parameter.1.Code=ServiceType" +
		"&Parameter.1.Value=universal&ProductCode=rtc&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1" +
		"&SignatureNonce=t5k2-3-1234&SignatureType=&SignatureVersion=1.0&SubscriptionType=PayAsYouGo" +
		"&Timestamp=2026-11-25T19%3A00%3A00Z&Version=2017-12-14&ClientToken=lg-3-17&Signature=Zm9vYmFyYmF6cXV4%2Bx%3D"
	b.Run("impl=wire", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = parseQuery(q)
		}
	})
	b.Run("impl=net-url", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = url.ParseQuery(q)
		}
	})
}
