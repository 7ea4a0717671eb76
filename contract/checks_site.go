package contract

import (
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/bsskit/bsskit/spec"
)

// The checks of how real callers judge an answer (issue 13): they run on every exchange, beside
// the ones of checks.go.
const (
	// CheckErrorHostID: every error body (any status) has a non-empty HostId that is the host the
	// request was sent to or a site host the spec documents (x-bss-sites, servers), and a non-empty
	// Recommend.
	CheckErrorHostID CheckName = "error-host-id"
	// CheckBodyError: an HTTP 200 answer whose Code is not a success code (the body channel of
	// commodity, payment and order errors) has Success false, a boolean, and a non-empty Message:
	// the Terraform provider takes a 200 body without a Message for a success.
	CheckBodyError CheckName = "body-error"
	// CheckSuccessShape: an HTTP 200 answer that claims success (Code "Success" or Success true)
	// has Code "Success", Success true (a boolean), a RequestId and a Data object with a non-empty
	// InstanceId and a string OrderId: callers type-assert Data and read Data.InstanceId.
	CheckSuccessShape CheckName = "success-shape"
)

// siteChecks documents the checks of this file for [Checks].
func siteChecks() []CheckInfo {
	return []CheckInfo{
		{CheckErrorHostID, "error bodies carry HostId (the host called, or a site host of the spec's servers) and a non-empty Recommend"},
		{CheckBodyError, "an HTTP 200 error body has Success false (a boolean) and a non-empty Message"},
		{CheckSuccessShape, "a success body has Code \"Success\", Success true, RequestId and Data with a non-empty InstanceId and a string OrderId"},
		{CheckSite, "on a loopback fake the wrong site answers NotApplicable with its HostId and the right one places the order with the same ClientToken, once"},
	}
}

// siteHosts returns the host names of the spec's servers (the documented sites), lower case.
var siteHosts = sync.OnceValue(func() []string {
	hosts := []string{strings.ToLower(spec.Host)}
	for _, s := range spec.Sites() {
		hosts = append(hosts, strings.ToLower(s.Host))
	}
	if doc := spec.Doc(); doc != nil {
		for _, s := range doc.Servers {
			if s == nil {
				continue
			}
			if u, err := url.Parse(s.URL); err == nil && u.Hostname() != "" {
				hosts = append(hosts, strings.ToLower(u.Hostname()))
			}
		}
	}
	return hosts
})

// calledHost returns the host name p was sent to: its Host header when set, else its URL's.
func calledHost(p *prepared) string {
	if h := p.header.Get("Host"); h != "" {
		if u, err := url.Parse("http://" + h); err == nil {
			return strings.ToLower(u.Hostname())
		}
	}
	if u, err := url.Parse(p.url); err == nil {
		return strings.ToLower(u.Hostname())
	}
	return ""
}

// isSuccessCode reports whether code is one the Terraform provider's formatError takes for
// success: success, ok, 200 or 0, in any case.
func isSuccessCode(code string) bool {
	switch strings.ToLower(code) {
	case "success", "ok", "200", "0":
		return true
	}
	return false
}

// callerChecks runs the checks of this file on one decoded answer.
func callerChecks(status int, p *prepared, a *answer) []finding {
	if a == nil || a.err != nil || a.fields == nil {
		return nil
	}
	var out []finding
	add := func(c CheckName, msg string) { out = append(out, finding{c, msg}) }
	code := a.code()
	isError := status != http.StatusOK || !(isSuccessCode(code) || a.success())

	if isError {
		host, _ := a.str("HostId")
		switch {
		case host == "":
			add(CheckErrorHostID, "the error body has no HostId")
		default:
			called := calledHost(p)
			ok := strings.EqualFold(host, called)
			for _, h := range siteHosts() {
				ok = ok || strings.EqualFold(host, h)
			}
			if !ok {
				add(CheckErrorHostID, "HostId "+quote(host)+" is neither the host called ("+quote(called)+") nor a site host of the spec ("+strings.Join(siteHosts(), ", ")+")")
			}
		}
		if rec, _ := a.str("Recommend"); strings.TrimSpace(rec) == "" {
			add(CheckErrorHostID, "the error body has no Recommend")
		}
	}

	if bodyError(status, a) {
		// Success true with an error code is judged as a success body (success-shape).
		_, isBool := a.fields["Success"].(bool)
		if a.format == spec.FormatXML {
			isBool = a.fields["Success"] == "false"
		}
		if !isBool {
			add(CheckBodyError, "HTTP 200 with Code "+quote(code)+" and Success "+typeName(a.fields["Success"])+": want Success false, a boolean")
		}
		if msg, _ := a.str("Message"); strings.TrimSpace(msg) == "" {
			add(CheckBodyError, "HTTP 200 with Code "+quote(code)+" and no Message: a caller that follows the Terraform provider's rule takes it for a success")
		}
	}

	if status == http.StatusOK && (isSuccessCode(code) || a.success()) {
		if code != "Success" {
			add(CheckSuccessShape, "success body with Code "+quote(code)+", want \"Success\"")
		}
		switch v := a.fields["Success"].(type) {
		case bool:
			if !v {
				add(CheckSuccessShape, "success body with Success false")
			}
		case string:
			if a.format != spec.FormatXML || v != "true" {
				add(CheckSuccessShape, "success body with Success "+quote(v)+", want true")
			}
		default:
			add(CheckSuccessShape, "success body with Success "+typeName(v)+", want true")
		}
		if id, _ := a.str("RequestId"); id == "" {
			add(CheckSuccessShape, "success body without RequestId")
		}
		if p.action != "" && p.action != spec.ActionCreateInstance {
			// Data.InstanceId and Data.OrderId are CreateInstance's; the read operations' Data is
			// judged by the schema, typed-decode and the read checks (cases_read.go).
			return out
		}
		d, isObj := a.fields["Data"].(map[string]any)
		if !isObj {
			add(CheckSuccessShape, "success body with Data "+typeName(a.fields["Data"])+", want an object (callers type-assert it)")
			return out
		}
		if iid, _ := d["InstanceId"].(string); iid == "" {
			add(CheckSuccessShape, "Data.InstanceId is "+typeName(d["InstanceId"])+", want a non-empty string")
		}
		if _, isStr := d["OrderId"].(string); !isStr {
			add(CheckSuccessShape, "Data.OrderId is "+typeName(d["OrderId"])+", want a string")
		}
	}
	return out
}

func quote(s string) string { return "\"" + s + "\"" }

// bodyError reports whether a is an error on the body channel: HTTP 200 with a Code that is not a
// success code and Success not true.
func bodyError(status int, a *answer) bool {
	return status == http.StatusOK && a != nil && !isSuccessCode(a.code()) && !a.success()
}
