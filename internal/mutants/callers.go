package mutants

import (
	"bytes"
	"net/http"

	"github.com/bsskit/bsskit/contract"
)

// callerMutants are the deviations that break how real callers judge an answer (issue 13): the
// HostId and Recommend of error bodies, the body channel's Success and Message, the two sites, the
// success body's fields.
func callerMutants() []Mutant {
	return []Mutant{
		{
			Name: "error-host-id-foreign", Expect: contract.CheckErrorHostID,
			Deviation: "error bodies name another service's host (ecs.aliyuncs.com) as HostId",
			Wrap: rewriteBody(errorsOnly, chain(
				regexpReplace(`"HostId":"[^"]*"`, `"HostId":"ecs.aliyuncs.com"`),
				regexpReplace(`<HostId>[^<]*</HostId>`, `<HostId>ecs.aliyuncs.com</HostId>`))),
		},
		{
			Name: "error-recommend-empty", Expect: contract.CheckErrorHostID,
			Deviation: "error bodies carry an empty Recommend",
			Wrap: rewriteBody(errorsOnly, chain(
				regexpReplace(`"Recommend":"[^"]*"`, `"Recommend":""`),
				regexpReplace(`<Recommend>.*?</Recommend>`, `<Recommend></Recommend>`))),
		},
		{
			Name: "body-error-message-empty", Expect: contract.CheckBodyError,
			Deviation: "errors come back on the body channel (HTTP 200, Success false) with an empty Message: the Terraform provider takes them for success",
			Wrap:      bodyChannelWithoutMessage,
		},
		{
			Name: "success-code-missing", Expect: contract.CheckSuccessShape,
			Deviation: `success bodies lack "Code":"Success"`,
			Wrap: rewriteBody(successOnly, chain(
				regexpReplace(`"Code":"Success",?`, ``),
				regexpReplace(`<Code>Success</Code>`, ``))),
		},
		{
			Name: "site-ignored", Expect: contract.CheckSite,
			Deviation: "the Host header naming a site is ignored: every request is served by the domestic site",
			Wrap: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !isAdmin(r) {
						r.Host = ""
					}
					next.ServeHTTP(w, r)
				})
			},
		},
		{
			Name: "site-host-id-domestic", Expect: contract.CheckSite,
			Deviation: "every body's HostId is the domestic host, whichever site was called",
			Wrap: rewriteBody(func(*captured) bool { return true }, chain(
				regexpReplace(`"HostId":"[^"]*"`, `"HostId":"business.aliyuncs.com"`),
				regexpReplace(`<HostId>[^<]*</HostId>`, `<HostId>business.aliyuncs.com</HostId>`))),
		},
		{
			Name: "success-instance-id-empty", Expect: contract.CheckSuccessShape,
			Deviation: "success bodies carry an empty Data.InstanceId",
			Wrap: rewriteBody(successOnly, chain(
				regexpReplace(`"InstanceId":"[^"]*"`, `"InstanceId":""`),
				regexpReplace(`<InstanceId>[^<]*</InstanceId>`, `<InstanceId></InstanceId>`))),
		},
	}
}

// bodyChannelWithoutMessage answers every error with HTTP 200, Success false and an empty Message.
func bodyChannelWithoutMessage(next http.Handler) http.Handler {
	emptyJSON := regexpReplace(`"Message":"(?:[^"\\]|\\.)*"`, `"Message":"","Success":false`)
	emptyXML := regexpReplace(`<Message>[^<]*</Message>`, `<Message></Message><Success>false</Success>`)
	return around(next, func(_ *http.Request, c *captured) {
		if c.status == http.StatusOK {
			return
		}
		c.status = http.StatusOK
		if bytes.HasPrefix(bytes.TrimSpace(c.body), []byte("<")) {
			c.body = emptyXML(c.body)
		} else {
			c.body = emptyJSON(c.body)
		}
	})
}
