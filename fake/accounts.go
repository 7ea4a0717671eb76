package fake

import (
	"fmt"
	"os"
	"regexp"
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

// AccountsFile is the shape of an accounts file for `bsskit serve --accounts FILE`:
//
//	accounts:
//	  - id: "1000000000000001"
//	    accessKeys: [{id: ak-team-a, secret: s3cret}]
//	    owners: ["2000000000000001"]
//	    securityTokens: [{token: sts-token, expires: 2030-01-01T00:00:00Z}]
//	    bearerTokens: [bearer-abc]
type AccountsFile struct {
	Accounts []Account `yaml:"accounts"`
}

// ParseAccounts decodes an accounts file (YAML or JSON). Unknown keys are errors that name the line.
func ParseAccounts(data []byte) ([]Account, error) {
	var f AccountsFile
	if err := decodeStrictYAML(data, &f); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	seen := map[string]bool{}
	for i, a := range f.Accounts {
		if !ownerID.MatchString(a.ID) {
			return nil, fmt.Errorf("accounts[%d]: id %q is not a 16-digit account UID", i, a.ID)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("accounts[%d]: account %s appears twice", i, a.ID)
		}
		seen[a.ID] = true
		for _, o := range a.Owners {
			if !ownerID.MatchString(o) {
				return nil, fmt.Errorf("accounts[%d] (%s): owner %q is not a 16-digit UID", i, a.ID, o)
			}
		}
		for j, k := range a.AccessKeys {
			if k.ID == "" {
				return nil, fmt.Errorf("accounts[%d] (%s): accessKeys[%d] has no id", i, a.ID, j)
			}
		}
	}
	return f.Accounts, nil
}

// LoadAccounts reads an accounts file.
func LoadAccounts(path string) ([]Account, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	accts, err := ParseAccounts(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return accts, nil
}

var ownerID = regexp.MustCompile(`^[1-9][0-9]{15}$`)
