package fake

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
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
	// Site is the site the account belongs to: "domestic" (the default, also for "") or
	// "international" (spec.SiteDomestic, spec.SiteInternational). CreateInstance on the other
	// site's endpoint answers NotApplicable.
	Site string `json:"site,omitempty" yaml:"site,omitempty"`
	// Payment is the account's payment state; nil pays for everything (payment.go).
	Payment *Payment `json:"payment,omitempty" yaml:"payment,omitempty"`
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

// DefaultOwnerIDs are the owners the default account may act for, as a reseller would.
var defaultOwnerIDs = []string{"2000000000000001", "2000000000000002"}

// DefaultOwnerIDs returns the owners the default account may act for.
func DefaultOwnerIDs() []string { return slices.Clone(defaultOwnerIDs) }

func (a Account) clone() Account {
	a.AccessKeys = slices.Clone(a.AccessKeys)
	a.Owners = slices.Clone(a.Owners)
	a.SecurityTokens = slices.Clone(a.SecurityTokens)
	a.BearerTokens = slices.Clone(a.BearerTokens)
	if a.Payment != nil {
		p := a.Payment.clone()
		a.Payment = &p
	}
	return a
}

// mayActFor reports whether the account may create instances for owner.
func (a *Account) mayActFor(owner string) bool {
	return owner == a.ID || slices.Contains(a.Owners, owner)
}

// accountsFile is the shape of an accounts file ([ParseAccounts]).
type accountsFile struct {
	Accounts []Account `yaml:"accounts"`
}

// maxAccountsBytes bounds an accounts file.
const maxAccountsBytes = 4 << 20

// ParseAccounts decodes and validates an accounts file (YAML or JSON) whose shape is
//
//	accounts:
//	  - id: "1000000000000001"
//	    accessKeys: [{id: ak-team-a, secret: s3cret}]
//	    owners: ["2000000000000001"]
//	    securityTokens: [{token: sts-token, expires: 2030-01-01T00:00:00Z}]
//	    bearerTokens: [bearer-abc]
//
// Every problem is reported at once, each as a [faults.RuleError] with its line and column: syntax
// errors, unknown keys, values of the wrong type, malformed or repeated UIDs, keys without an id.
func ParseAccounts(data []byte) ([]Account, error) {
	if len(data) > maxAccountsBytes {
		return nil, fmt.Errorf("accounts: %d bytes is over the %d-byte limit", len(data), maxAccountsBytes)
	}
	var f accountsFile
	doc, errs := yamldoc.Decode(data, "accounts file", &f)
	if doc != nil {
		v := &yamldoc.Errors{}
		seen := map[string]int{}
		for i, a := range f.Accounts {
			at := []string{"accounts", "[" + strconv.Itoa(i) + "]"}
			if !ownerID.MatchString(a.ID) {
				v.Add(yamldoc.Sub(at, "id"), "%q is not a 16-digit account UID", a.ID)
			} else if first, dup := seen[a.ID]; dup {
				v.Add(yamldoc.Sub(at, "id"), "account %s appears twice (first at accounts[%d])", a.ID, first)
			} else {
				seen[a.ID] = i
			}
			for j, o := range a.Owners {
				if !ownerID.MatchString(o) {
					v.Add(yamldoc.Sub(at, "owners", "["+strconv.Itoa(j)+"]"), "owner %q is not a 16-digit UID", o)
				}
			}
			for j, k := range a.AccessKeys {
				if k.ID == "" {
					v.Add(yamldoc.Sub(at, "accessKeys", "["+strconv.Itoa(j)+"]"), "access key has no id")
				}
			}
			if err := checkAccountSite(a.Site); err != nil { // sites.go
				v.Add(yamldoc.Sub(at, "site"), "%v", err)
			}
			if a.Payment != nil {
				for _, pe := range a.Payment.problems() { // payment.go
					v.Add(yamldoc.Sub(at, "payment", pe.field), "%s", pe.msg)
				}
			}
		}
		errs = yamldoc.Merge(doc, errs, v.List)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("accounts: %w", yamldoc.Join(errs))
	}
	return f.Accounts, nil
}

var ownerID = regexp.MustCompile(`^[1-9][0-9]{15}$`)
