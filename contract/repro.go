package contract

import (
	"fmt"
	"regexp"
	"strings"
)

// reproduction returns the command line that runs the named case again against the same endpoint
// with the same seed and the settings the case depends on: `bsskit contract --endpoint URL --seed
// N --run '^case$'`, then the signature version, the order budget, the products, the verification
// setting and the number of generated cases when they are not the defaults. Secrets are never in
// it: the admin token is referred to by its environment variable.
func (r *runner) reproduction(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "bsskit contract --endpoint %s --seed %d --run %s", shellWord(r.report.Endpoint), r.opts.Seed, shellWord("^"+regexp.QuoteMeta(name)+"$"))
	if r.target.Signature == V3 {
		b.WriteString(" --signature v3")
	}
	if strings.HasPrefix(name, "generated/") && r.opts.Generated != defaultGenerated {
		fmt.Fprintf(&b, " --generated %d", r.opts.Generated)
	}
	if n, ok := r.opts.Orders.Limit(); ok {
		fmt.Fprintf(&b, " --max-orders %d", n)
	}
	for _, p := range r.opts.Products {
		s := p.Code
		if len(p.Params) > 0 {
			s += "?" + p.Params.Encode()
		}
		b.WriteString(" --product " + shellWord(s))
	}
	switch r.opts.Verification {
	case VerifyYes:
		b.WriteString(" --verify-signatures yes")
	case VerifyNo:
		b.WriteString(" --verify-signatures no")
	}
	if r.opts.AdminToken != "" {
		b.WriteString(` --admin-token "$BSSKIT_ADMIN_TOKEN"`)
	}
	return b.String()
}

// shellWord quotes s for a POSIX shell only when it has anything but letters, digits and -_./:@%+=,
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
