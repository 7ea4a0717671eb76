package fake

// Fuzz targets for everything of package fake that parses untrusted bytes: whole requests through
// ServeHTTP, Parameter.n flattening, catalogue files, admin requests and state files. Seeds are
// the f.Add calls below and testdata/fuzz/<Target>/. Run one with
//
//	go test -run '^$' -fuzz '^FuzzServeHTTP$' -fuzztime 30s ./fake
//
// or every target with make fuzz (FUZZTIME=30s each).

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/spec"
)

// fuzzFaultRule answers ServiceUnavailable (503) to requests with the header X-Fuzz-Fault: 503, so
// the handler target also meets a 5xx that a rule asked for.
var fuzzFaultRule = faults.Rule{ID: "fuzz-503", Match: faults.Match{Headers: map[string]*faults.StringMatch{"X-Fuzz-Fault": {Exact: "503"}}}, Outcome: &faults.Outcome{Error: spec.CodeServiceUnavailable}}

const fuzzAdminToken = "fuzz-admin-token-4f1c"

// fuzzRequest builds a request from fuzzed parts; ok is false for parts net/http would never hand a
// handler (an invalid method or request target).
func fuzzRequest(method, target, headers string, body []byte) (*http.Request, bool) {
	if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || !strings.HasPrefix(target, "/") {
		return nil, false
	}
	r, err := http.NewRequest(method, "http://business.aliyuncs.com"+target, bytes.NewReader(body))
	if err != nil || r.URL.Host != "business.aliyuncs.com" {
		return nil, false
	}
	r.RequestURI = target
	for _, line := range strings.Split(headers, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && k != "" {
			r.Header.Add(k, strings.TrimSpace(v))
		}
	}
	return r, true
}

// checkStoreLocked verifies the order store's indexes agree with its orders.
func (s *Server) checkStoreLocked() error {
	var err error
	if verr := s.backend.View(context.Background(), func(st *store.Orders, _ time.Duration) { err = st.Check() }); verr != nil {
		return verr
	}
	return err
}

// answerShape is the body of any CreateInstance answer, success or error, JSON or XML.
type answerShape struct {
	RequestID string `json:"RequestId" xml:"RequestId"`
	HostID    string `json:"HostId" xml:"HostId"`
	Code      string `json:"Code" xml:"Code"`
	Message   string `json:"Message" xml:"Message"`
	Success   *bool  `json:"Success" xml:"Success"`
	Data      *struct {
		OrderID    string `json:"OrderId" xml:"OrderId"`
		InstanceID string `json:"InstanceId" xml:"InstanceId"`
	} `json:"Data" xml:"Data"`
}

// checkAPIAnswer verifies an answer of the API (CreateInstance or a read): the real shape, a catalogued code,
// no 5xx unless a rule asked for it, never InternalError.
func checkAPIAnswer(rec *httptest.ResponseRecorder, entry *journal.Entry) error {
	var a answerShape
	ct := rec.Header().Get("Content-Type")
	switch ct {
	case spec.FormatJSON.ContentType():
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
	case spec.FormatXML.ContentType():
		if err := xml.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			return fmt.Errorf("invalid XML: %v", err)
		}
	default:
		return fmt.Errorf("Content-Type %q", ct)
	}
	if a.RequestID == "" || a.RequestID != rec.Header().Get("X-Acs-Request-Id") {
		return fmt.Errorf("RequestId %q, header %q", a.RequestID, rec.Header().Get("X-Acs-Request-Id"))
	}
	if rec.Code >= 500 && entry.Rule == "" {
		return fmt.Errorf("HTTP %d without a fault rule", rec.Code)
	}
	if a.Code == string(spec.CodeInternalError) && entry.Rule == "" {
		return fmt.Errorf("InternalError without a fault rule: a recovered panic? %s", a.Message)
	}
	if rec.Code == http.StatusOK && entry.Action != spec.ActionCreateInstance {
		if a.Success == nil || !*a.Success || a.Data == nil { // a read: its Data is checked by the spec check
			return fmt.Errorf("HTTP 200 of %s without Success and Data", entry.Action)
		}
		return nil
	}
	if rec.Code == http.StatusOK {
		if a.Success == nil || !*a.Success || a.Data == nil || a.Data.OrderID == "" || a.Data.InstanceID == "" {
			return fmt.Errorf("HTTP 200 without an order")
		}
		return nil
	}
	if _, ok := spec.Lookup(spec.Code(a.Code)); !ok || a.HostID == "" || a.Message == "" {
		return fmt.Errorf("error body without a catalogued Code, HostId and Message")
	}
	if strings.Contains(a.Message, "goroutine ") || strings.Contains(a.Message, ".go:") {
		return fmt.Errorf("a stack trace in the message")
	}
	return nil
}

