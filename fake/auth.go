package fake

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// authState is the server's signature verification: the verifier, its nonce store and the token
// indexes built from the accounts.
type authState struct {
	once     sync.Once
	verifier *signing.Verifier

	// Guarded by Server.mu; rebuilt by indexLocked whenever the accounts change.
	bearer map[string]int       // bearer token -> account index
	sts    map[string]time.Time // STS token -> expiry (zero: never)
}

// nonceWindow is how long a signature nonce is remembered: a request replayed within it is
// answered SignatureNonceUsed. A request is accepted up to 15 minutes either side of the fake's
// clock, so remembering nonces for twice that means a replay can never outlive its nonce.
const nonceWindow = 2 * signing.DefaultSkew

// maxNonces bounds the nonce store: at ~100 bytes a nonce, about 10 MB at most.
const maxNonces = 100_000

func (a *authState) indexLocked(accounts []Account) error {
	a.bearer, a.sts = map[string]int{}, map[string]time.Time{}
	for i, acct := range accounts {
		for _, tok := range acct.BearerTokens {
			if tok == "" {
				return fmt.Errorf("fake: account %s has an empty bearer token", acct.ID)
			}
			if _, dup := a.bearer[tok]; dup {
				return fmt.Errorf("fake: a bearer token belongs to two accounts")
			}
			a.bearer[tok] = i
		}
		for _, st := range acct.SecurityTokens {
			if st.Token == "" {
				return fmt.Errorf("fake: account %s has an empty security token", acct.ID)
			}
			a.sts[st.Token] = st.Expires
		}
	}
	return nil
}

// verifierFor builds the server's verifier once; its functions read the accounts under s.mu.
func (s *Server) verifierFor() *signing.Verifier {
	s.auth.once.Do(func() {
		s.auth.verifier = &signing.Verifier{
			Lookup: func(id string) (string, bool) {
				s.mu.Lock()
				defer s.mu.Unlock()
				i, ok := s.byKey[id]
				if !ok {
					return "", false
				}
				for _, k := range s.accounts[i].AccessKeys {
					if k.ID == id {
						return k.Secret, true
					}
				}
				return "", false
			},
			CheckSecurityToken: func(token string, now time.Time) error {
				s.mu.Lock()
				defer s.mu.Unlock()
				if len(s.auth.sts) == 0 {
					return nil // no STS tokens configured: any token goes with a valid signature
				}
				exp, ok := s.auth.sts[token]
				switch {
				case !ok:
					return errors.New("unknown security token")
				case !exp.IsZero() && !now.Before(exp):
					return signing.ErrSecurityTokenExpired
				}
				return nil
			},
			CheckBearerToken: func(token string) (string, bool) {
				s.mu.Lock()
				defer s.mu.Unlock()
				i, ok := s.auth.bearer[token]
				if !ok {
					return "", false
				}
				return s.accounts[i].ID, true
			},
			// The configured clock without the admin advance: callers sign with their own clock,
			// which POST /__admin/clock/advance does not move (a ManualClock's time is used as is).
			Now:    s.cfg.clock.Now,
			Nonces: s.keep.nonces(), // keeper.go: nil when the shared store remembers them
		}
	})
	return s.auth.verifier
}

// authenticate runs the gateway's checks when signature verification is on (some access key has a
// secret, or some account a bearer token); false means an error was answered. With verification off
// every request is accepted and the caller is the access key it claims.
func (s *Server) authenticate(ex *exchange) bool {
	s.mu.Lock()
	verify := s.verify
	s.mu.Unlock()
	if !verify {
		return true
	}
	req := ex.req
	id, err := s.verifierFor().Verify(signing.Request{
		Method: req.Method,
		Host:   req.Host,
		Path:   ex.r.URL.EscapedPath(),
		Query:  req.Query,
		Form:   req.Form,
		Header: req.Header,
		Body:   req.Body,
	})
	if err == nil {
		s.keep.noteNonce(ex, id) // keeper.go
		ex.accessKeyID = id.AccessKeyID
		ex.entry.AccessKeyID = id.AccessKeyID
		if id.Scheme == signing.SchemeBearer {
			ex.bearerAccount = id.Principal
		}
		return true
	}
	var serr *signing.Error
	if !errors.As(err, &serr) {
		ex.fail(spec.CodeInternalError, "")
		return false
	}
	code := spec.Code(serr.Code())
	def, ok := spec.Lookup(code)
	if !ok {
		ex.fail(spec.CodeInternalError, "")
		return false
	}
	sts := serr.StringToSign
	if sts == "" && strings.Contains(def.Message, "{stringToSign}") {
		// The gateway quotes the V1 StringToSign of what it received when the signature could not
		// even be checked (IncompleteSignature).
		sts = signing.V1StringToSign(req.Method, req.Params)
	}
	ex.failWith(def, def.HTTPStatus, def.Render("param", serr.Param, "stringToSign", sts))
	return false
}
