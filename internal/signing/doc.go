// Package signing implements the two request signatures of Alibaba Cloud RPC OpenAPIs as the
// official Go SDKs produce them, for BssOpenApi 2017-12-14 CreateInstance: V1 (HMAC-SHA1, query
// parameter Signature, github.com/aliyun/alibaba-cloud-sdk-go and darabonba-openapi with
// SignatureAlgorithm "v2") and V3 (ACS3-HMAC-SHA256, Authorization header, the darabonba-openapi
// default), plus bearer tokens.
//
// The same functions serve both sides: the fake server verifies with a [Verifier], the contract
// suite signs with [SignV1] and [SignV3]. Verification failures are one error type, [*Error],
// whose [Kind] maps 1:1 to a gateway error code ([Error.Code]), so no caller matches strings.
//
//	v := &signing.Verifier{Lookup: keys.Secret, Nonces: signing.NewNonceCache(0, 0)}
//	body, _ := io.ReadAll(r.Body)
//	id, err := v.Verify(signing.RequestFromHTTP(r, body))
//	var se *signing.Error
//	if errors.As(err, &se) { reply(se.Code(), se.Param, se.StringToSign) }
//
// The package uses the standard library only and never panics on request input. Verification of a
// typical request allocates only the nonce cache key.
//
// Simplifications compared with the real gateway: a request that repeats a parameter is signed over
// every value (values sorted, see [V1StringToSign]); a bearer-token request is authenticated by its
// token alone (the V1 signature the old SDK adds with the key "&" is not checked); and the codes for
// anonymous requests (MissingAccessKeyId) and bad bearer tokens (InvalidBearerToken) are
// best-effort choices.
package signing
