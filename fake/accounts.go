package fake

import (
	"slices"
	"time"
)

// Account is a BSS account the fake knows: the caller of CreateInstance. Its access keys identify
// it; the owners it may act for decide InvalidOwner.
type Account struct {
	// ID is the account UID, a 16-digit number. It is also an owner the account may act for.
	ID string `json:"id" yaml:"id"`
	// AccessKeys identify the account. A key with a Secret turns signature verification on for the
	// server (see [WithCredentials]).
	AccessKeys []AccessKey `json:"accessKeys,omitempty" yaml:"accessKeys,omitempty"`
	// Owners are the OwnerId values (16 digits) the account may pass, besides its own ID: the
	// customers of a reseller or distributor.
	Owners []string `json:"owners,omitempty" yaml:"owners,omitempty"`
	// SecurityTokens are the STS tokens the account's keys may present. While no account has any,
	// every STS token is accepted (the signature still has to verify).
	SecurityTokens []SecurityToken `json:"-" yaml:"securityTokens,omitempty"`
	// BearerTokens authenticate the account without a signature.
	BearerTokens []string `json:"-" yaml:"bearerTokens,omitempty"`
}

// SecurityToken is an STS token and when it expires (zero: never).
type SecurityToken struct {
	Token   string    `json:"-" yaml:"token"`
	Expires time.Time `json:"expires,omitempty" yaml:"expires,omitempty"`
}

// AccessKey is an AccessKey pair. Secret is never written to the journal, logs or admin API.
type AccessKey struct {
	ID     string `json:"id" yaml:"id"`
	Secret string `json:"-" yaml:"secret"`
}

// DefaultAccountID is the UID of the account that answers for every caller when no accounts are
// configured. It may act for itself and for [DefaultOwnerIDs].
const DefaultAccountID = "1000000000000001"

// DefaultOwnerIDs are the owners the default account may act for, as a reseller would.
var defaultOwnerIDs = []string{"2000000000000001", "2000000000000002"}

// DefaultOwnerIDs returns the owners the default account may act for.
func DefaultOwnerIDs() []string { return slices.Clone(defaultOwnerIDs) }

func (a Account) clone() Account {
	a.AccessKeys = slices.Clone(a.AccessKeys)
	a.Owners = slices.Clone(a.Owners)
	a.SecurityTokens = slices.Clone(a.SecurityTokens)
	a.BearerTokens = slices.Clone(a.BearerTokens)
	return a
}

// mayActFor reports whether the account may create instances for owner.
func (a *Account) mayActFor(owner string) bool {
	return owner == a.ID || slices.Contains(a.Owners, owner)
}

// redacted returns a copy without secrets, for the admin API and the journal.
func (a Account) redacted() Account {
	a = a.clone()
	for i := range a.AccessKeys {
		a.AccessKeys[i].Secret = ""
	}
	a.SecurityTokens = nil
	a.BearerTokens = nil
	return a
}
