// Package journal holds [Entry], one request in the fake's journal: what fake.Server.Journal
// returns, GET /__admin/requests serves and package verdict judges.
//
// It is a package of its own, below both, so that the verdicts are pure functions of entries that
// import nothing of the server (package fake imports verdict, to serve GET /__admin/verdicts, and
// verdict imports only this).
package journal

import (
	"net/http"
	"time"
)

// Entry is one request the fake answered and what it answered, with every secret redacted
// (signatures, security and bearer tokens). fake.Server.Journal returns copies.
type Entry struct {
	// Seq numbers requests from 1 in arrival order; it keeps counting when old entries are dropped.
	Seq uint64 `json:"seq"`
	// Time is the fake clock's time when the request arrived.
	Time time.Time `json:"time"`
	// Method, Path and Query are the request line; Query is redacted.
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Header is the request's header, redacted.
	Header http.Header `json:"header,omitempty"`
	// Body is the request body, redacted when it is a form.
	Body string `json:"body,omitempty"`
	// Action, Version and Format as the fake understood them.
	Action  string `json:"action,omitempty"`
	Version string `json:"version,omitempty"`
	Format  string `json:"format"`
	// Site is the site the request reached, by its spec.Site name ("domestic" or
	// "international"): the site whose real host its Host header names, else the site of the
	// listener it arrived on. The verdicts tell a move to the other site from a repeat by it.
	Site string `json:"site,omitempty"`
	// Endpoint is where the request arrived: its Host header when that names a real site's host
	// (Host routing, as through a proxy that forwards the real names), else the address of the
	// listener that accepted its connection ("127.0.0.1:43121", fake.Server.Endpoint or
	// fake.Server.InternationalEndpoint); "" when neither is known (a handler called directly).
	Endpoint string `json:"endpoint,omitempty"`
	// AccessKeyID is the caller's access key ID, if any.
	AccessKeyID string `json:"accessKeyId,omitempty"`
	// ProductCode and ClientToken are the request's parameters of those names, as sent ("" when
	// absent): a retry shows as two entries with the same ClientToken.
	ProductCode string `json:"productCode,omitempty"`
	ClientToken string `json:"clientToken,omitempty"`
	// Status is the HTTP status answered (0 when a transport fault sent none).
	Status int `json:"status"`
	// Code is "Success" or the error code answered.
	Code string `json:"code,omitempty"`
	// Reason says, for a developer, why the fake answered a business error it decided itself
	// (catalogue, accounts), such as "module ServiceType of rtc is required: ...". It is never
	// part of the answer, whose message stays the real service's.
	Reason string `json:"reason,omitempty"`
	// RequestID is the RequestId answered.
	RequestID string `json:"requestId,omitempty"`
	// ResponseHeader and ResponseBody are what was sent (before any transport fault mangled it).
	ResponseHeader http.Header `json:"responseHeader,omitempty"`
	ResponseBody   string      `json:"responseBody,omitempty"`
	// OrderID is the order the call created or replayed.
	OrderID string `json:"orderId,omitempty"`
	// Places is the kind of order the Action places ("purchase" for CreateInstance, "" for an
	// Action that places none) and Reads the state it reads back ("instances", "orders", or ""):
	// what the fake's operation table says of the Action, so that a judge of the journal never
	// names one.
	Places string `json:"places,omitempty"`
	Reads  string `json:"reads,omitempty"`
	// Replayed is true when a known ClientToken returned an earlier call's result.
	Replayed bool `json:"replayed,omitempty"`
	// Rule is the ID of the fault rule that shaped the answer, if any.
	Rule string `json:"rule,omitempty"`
	// Fault names the transport fault applied, if any.
	Fault string `json:"fault,omitempty"`
	// Aborted is true when a fault broke the answer off: the connection closed (or reset), or over
	// HTTP/2 the stream reset. Status is then what the client saw of it, 0 if no status line.
	Aborted bool `json:"aborted,omitempty"`
	// Note says what a transport fault did when the fields above do not: how a hang ended, for one.
	Note string `json:"note,omitempty"`
	// Held is how long a hung request (faults.FaultHang) was held open before it ended; the
	// verdict no-timeout (package verdict) compares it with the hang bound.
	Held time.Duration `json:"held,omitempty"`
}
