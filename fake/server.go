package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/internal/store"
	redisstore "github.com/bsskit/bsskit/fake/internal/store/redis"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// Server is a fake of business.aliyuncs.com serving CreateInstance, QueryAvailableInstances and
// GetOrderDetail. Create one with [NewServer] in a
// test, or with [New] to configure it, then serve it yourself ([Server.Start] in the background,
// [Server.Serve] blocking) or mount it in a server of your own ([Server.Handler]). All methods are
// safe for concurrent use.
type Server struct {
	cfg       config
	clock     Clock
	log       *slog.Logger
	validator *check.Spec     // the compiled request and response checks (internal/check)
	specV     *spec.Validator // kin-openapi: nil unless WithSpecCheck gave a report
	resp      bool            // check.Response on every answer: WithSpecCheck not given (respcheck.go)
	seed      uint64
	closing   chan struct{}     // closed by Close: hung requests give up
	auth      authState         // signature verification (auth.go)
	nRules    atomic.Int32      // the number of rules: the request path skips the rule stage at 0
	rules     *faults.Engine    // the fault rules and their counters, in memory (rules_state.go)
	limits    Limits            // effective limits (limits.go)
	connLim   *connLimiter      // nil when MaxConns is off
	backend   store.Backend     // the orders, ClientTokens and clock offset (backend.go)
	shared    *redisstore.Store // the backend when WithStore: also the rules (shared.go)
	keep      keeper            // the journal and request counter (keeper.go)
	admin     *http.ServeMux    // the admin API's routes (admin.go), built on the first admin request
	adminOnce sync.Once         // builds admin
	tb        testing.TB        // the test of a server made with NewServer, for the fault helpers; nil otherwise

	// testLog is t.Logf for a server made by NewServer (set before Start; create.go: explain).
	testLog func(format string, args ...any)

	mu       sync.Mutex // guards the fields below
	rng      *rand.Rand
	catalog  *Catalog
	accounts []Account
	byKey    map[string]int // AccessKey ID -> index in accounts
	verify   bool           // signature verification is on
	journal  journalRing
	faults   faultState // with a shared store: the replica's copy of its rules (rules_redis.go)

	journalEpoch uint64 // guarded by mu: counts resets, so a request numbered before one is not journalled after it
	rulesVer     int64  // guarded by mu: the version of the shared store's rules in faults (rules_redis.go)
	rulesLoaded  bool   // guarded by mu: faults holds the shared store's rules of version rulesVer

	lifeMu       sync.Mutex // guards httpSrv, listener, intlListener, closed, serveDone
	httpSrv      *http.Server
	listener     net.Listener
	intlListener net.Listener           // the international site's listener (sites.go); nil unless Start
	intlAddr     atomic.Pointer[string] // intlListener's address: read by every request, without lifeMu
	closed       bool
	serveDone    chan struct{} // closed when httpSrv.Serve has returned
	down         chan struct{} // closed when the first Shutdown has finished
	// conns maps each connection not yet closed to its *atomic.Int32 http.ConnState, for Close. A
	// sync.Map: the two state changes of every request read it without taking a lock.
	conns sync.Map
}

