package signing

import "errors"

// Kind classifies a verification failure. Each Kind maps to exactly one gateway error code, returned
// by [Kind.Code].
type Kind int

// The kinds of verification failure, in the order [Verifier.Verify] checks for them.
const (
	// KindMissingCredentials: the request carries no credentials at all (no Signature parameters, no
	// Authorization header, no bearer token). Code MissingAccessKeyId.
	KindMissingCredentials Kind = iota + 1
	// KindMissingParameter: a parameter or header the signature needs is absent; [Error.Param]
	// names it. Code MissingParameter.
	KindMissingParameter
	// KindIncompleteSignature: the signature is malformed, uses an unsupported method or version,
	// or leaves a required header unsigned. Code IncompleteSignature.
	KindIncompleteSignature
	// KindAccessKeyNotFound: the AccessKey ID is unknown. Code InvalidAccessKeyId.NotFound.
	KindAccessKeyNotFound
	// KindSignatureDoesNotMatch: the signature differs from the server's; [Error.StringToSign]
	// holds the server's StringToSign. Code SignatureDoesNotMatch.
	KindSignatureDoesNotMatch
	// KindIllegalTimestamp: Timestamp or x-acs-date cannot be parsed. Code IllegalTimestamp.
	KindIllegalTimestamp
	// KindTimestampExpired: the signed time is further than the skew from the server's clock.
	// Code InvalidTimeStamp.Expired.
	KindTimestampExpired
	// KindSecurityTokenExpired: the STS token has expired. Code InvalidSecurityToken.Expired.
	KindSecurityTokenExpired
	// KindSecurityTokenMalformed: the STS token is unknown or malformed. Code
	// InvalidSecurityToken.MalFormed.
	KindSecurityTokenMalformed
	// KindBearerTokenInvalid: the bearer token is unknown. Code InvalidBearerToken.
	KindBearerTokenInvalid
	// KindSignatureNonceUsed: the nonce was already used by this AccessKey within the window.
	// Code SignatureNonceUsed.
	KindSignatureNonceUsed
)

var kindInfo = [...]struct{ name, code string }{
	KindMissingCredentials:     {"MissingCredentials", "MissingAccessKeyId"},
	KindMissingParameter:       {"MissingParameter", "MissingParameter"},
	KindIncompleteSignature:    {"IncompleteSignature", "IncompleteSignature"},
	KindAccessKeyNotFound:      {"AccessKeyNotFound", "InvalidAccessKeyId.NotFound"},
	KindSignatureDoesNotMatch:  {"SignatureDoesNotMatch", "SignatureDoesNotMatch"},
	KindIllegalTimestamp:       {"IllegalTimestamp", "IllegalTimestamp"},
	KindTimestampExpired:       {"TimestampExpired", "InvalidTimeStamp.Expired"},
	KindSecurityTokenExpired:   {"SecurityTokenExpired", "InvalidSecurityToken.Expired"},
	KindSecurityTokenMalformed: {"SecurityTokenMalformed", "InvalidSecurityToken.MalFormed"},
	KindBearerTokenInvalid:     {"BearerTokenInvalid", "InvalidBearerToken"},
	KindSignatureNonceUsed:     {"SignatureNonceUsed", "SignatureNonceUsed"},
}

// Code returns the gateway error code of k, such as "SignatureDoesNotMatch" or
// "InvalidAccessKeyId.NotFound", or "" for an unknown Kind.
func (k Kind) Code() string {
	if k <= 0 || int(k) >= len(kindInfo) {
		return ""
	}
	return kindInfo[k].code
}

// String returns the Go name of k without the "Kind" prefix.
func (k Kind) String() string {
	if k <= 0 || int(k) >= len(kindInfo) {
		return "Kind(invalid)"
	}
	return kindInfo[k].name
}

// Error is the only error type [Verifier.Verify] and [ParseAuthorization] return.
type Error struct {
	// Kind says what failed; [Error.Code] is its gateway code.
	Kind Kind
	// Param names the parameter or header concerned (the missing one for KindMissingParameter,
	// "Timestamp" or "x-acs-date" for timestamp errors), or is empty.
	Param string
	// StringToSign is the server's StringToSign for KindSignatureDoesNotMatch (V1:
	// "POST&%2F&...", V3: "ACS3-HMAC-SHA256\n<hex>"), for the message
	// "... server string to sign is:<StringToSign>".
	StringToSign string
	// Detail is a human-readable explanation for logs; never part of the wire contract.
	Detail string
	// Err is the underlying cause, if any (for example the error of
	// [Verifier.CheckSecurityToken], or [ErrMalformedAuthorization]).
	Err error
}

// Code returns the gateway error code, e.g. "SignatureNonceUsed".
func (e *Error) Code() string { return e.Kind.Code() }

// Error implements error.
func (e *Error) Error() string {
	s := "signing: " + e.Kind.Code()
	if e.Param != "" {
		s += " (" + e.Param + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel causes, reachable with errors.Is through an [*Error].
var (
	// ErrMalformedAuthorization is the cause of every [ParseAuthorization] failure.
	ErrMalformedAuthorization = errors.New("malformed ACS3 Authorization header")
	// ErrSecurityTokenExpired may be returned (or wrapped) by [Verifier.CheckSecurityToken] to
	// report an expired token; any other error means a malformed or unknown token.
	ErrSecurityTokenExpired = errors.New("security token expired")
)
