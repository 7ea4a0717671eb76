package coldstart_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

// childEnv names what a child process started by BenchmarkFreshProcess does.
const childEnv = "BSSKIT_COLDSTART_CHILD"

// TestMain runs the child's work when the benchmark started this binary as a child: one first use
// in a fresh process, its duration printed as "took=<ns>".
func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		t0 := time.Now()
		if err := childWork(mode); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("took=%d\n", time.Since(t0).Nanoseconds())
		os.Exit(0)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var firstCall = sdkcall.Request{
	ProductCode:      "rtc",
	SubscriptionType: "PayAsYouGo",
	Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}},
	ReadTimeout:      5 * time.Second,
}

const (
	benchAK     = "coldstartAccessKeyId"
	benchSecret = "coldstartAccessKeySecret"
)

func childWork(mode string) error {
	switch mode {
	case "nothing":
		return nil
	case "spec":
		// What a fake needs of the spec before its first answer: the catalogue, CreateInstance's
		// compiled rules, the wire facts.
		if _, ok := spec.Lookup(spec.CodeInternalError); !ok {
			return errors.New("no InternalError in the catalogue")
		}
		if _, err := check.Shared(); err != nil {
			return err
		}
		if spec.FormatJSON.ContentType() == "" {
			return errors.New("no JSON content type")
		}
		return nil
	case "fake":
		srv, err := fake.New(fake.WithCredentials(benchAK, benchSecret))
		if err != nil {
			return err
		}
		if err := srv.Start(); err != nil {
			return err
		}
		defer srv.Close()
		out := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), sdkcall.Credentials{AccessKeyID: benchAK, AccessKeySecret: benchSecret}, firstCall)
		if !out.OK || !out.Success {
			return fmt.Errorf("first call: %+v", out)
		}
		return nil
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// BenchmarkFreshProcess starts this test binary as a child that does one thing and exits: nothing
// (the floor: process start and the testing package), the first use of the spec a fake needs, or
// fake.New + Start + the first old-SDK CreateInstance + Close. ns/op is the child's wall time from
// start to exit; first-ns/op the work itself, timed in the child; cpu-ns/op the child's CPU time;
// maxrss-KB its peak resident set. Medians, since a fresh process is what a test binary starts as.
func BenchmarkFreshProcess(b *testing.B) {
	for _, mode := range []string{"nothing", "spec", "fake"} {
		b.Run("use="+mode, func(b *testing.B) {
			var took, cpu, rss []float64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), childEnv+"="+mode)
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("child %s: %v: %s", mode, err, out)
				}
				ns, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(string(out)), "took="), 10, 64)
				if err != nil {
					b.Fatalf("child %s said %q", mode, out)
				}
				took = append(took, float64(ns))
				ps := cmd.ProcessState
				cpu = append(cpu, float64((ps.UserTime() + ps.SystemTime()).Nanoseconds()))
				if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
					rss = append(rss, float64(ru.Maxrss))
				}
			}
			b.ReportMetric(median(took), "first-ns/op")
			b.ReportMetric(median(cpu), "cpu-ns/op")
			b.ReportMetric(median(rss), "maxrss-KB")
		})
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// binaries returns bsskit's and benchload's (whose "bare" command is the bare net/http server of
// make bench-load), built once: $BSSKIT_BIN and $BENCHLOAD_BIN if set.
func binaries(b *testing.B) (bsskit, benchload string) {
	b.Helper()
	bsskit, benchload = os.Getenv("BSSKIT_BIN"), os.Getenv("BENCHLOAD_BIN")
	if bsskit != "" && benchload != "" {
		return bsskit, benchload
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "coldstart"); binErr != nil {
			return
		}
		for _, pkg := range []string{"bsskit", "benchload"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, pkg), "github.com/bsskit/bsskit/cmd/"+pkg).CombinedOutput()
			if err != nil {
				binErr = fmt.Errorf("go build %s: %v: %s", pkg, err, out)
				return
			}
		}
	})
	if binErr != nil {
		b.Fatal(binErr)
	}
	return filepath.Join(binDir, "bsskit"), filepath.Join(binDir, "benchload")
}

