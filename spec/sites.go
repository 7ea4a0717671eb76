package spec

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Site is one of the two BSS sites of the x-bss-sites extension: an account belongs to one, and
// CreateInstance called on the other site's endpoint answers [CodeNotApplicable].
type Site struct {
	// Name is "domestic" or "international".
	Name string `json:"name"`
	// Host is the site's endpoint host, and the HostId of every body it answers.
	Host string `json:"host"`
	// ProductTypeSuffix ends the ProductType of the site's products ("_cn", "_intl").
	ProductTypeSuffix string `json:"productTypeSuffix"`
}

// The site names of the x-bss-sites extension.
const (
	// SiteDomestic is the China site, business.aliyuncs.com.
	SiteDomestic = "domestic"
	// SiteInternational is the international site, business.ap-southeast-1.aliyuncs.com.
	SiteInternational = "international"
)

// Sites returns the sites of the document, domestic first. The slice is a copy.
func Sites() []Site { return append([]Site(nil), getSites()...) }

// SiteByHost returns the site whose host is host (a port, if any, is ignored; case-insensitive).
func SiteByHost(host string) (Site, bool) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	for _, s := range getSites() {
		if strings.EqualFold(s.Host, host) {
			return s, true
		}
	}
	return Site{}, false
}

// SiteByName returns the site called name.
func SiteByName(name string) (Site, bool) {
	for _, s := range getSites() {
		if s.Name == name {
			return s, true
		}
	}
	return Site{}, false
}

func parseSites(doc *openapi3.T) ([]Site, error) {
	raw, ok := doc.Extensions["x-bss-sites"]
	return parseSitesValue(raw, ok)
}

// parseSitesValue parses the decoded x-bss-sites extension (ok: the document has one).
func parseSitesValue(raw any, ok bool) ([]Site, error) {
	if !ok {
		return nil, fmt.Errorf("spec: the document has no x-bss-sites")
	}
	var sites []Site
	if err := remarshal(raw, &sites); err != nil {
		return nil, fmt.Errorf("spec: x-bss-sites: %w", err)
	}
	if len(sites) != 2 || sites[0].Name != SiteDomestic || sites[1].Name != SiteInternational {
		return nil, fmt.Errorf("spec: x-bss-sites: want the sites %s and %s, in that order", SiteDomestic, SiteInternational)
	}
	for _, s := range sites {
		if s.Host == "" || s.ProductTypeSuffix == "" {
			return nil, fmt.Errorf("spec: x-bss-sites %s: host and productTypeSuffix are required", s.Name)
		}
	}
	return sites, nil
}

// SiteByProductType returns the site a ProductType belongs to by its suffix ("_cn" domestic,
// "_intl" international), or false for a type of no particular site.
func SiteByProductType(productType string) (Site, bool) {
	for _, s := range getSites() {
		if strings.HasSuffix(productType, s.ProductTypeSuffix) {
			return s, true
		}
	}
	return Site{}, false
}