// New returns a configured server that is not listening: use [Server.Start] or [Server.Serve] to
// serve it, or [Server.Handler] to mount it. A bad fault rule is an error ([Faults.Add]).
func New(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		return nil, errors.New("fake: WithClock(nil)")
	}
	if cfg.catalog == nil {
		cfg.catalog = DefaultCatalog()
	}
	if err := cfg.catalog.Validate(); err != nil {
		return nil, fmt.Errorf("fake: catalogue: %w", err)
	}
	v, err := check.Shared()
	if err != nil {
		return nil, fmt.Errorf("fake: compile the spec's rules: %w", err)
	}
	// The operations with handlers of their own are compiled here, once per process, not by the
	// first request: a caller that buys then polls must not see its first poll pay for parsing.
	for _, op := range operations {
		if _, err := check.SharedFor(op.action); err != nil {
			return nil, fmt.Errorf("fake: compile the spec's rules: %w", err)
		}
	}
	if !cfg.seedSet && cfg.scenarioSeed != nil {
		cfg.seed, cfg.seedSet = *cfg.scenarioSeed, true
	}
	if !cfg.seedSet {
		cfg.seed = rand.Uint64()
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		cfg:       cfg,
		log:       logger,
		validator: v,
		resp:      !cfg.specCheckSet,
		seed:      cfg.seed,
		closing:   make(chan struct{}),
		down:      make(chan struct{}),
		rng:       rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9E3779B97F4A7C15)),
		catalog:   cfg.catalog,
		journal:   journalRing{limit: cfg.journalLimit},
	}
	s.rules = faults.NewEngine(faults.NewMemoryCounters(), lockedRand{s}) // rules_state.go
	s.limits = cfg.limits.resolved()
	s.connLim = newConnLimiter(s.limits.MaxConns)
	if err := s.setAccountsLocked(cfg.accounts); err != nil {
		return nil, err
	}
	if err := s.openShared(); err != nil { // shared.go
		return nil, err
	}
	if err := s.openBackend(); err != nil { // backend.go
		s.closeShared()
		return nil, err
	}
	if err := s.initRules(); err != nil {
		s.closeState()
		return nil, fmt.Errorf("fake: rules: %w", err)
	}
	if cfg.specCheck != nil {
		if s.specV, err = spec.SharedValidator(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NewServer starts a fake on a free loopback port for the duration of the test: it fails the test if
// the server cannot start, closes it in t.Cleanup, and reports every response that does not conform
// to the spec as a test error ([WithSpecCheck] chooses kin-openapi or no check instead). A bad
// fault rule ([Server.Faults]) fails the test, besides being returned as an error. If the test
// fails, its log ends with the seed and the rules as a scenario file.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	// What the fake writes to the test log comes from its own goroutines, where t.Helper cannot
	// point at the test: each line starts with the test line that started this fake instead.
	where := "fake"
	if _, file, line, ok := runtime.Caller(1); ok {
		where = filepath.Base(file) + ":" + strconv.Itoa(line)
	}
	logf := func(format string, args ...any) {
		defer func() { _ = recover() }() // t.Logf panics once the test has ended
		t.Logf("%s: "+format, append([]any{where}, args...)...)
	}
	report := func(o *config) {
		o.checkReport = func(err error) {
			defer func() { _ = recover() }()
			t.Errorf("%s: fake: response does not conform to the spec: %v", where, err)
		}
	}
	all := append([]Option{report, withTest(t, logf)}, opts...)
	s, err := New(all...)
	if err != nil {
		t.Fatalf("fake.NewServer: %v", err)
	}
	s.tb = t
	s.testLog = logf
	if err := s.Start(); err != nil {
		t.Fatalf("fake.NewServer: %v", err)
	}
	t.Cleanup(s.Close)
	t.Cleanup(func() { s.logReproduction(t) })
	return s
}

// Start listens on the configured address ([WithAddr], default a free loopback port) and serves in
// the background until [Server.Close] or [Server.Shutdown]. It returns once the server is listening:
// [Server.URL] is then valid.
func (s *Server) Start() error {
	if err := s.checkBind(s.cfg.addr); err != nil { // admin_auth.go
		return err
	}
	l, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		return fmt.Errorf("fake: listen on %s: %w", s.cfg.addr, err)
	}
	intl, err := s.listenInternational() // sites.go
	if err != nil {
		l.Close()
		return err
	}
	srv, l, done, err := s.attach(l)
	if err != nil {
		intl.Close()
		return err
	}
	addr := intl.Addr().String()
	s.intlAddr.Store(&addr)
	s.lifeMu.Lock()
	s.intlListener = intl
	s.lifeMu.Unlock()
	serve := func(l net.Listener) {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}
	go func() {
		defer close(done)
		intlDone := make(chan struct{})
		go func() { defer close(intlDone); serve(intl) }()
		serve(l)
		<-intlDone
	}()
	return nil
}

// Serve serves on l until [Server.Close] or [Server.Shutdown], like [http.Server.Serve]: it blocks,
// and after Close or Shutdown it returns [http.ErrServerClosed]. It closes l. A server serves one
// listener: use either Serve or [Server.Start], once.
func (s *Server) Serve(l net.Listener) error {
	srv, l, done, err := s.attach(l)
	if err != nil {
		return err
	}
	defer close(done)
	return srv.Serve(l)
}