// freePort returns a loopback address nothing listens on (a race with other processes is possible
// and would show as a failed start).
func freePort(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// BenchmarkServeStartup starts `bsskit serve` (credentials given, as users run it) and the bare
// net/http server of make bench-load, each its own process, and polls GET /__admin/health every
// 200µs until it answers 200 (the bare server answers any path). ns/op includes stopping it;
// start-ns/op, the median time from start to the first answer, is the figure.
func BenchmarkServeStartup(b *testing.B) {
	bsskit, benchload := binaries(b)
	servers := []struct {
		name string
		args func(addr string) []string
		bin  string
	}{
		{"bsskit", func(addr string) []string {
			return []string{"serve", "--addr", addr, "--access-key-id", benchAK, "--access-key-secret", benchSecret, "--log-level", "error"}
		}, bsskit},
		{"bare", func(addr string) []string { return []string{"bare", "-addr", addr} }, benchload},
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	for _, s := range servers {
		b.Run("server="+s.name, func(b *testing.B) {
			var took []float64
			for b.Loop() {
				addr := freePort(b)
				health := (&url.URL{Scheme: "http", Host: addr, Path: "/__admin/health"}).String()
				cmd := exec.Command(s.bin, s.args(addr)...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
				t0 := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				for {
					resp, err := client.Get(health)
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							break
						}
					}
					select {
					case err := <-exited:
						b.Fatalf("%s exited before answering: %v", s.name, err)
					case <-time.After(200 * time.Microsecond):
					}
					if time.Since(t0) > 30*time.Second {
						_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
						b.Fatalf("%s did not answer within 30s", s.name)
					}
				}
				took = append(took, float64(time.Since(t0).Nanoseconds()))
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}
			b.ReportMetric(median(took), "start-ns/op")
		})
	}
}

// BenchmarkDispatch is one call through the fake's handler, in process, once the first three
// operations (CreateInstance and the two reads) or all hundred have been called: its cost must
// not grow with the number of operations in use.
func BenchmarkDispatch(b *testing.B) {
	for _, n := range []int{3, 100} {
		for _, action := range []string{spec.ActionCreateInstance, spec.ActionQueryAvailableInstances} {
			b.Run(fmt.Sprintf("ops=%d/action=%s", n, action), func(b *testing.B) {
				srv, err := fake.New()
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(srv.Close)
				h := srv.Handler()
				w := &discardWriter{h: http.Header{}}
				used := 0
				for _, op := range spec.Operations() {
					if used == n {
						break
					}
					if n == 3 && op.Action != spec.ActionCreateInstance && op.Action != spec.ActionQueryAvailableInstances && op.Action != spec.ActionGetOrderDetail {
						continue
					}
					used++
					// Whatever the answer (most of these lack required parameters), the operation
					// has now been routed, checked and answered once.
					h.ServeHTTP(w, request(b, url.Values{"Action": {op.Action}, "Version": {spec.Version}, "Format": {"JSON"}}))
				}
				if used != n {
					b.Fatalf("used %d operations, want %d", used, n)
				}
				q := url.Values{"Action": {action}, "Version": {spec.Version}, "Format": {"JSON"}, "ProductCode": {"rtc"}}
				if action == spec.ActionCreateInstance {
					q.Set("SubscriptionType", "PayAsYouGo")
					q.Set("Parameter.1.Code", "ServiceType")
					q.Set("Parameter.1.Value", "universal")
				}
				r := request(b, q)
				b.ReportAllocs()
				for b.Loop() {
					w.status = 0
					h.ServeHTTP(w, r)
					if w.status != http.StatusOK {
						b.Fatalf("%s: status %d", action, w.status)
					}
				}
			})
		}
	}
}

func request(b *testing.B, q url.Values) *http.Request {
	b.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/?"+q.Encode(), nil)
	if err != nil {
		b.Fatal(err)
	}
	r.RemoteAddr = "127.0.0.1:40000"
	return r
}

// discardWriter is the cheapest http.ResponseWriter: the handler's own cost is what is measured.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
