package signing_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/bsskit/bsskit/internal/signing"
)

func Example() {
	now := time.Date(2026, 11, 25, 18, 11, 59, 0, time.UTC)
	cred := signing.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "testSecret"}

	// Client side: sign a V1 request.
	params := url.Values{"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "ProductCode": {"rds"}}
	signing.SignV1(http.MethodPost, params, cred, now, "nonce-1")

	// Server side: verify it, then replay it.
	v := &signing.Verifier{
		Lookup: func(ak string) (string, bool) { return "testSecret", ak == "testAKID" },
		Now:    func() time.Time { return now },
		Nonces: signing.NewNonceCache(0, 0),
	}
	r := signing.Request{Method: http.MethodPost, Host: "127.0.0.1:8080", Path: "/", Query: params}
	id, err := v.Verify(r)
	fmt.Println(id.Scheme, id.AccessKeyID, err)

	_, err = v.Verify(r)
	var se *signing.Error
	if errors.As(err, &se) {
		fmt.Println(se.Code())
	}
	// Output:
	// V1 testAKID <nil>
	// SignatureNonceUsed
}

func ExamplePercentEncode() {
	fmt.Println(signing.PercentEncode("a b*c~d/e+f"))
	// Output: a%20b%2Ac~d%2Fe%2Bf
}

func ExampleKind_Code() {
	fmt.Println(signing.KindTimestampExpired.Code(), signing.KindAccessKeyNotFound.Code())
	// Output: InvalidTimeStamp.Expired InvalidAccessKeyId.NotFound
}
