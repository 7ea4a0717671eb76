package contract

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/bsskit/bsskit/spec"
)

// ErrCredentials wraps the error of [Check] when the endpoint rejected the run's credentials: before
// any case, the suite sends one signed read (QueryAvailableInstances), and an answer such as
// SignatureDoesNotMatch or InvalidAccessKeyId.NotFound stops the run with one line that names the
// code and what to check, instead of a report in which every case fails for the same reason. A run
// of chosen cases ([WithRun]) sends only their requests, without this read.
var ErrCredentials = errors.New("contract: credentials rejected")

// ErrUnreachable wraps the error of [Check] when the endpoint does not answer the signed read that
// starts a run (see [ErrCredentials]) over HTTP: a closed port, a host that does not resolve, a
// socket that speaks another protocol, a timeout. The run stops before any case, with one line.
var ErrUnreachable = errors.New("contract: endpoint unreachable")

// preflight sends one signed read with the run's credentials and stops the run when the endpoint
// cannot be reached ([ErrUnreachable]) or rejects the credentials ([ErrCredentials]; [ErrUsage]
// when there were none and the suite signed with its placeholder key). Any other answer, right or
// wrong, is left to the cases to judge.
func (r *runner) preflight(noCredentials bool) error {
	rq := newRead(spec.ActionQueryAvailableInstances, nil, "JSON")
	p, err := prepare(&r.target, r.base, rq, r.opts.now())
	if err != nil {
		return err
	}
	hr, err := p.httpRequest(r.ctx)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreachable, r.report.Endpoint, err)
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		if cerr := r.ctx.Err(); cerr != nil {
			return fmt.Errorf("contract: %w", cerr)
		}
		return fmt.Errorf("%w: %s does not answer: %s; check the endpoint URL (scheme, host, port) and that its server runs and speaks HTTP",
			ErrUnreachable, r.report.Endpoint, transportError(err, r.target.Credentials))
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	code := decodeAnswer(body).code()
	what, ok := credentialProblem(spec.Code(code), r.target)
	if !ok {
		return nil
	}
	if noCredentials {
		return fmt.Errorf("%w: %s verifies signatures (it answered %s to a request signed with a placeholder key) but no credentials were given: set %s and %s",
			ErrUsage, r.report.Endpoint, code, EnvAccessKeyID, EnvAccessKeySecret)
	}
	return fmt.Errorf("%w: %s answered a signed %s with %s (HTTP %d): %s",
		ErrCredentials, r.report.Endpoint, spec.ActionQueryAvailableInstances, code, resp.StatusCode, what)
}

// credentialProblem says what to check when code rejects the credentials of a correctly signed
// request; ok is false for any other code.
func credentialProblem(code spec.Code, t Target) (what string, ok bool) {
	id := t.Credentials.AccessKeyID
	switch {
	case code == spec.CodeSignatureDoesNotMatch:
		return fmt.Sprintf("the secret does not match AccessKey ID %s: check %s (rotated or mistyped?)", id, EnvAccessKeySecret), true
	case strings.HasPrefix(string(code), "InvalidAccessKeyId"):
		return fmt.Sprintf("the endpoint does not accept AccessKey ID %s: check %s (deleted, disabled, or a key of another account?)", id, EnvAccessKeyID), true
	case strings.HasPrefix(string(code), "InvalidSecurityToken"):
		return fmt.Sprintf("check %s (an STS token expires: get a new one)", EnvSecurityToken), true
	case code == spec.CodeInvalidTimeStampExpired:
		return "this machine's clock is more than 15 minutes from the endpoint's: set the clock (NTP)", true
	case code == spec.CodeIncompleteSignature, code == spec.CodeIllegalTimestamp, code == spec.CodeMissingAccessKeyId:
		return fmt.Sprintf("the endpoint could not read the suite's %s signature: check that it accepts that signature version (--signature v1|v3)", orV1(t.Signature)), true
	}
	return "", false
}

func orV1(s SignatureVersion) SignatureVersion {
	if s == "" {
		return V1
	}
	return s
}

// transportError is err, a client's transport error, without the signed URL it names (the
// signature, its nonce and every other parameter): "Post http://host:port/: EOF".
func transportError(err error, c Credentials) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		where := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.Fragment, u.User = "", "", nil
			where = u.String()
		} else if i := strings.IndexByte(where, '?'); i >= 0 {
			where = where[:i]
		}
		return redactText(fmt.Sprintf("%s %s: %v", ue.Op, where, ue.Err), c)
	}
	return redactText(err.Error(), c)
}
