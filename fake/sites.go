package fake

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/bsskit/bsskit/spec"
)

// The two sites (spec.Sites): the domestic site business.aliyuncs.com and the international site
// business.ap-southeast-1.aliyuncs.com. The fake serves both from one state: [Server.Start] listens
// on two addresses, [Server.Endpoint] (domestic) and [Server.InternationalEndpoint], and a request
// whose Host header is one of the real site hosts (a proxy that forwards the real names) goes to
// that site whatever address it reached. The site of a request is a property of the request
// (exchange.site), so every operation can honour it: its HostId, and for CreateInstance the
// NotApplicable an account or a ProductType of the other site gets.

var (
	siteDomestic, _      = spec.SiteByName(spec.SiteDomestic)
	siteInternational, _ = spec.SiteByName(spec.SiteInternational)
)

// InternationalEndpoint returns "host:port" of the international site
// (business.ap-southeast-1.aliyuncs.com), or "" before [Server.Start] and for a server served with
// [Server.Serve] or mounted with [Server.Handler] (there, a Host header naming the international
// site still reaches it).
func (s *Server) InternationalEndpoint() string {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.intlListener == nil {
		return ""
	}
	return s.intlListener.Addr().String()
}

// siteOf returns the site a request came to and where it arrived (journal.Entry.Endpoint): the
// site whose real host the Host header names (and that host), else the site of the listener that
// accepted the connection (and its address), else domestic (and "").
func (s *Server) siteOf(r *http.Request) (spec.Site, string) {
	if site, ok := spec.SiteByHost(r.Host); ok {
		return site, r.Host
	}
	if a, ok := r.Context().Value(arrivalKey{}).(*arrival); ok {
		return a.site, a.endpoint
	}
	return siteDomestic, ""
}

// arrival is where a connection was accepted: the listener's site and the local address.
type arrival struct {
	site     spec.Site
	endpoint string
}

// arrivalKey marks the context of a connection accepted on one of the fake's listeners.
type arrivalKey struct{}

// connContext is the http.Server's ConnContext: it tells, once per connection, which listener
// (site and address) the connection came to.
func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	addr := c.LocalAddr()
	if addr == nil {
		return ctx
	}
	return context.WithValue(ctx, arrivalKey{}, &arrival{site: s.siteOfLocalAddr(addr), endpoint: addr.String()})
}

// siteOfLocalAddr returns the site of the listener a connection was accepted on.
func (s *Server) siteOfLocalAddr(addr net.Addr) spec.Site {
	if intl := s.intlAddr.Load(); intl != nil && addr != nil && addr.String() == *intl {
		return siteInternational
	}
	return siteDomestic
}

// listenInternational opens the international listener of [Server.Start].
func (s *Server) listenInternational() (net.Listener, error) {
	addr := s.cfg.intlAddr
	if err := s.checkBind(addr); err != nil { // admin_auth.go
		return nil, err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake: listen on %s (international site): %w", addr, err)
	}
	if s.connLim != nil {
		l = &limitListener{Listener: l, s: s, cl: s.connLim} // limits.go
	}
	return l, nil
}

// accountSite returns the site of an account: its Site, or domestic when unset.
func accountSite(a *Account) spec.Site {
	if a.Site == spec.SiteInternational {
		return siteInternational
	}
	return siteDomestic
}

// siteCheck decides whether CreateInstance may run on the site called: an account of the other
// site, or a ProductType of the other site, answers NotApplicable, as the real service does (and
// callers then switch site and ProductType and retry with the same ClientToken). It returns the
// reason for a developer, or "".
func siteCheck(site spec.Site, acct *Account, productType string) string {
	if as := accountSite(acct); as.Name != site.Name {
		return fmt.Sprintf("account %s belongs to the %s site (%s); this call reached the %s site (%s)",
			acct.ID, as.Name, as.Host, site.Name, site.Host)
	}
	if ps, ok := spec.SiteByProductType(productType); ok && ps.Name != site.Name {
		return fmt.Sprintf("ProductType %s belongs to the %s site (%s); this call reached the %s site (%s)",
			productType, ps.Name, ps.Host, site.Name, site.Host)
	}
	return ""
}

// readSiteCheck decides whether a read call (QueryAvailableInstances, GetOrderDetail) of acct may
// run on the site called. An international account on the domestic site answers NotApplicable
// (callers probe QueryAvailableInstances this way to learn their site); a domestic account on the
// international site answers Account.NotExists, "account not exists", as the Terraform provider
// records. It returns the code and the reason for a developer, or "".
func readSiteCheck(site spec.Site, acct *Account) (spec.Code, string) {
	as := accountSite(acct)
	if as.Name == site.Name {
		return "", ""
	}
	reason := fmt.Sprintf("account %s belongs to the %s site (%s); this call reached the %s site (%s)",
		acct.ID, as.Name, as.Host, site.Name, site.Host)
	if site.Name == spec.SiteInternational {
		return spec.CodeAccountNotExists, reason
	}
	return spec.CodeNotApplicable, reason
}

// checkAccountSite checks an account's Site.
func checkAccountSite(site string) error {
	switch site {
	case "", spec.SiteDomestic, spec.SiteInternational:
		return nil
	}
	return fmt.Errorf("site %q is neither %s nor %s", site, spec.SiteDomestic, spec.SiteInternational)
}

// addSiteHealth adds the international site's endpoint to /__admin/health, so that a client of a
// standalone fake can find it from the domestic one.
func addSiteHealth(body map[string]any, s *Server) {
	if ep := s.InternationalEndpoint(); ep != "" {
		body["internationalEndpoint"] = ep
	}
}