// attach makes the http.Server that serves l; the caller runs its Serve and closes done when it
// returns. On error l is closed.
func (s *Server) attach(l net.Listener) (*http.Server, net.Listener, chan struct{}, error) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		l.Close()
		return nil, nil, nil, http.ErrServerClosed
	}
	if s.httpSrv != nil {
		l.Close()
		return nil, nil, nil, errors.New("fake: server already started")
	}
	if _, isTCP := l.Addr().(*net.TCPAddr); isTCP {
		if err := s.checkBind(l.Addr().String()); err != nil { // admin_auth.go
			l.Close()
			return nil, nil, nil, err
		}
	}
	if s.connLim != nil {
		l = &limitListener{Listener: l, s: s, cl: s.connLim} // limits.go
	}
	s.listener = l
	s.httpSrv = &http.Server{
		Handler:     s.Handler(),
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ConnState:   func(c net.Conn, st http.ConnState) { s.trackConn(c, st); s.connLim.track(st) },
		ConnContext: s.connContext, // sites.go: the site of the listener, once per connection
	}
	s.limits.applyTimeouts(s.httpSrv)
	s.serveDone = make(chan struct{})
	return s.httpSrv, l, s.serveDone, nil
}

// Shutdown stops accepting connections and waits for in-flight requests to finish or ctx to end;
// requests hung by a fault rule are released first. A second call waits for the first to finish
// (or its own ctx to end).
func (s *Server) Shutdown(ctx context.Context) error {
	s.lifeMu.Lock()
	if s.closed {
		down := s.down
		s.lifeMu.Unlock()
		select {
		case <-down:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.closed = true
	close(s.closing)
	srv, done := s.httpSrv, s.serveDone
	s.lifeMu.Unlock()
	defer close(s.down)
	if srv == nil {
		s.closeState() // state.go
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	<-done
	s.closeState() // state.go
	return err
}

// Close shuts the server down at once, as httptest.Server.Close does: it stops listening, closes
// idle connections and connections that have not sent a request yet, releases requests hung by a
// fault rule, and waits (up to 5 seconds) for the requests in flight. It is idempotent, and a
// second call made while the first is running waits for it, so t.Cleanup(s.Close) is always safe.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Shutdown(ctx)
	}()
	// http.Server.Shutdown waits for connections that never sent a request until they are 5
	// seconds old; a test's cleanup should not.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeNewConns()
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	switch state {
	case http.StateActive, http.StateIdle:
		if v, ok := s.conns.Load(c); ok {
			v.(*atomic.Int32).Store(int32(state))
			return
		}
		fallthrough // not seen as new (tracking began late): track it now
	case http.StateNew:
		st := new(atomic.Int32)
		st.Store(int32(state))
		s.conns.Store(c, st)
		s.lifeMu.Lock()
		closed := s.closed
		s.lifeMu.Unlock()
		if state == http.StateNew && closed {
			c.Close()
		}
	case http.StateHijacked, http.StateClosed:
		s.conns.Delete(c)
	}
}

func (s *Server) closeNewConns() {
	s.conns.Range(func(k, v any) bool {
		if st := http.ConnState(v.(*atomic.Int32).Load()); st == http.StateNew || st == http.StateIdle {
			k.(net.Conn).Close()
			s.conns.Delete(k)
		}
		return true
	})
}

// URL returns the base URL, "http://127.0.0.1:PORT", or "" before [Server.Start].
func (s *Server) URL() string {
	if ep := s.Endpoint(); ep != "" {
		return "http://" + ep
	}
	return ""
}

// Endpoint returns "host:port" of the domestic site (business.aliyuncs.com), what the official SDKs
// take as their endpoint (the old SDK's client.Domain, darabonba-openapi's Config.Endpoint with
// Protocol "http"). [Server.InternationalEndpoint] is the international site's.
func (s *Server) Endpoint() string {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Handler returns the fake as an [http.Handler], for mounting in a server or mux of your own: it
// answers "/" like business.aliyuncs.com and "/__admin/" with the admin API. The handler works
// whether or not the server was started; [Server.Close] releases requests hung by a fault rule.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Seed returns the seed of the server's random choices (see [WithSeed]).
func (s *Server) Seed() uint64 { return s.seed }

// Catalog returns a copy of the product catalogue.
func (s *Server) Catalog() *Catalog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.catalog.Clone()
}

// SetCatalog replaces the product catalogue. Orders already placed are kept.
func (s *Server) SetCatalog(c *Catalog) error {
	if c == nil {
		return errors.New("fake: nil catalogue")
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("fake: catalogue: %w", err)
	}
	c = c.Clone()
	s.mu.Lock()
	s.catalog = c
	s.mu.Unlock()
	return nil
}

func (s *Server) setAccountsLocked(accounts []Account) error {
	byKey := map[string]int{}
	verify := false
	for i, a := range accounts {
		if a.ID == "" {
			return fmt.Errorf("fake: account %d has no ID", i)
		}
		if err := checkAccountSite(a.Site); err != nil { // sites.go
			return fmt.Errorf("fake: account %s: %w", a.ID, err)
		}
		if a.Payment != nil {
			if pe := a.Payment.problems(); len(pe) > 0 { // payment.go
				return fmt.Errorf("fake: account %s: payment.%s: %s", a.ID, pe[0].field, pe[0].msg)
			}
		}
		for _, k := range a.AccessKeys {
			if k.ID == "" {
				return fmt.Errorf("fake: account %s has an access key without an ID", a.ID)
			}
			if _, dup := byKey[k.ID]; dup {
				return fmt.Errorf("fake: access key %s belongs to two accounts", k.ID)
			}
			byKey[k.ID] = i
			verify = verify || k.Secret != ""
		}
		verify = verify || len(a.BearerTokens) > 0
	}
	if err := s.auth.indexLocked(accounts); err != nil {
		return err
	}
	s.accounts, s.byKey, s.verify = accounts, byKey, verify
	return nil
}

// VerifiesSignatures reports whether signature verification is on (some access key has a secret).
func (s *Server) VerifiesSignatures() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verify
}

