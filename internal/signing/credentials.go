package signing

// Credentials are what a client signs with. Set AccessKeyID and AccessKeySecret for an AccessKey,
// add SecurityToken for STS, or set only BearerToken for a bearer token (a BearerToken takes
// precedence in [SignV1] and [SignV3]).
type Credentials struct {
	AccessKeyID     string // the AccessKey ID (for STS, the temporary one)
	AccessKeySecret string // its secret
	SecurityToken   string // the STS token, or ""
	BearerToken     string // a bearer token, or ""
}