func FuzzServeHTTP(f *testing.F) {
	v := url.Values{
		"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"}, "ProductCode": {"rtc"},
		"SubscriptionType": {"PayAsYouGo"}, "Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"}, "ClientToken": {"c1"},
	}
	f.Add("POST", "/?"+v.Encode(), "", []byte(nil))
	f.Add("GET", "/?"+v.Encode()+"&Format=XML", "Accept: application/json", []byte(nil))
	f.Add("POST", "/?Format=JSON", "Content-Type: application/x-www-form-urlencoded", []byte(v.Encode()))
	f.Add("POST", "/", "x-acs-action: CreateInstance\nx-acs-version: 2017-12-14\nAuthorization: ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=00\nAccept: application/json", []byte("ProductCode=sas"))
	f.Add("PUT", "/?"+v.Encode(), "X-Fuzz-Fault: 503", []byte(nil))
	f.Add("POST", "/?"+v.Encode(), "X-Fuzz-Fault: 503", []byte(nil))
	f.Add("POST", "/?Parameter.101.Code=a&Parameter.0.Value=b&Parameter.01.Code=c&Parameter.x.Code=d", "", []byte(nil))
	f.Add("POST", "/?a=%zz&Format=xMl", "Content-Type: application/x-www-form-urlencoded; charset=\"", []byte("%%;&="))
	f.Add("DELETE", "/__admin/faults/x", "Origin: http://evil.example", []byte(nil))
	f.Add("POST", "/__admin/reset", "X-Bsskit-Admin-Token: "+fuzzAdminToken, []byte(nil))
	f.Add("GET", "/__admin/requests", "Authorization: Bearer "+fuzzAdminToken, []byte(nil))
	f.Add("POST", "/?Action=QueryAvailableInstances&Version=2017-12-14&Format=XML&PageSize=2&PageNum=2&ProductCode=rtc&InstanceIDs=a,b&CreateTimeStart=2026-02-30T00:00:00Z", "", []byte(nil))
	f.Add("GET", "/?Action=GetOrderDetail&Version=2017-12-14&OrderId=214567890120123&OwnerId=2000000000000001", "Accept: application/json", []byte(nil))
	f.Add("POST", "/__admin/clock/advance", "X-Bsskit-Admin-Token: "+fuzzAdminToken, []byte(`{"by":"1h"}`))
	var specErr error
	s, err := New(WithSeed(1), WithRules(fuzzFaultRule), WithJournalLimit(64), WithSpecCheck(func(err error) { specErr = err }),
		WithLimits(Limits{MaxBodyBytes: 4 << 10, MaxQueryBytes: 2 << 10, MaxParams: 64}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte) {
		r, ok := fuzzRequest(method, target, headers, body)
		if !ok {
			t.Skip()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		r = r.WithContext(ctx)
		specErr = nil
		rec := httptest.NewRecorder()
		s.serveHTTP(rec, r) // a panic fails the target: the recover middleware must not be needed
		s.mu.Lock()
		serr := s.checkStoreLocked()
		raw := s.journal.snapshot()
		s.mu.Unlock()
		if serr != nil {
			t.Fatalf("store: %v", serr)
		}
		if strings.HasPrefix(r.URL.Path, adminPrefix) {
			if rec.Code >= 500 {
				t.Fatalf("admin HTTP %d: %s", rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) && rec.Header().Get("Content-Type") == "application/json" {
				t.Fatalf("admin answer is not JSON: %q", rec.Body)
			}
			s.Faults().Clear() // the admin API may have added rules (hang, latency): start over
			if _, err := s.Faults().Add(fuzzFaultRule); err != nil {
				t.Fatal(err)
			}
			return
		}
		if len(raw) == 0 {
			t.Fatalf("the request is not in the journal")
		}
		last := raw[len(raw)-1].export()
		if err := checkAPIAnswer(rec, &last); err != nil {
			t.Fatalf("HTTP %d %v\n%s", rec.Code, err, rec.Body)
		}
		if specErr != nil {
			t.Fatalf("the answer does not conform to the spec: %v", specErr)
		}
		if len(s.Orders()) > 1000 {
			s.Reset()
		}
	})
}

// FuzzParseCatalog: ParseCatalog never panics (yaml.v3 panics are errors); an accepted catalogue
// is valid and survives a round trip.
func FuzzParseCatalog(f *testing.F) {
	def, _ := yaml.Marshal(DefaultCatalog())
	f.Add(def)
	f.Add([]byte(`{"products":[{"code":"rtc","modules":[{"code":"a","values":["x"]}]}]}`))
	f.Add([]byte("products:\n  - code: a\n    periodMultiple: -1\n"))
	f.Add([]byte("products: &a [*a]\n"))
	f.Add([]byte("products:\n  - code: x\n    unknown: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data)
		if err != nil {
			if c != nil {
				t.Fatalf("a catalogue and an error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid catalogue: %v", err)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		c2, err := ParseCatalog(out)
		if err != nil {
			t.Fatalf("round trip: %v\n%s", err, out)
		}
		out2, err := yaml.Marshal(c2)
		if err != nil || !bytes.Equal(out, out2) { // empty and absent lists are the same catalogue
			t.Fatalf("round trip changed the catalogue:\n%s\n%s", out, out2)
		}
	})
}

// FuzzAdmin fuzzes admin requests on a server with an admin token: every answer is JSON (or the
// scenario's YAML), never a 5xx, never the token; without the token nothing but 401.
func FuzzAdmin(f *testing.F) {
	tok := "Authorization: Bearer " + fuzzAdminToken
	f.Add("GET", "/__admin/health", tok, "")
	f.Add("POST", "/__admin/reset", tok+"\nContent-Type: application/json", "")
	f.Add("POST", "/__admin/faults", tok+"\nContent-Type: application/yaml", "outcome: {error: Throttling.User}")
	f.Add("POST", "/__admin/faults", tok+"\nOrigin: null", "{}")
	f.Add("DELETE", "/__admin/faults/rule-1", "X-Bsskit-Admin-Token: "+fuzzAdminToken+"\nSec-Fetch-Site: cross-site", "")
	f.Add("GET", "/__admin/faults/scenario", "X-Bsskit-Admin-Token: "+fuzzAdminToken, "")
	f.Add("POST", "/__admin/reset", "Authorization: Bearer wrong", "")
	f.Add("PATCH", "/__admin/orders", tok+"\nContent-Type: text/plain", "x")
	s, err := New(WithSeed(1), WithAdminToken(fuzzAdminToken))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, headers, body string) {
		if !strings.HasPrefix(path, adminPrefix) {
			path = adminPrefix + path
		}
		r, ok := fuzzRequest(method, path, headers, []byte(body))
		if !ok {
			t.Skip()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		r = r.WithContext(ctx)
		authorised := s.adminTokenOK(r)
		rec := httptest.NewRecorder()
		s.serveHTTP(rec, r)
		defer s.Faults().Clear()
		if rec.Code >= 500 {
			t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
		}
		if !authorised && rec.Code != http.StatusUnauthorized {
			t.Fatalf("HTTP %d without the token", rec.Code)
		}
		if strings.Contains(rec.Body.String(), fuzzAdminToken) {
			t.Fatalf("the answer contains the admin token")
		}
		ct := rec.Header().Get("Content-Type")
		switch {
		case ct == "application/json":
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("invalid JSON: %q", rec.Body)
			}
		case ct == "application/yaml" && rec.Code == 200:
		default:
			t.Fatalf("Content-Type %q", ct)
		}
		s.mu.Lock()
		serr := s.checkStoreLocked()
		s.mu.Unlock()
		if serr != nil {
			t.Fatalf("store: %v", serr)
		}
	})
}