// Orders returns copies of the orders placed so far, oldest first. With a shared store that cannot
// be reached it reports the error as every state accessor does ([Server.Instances]): a server made
// with [NewServer] fails its test, one made with [New] logs it; the result is then empty.
func (s *Server) Orders() []Order {
	out, err := s.ordersE()
	s.reportStoreErr("Orders", err)
	return out
}

// ordersE returns the orders, or the store's error.
func (s *Server) ordersE() ([]Order, error) {
	var out []Order
	err := s.backend.View(context.Background(), func(st *store.Orders, _ time.Duration) {
		out = make([]Order, 0, st.Len())
		for _, r := range st.All {
			out = append(out, orderOf(r))
		}
	})
	if err != nil {
		return []Order{}, storeError(err)
	}
	return out, nil
}

// Order returns a copy of the order with the given ID. A store error is reported as by
// [Server.Orders].
func (s *Server) Order(orderID string) (Order, bool) {
	r, ok, err := s.backend.Order(context.Background(), orderID)
	if err != nil {
		s.reportStoreErr("Order", storeError(err))
		return Order{}, false
	}
	if !ok {
		return Order{}, false
	}
	return orderOf(&r), true
}

// Journal returns copies of the journal's entries (the newest [WithJournalLimit] requests), oldest
// first, secrets redacted. A store error is reported as by [Server.Orders].
func (s *Server) Journal() []journal.Entry {
	j, err := s.keep.entries()
	s.reportStoreErr("Journal", err)
	return j
}

// RequestCount returns how many requests the fake has answered since it started or was reset,
// including those the journal ([Server.Journal]) no longer holds. Admin API requests do not count.
func (s *Server) RequestCount() uint64 {
	n, err := s.keep.requests()
	s.reportStoreErr("RequestCount", err)
	return n
}

// reportStoreErr reports an error of the store that a method without an error result met: it
// fails the test of a server made with [NewServer] and logs it on one made with [New].
func (s *Server) reportStoreErr(method string, err error) {
	if err == nil {
		return
	}
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Errorf("fake: %s: %v", method, err)
		return
	}
	s.log.Error("shared store unavailable", "method", method, "err", err)
}

// Reset forgets every order, ClientToken and journal entry. The catalogue, accounts and fault rules
// stay; the rules' counters, rate windows and Sequence steps start over, as if just added. A store
// error is reported as by [Server.Orders].
func (s *Server) Reset() { s.reportStoreErr("Reset", s.resetE()) }
