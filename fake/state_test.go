package fake_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// orderAnswer is what a client learnt from a successful call.
type orderAnswer struct{ OrderID, InstanceID string }

func placeOrder(t *testing.T, srv *fake.Server, token string) orderAnswer {
	t.Helper()
	a := call(t, srv, with(valid(), "ClientToken", token))
	require.Equal(t, 200, a.Status, a.Raw)
	data := a.Body["Data"].(map[string]any)
	return orderAnswer{data["OrderId"].(string), data["InstanceId"].(string)}
}

// tryCall is call for a goroutine other than the test's (where require may not stop the test): it
// returns what went wrong instead.
func tryCall(srv *fake.Server, params url.Values) (answer, error) {
	resp, err := http.Post(srv.URL()+"/?"+params.Encode(), "", nil)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), RequestIDHd: resp.Header.Get("X-Acs-Request-Id"), Raw: string(raw)}
	if strings.HasPrefix(a.ContentType, "application/json") {
		if err := jsonUnmarshal(a.Raw, &a.Body); err != nil {
			return a, fmt.Errorf("%w: %s", err, raw)
		}
	}
	return a, nil
}

// tryPlaceOrder is placeOrder for a goroutine other than the test's.
func tryPlaceOrder(srv *fake.Server, token string) (orderAnswer, error) {
	a, err := tryCall(srv, with(valid(), "ClientToken", token))
	if err != nil {
		return orderAnswer{}, err
	}
	data, _ := a.Body["Data"].(map[string]any)
	oid, _ := data["OrderId"].(string)
	iid, _ := data["InstanceId"].(string)
	if a.Status != 200 || oid == "" || iid == "" {
		return orderAnswer{}, fmt.Errorf("status %d, no OrderId or InstanceId: %s", a.Status, a.Raw)
	}
	return orderAnswer{oid, iid}, nil
}

// TestStateFileRestart: orders and ClientTokens survive a restart; a reset survives it too.
func TestStateFileRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	srv := fake.NewServer(t, fake.WithStateFile(path))
	first := map[string]orderAnswer{}
	for i := range 5 {
		tok := fmt.Sprintf("tok-%d", i)
		first[tok] = placeOrder(t, srv, tok)
	}
	call(t, srv, valid()) // no ClientToken: an order all the same
	before := srv.Orders()
	require.Len(t, before, 6)
	srv.Close()

	srv2 := fake.NewServer(t, fake.WithStateFile(path))
	assert.Equal(t, utc(before), utc(srv2.Orders()))
	for tok, want := range first {
		assert.Equal(t, want, placeOrder(t, srv2, tok), "replayed %s", tok)
	}
	assert.Len(t, srv2.Orders(), 6, "replays place no order")
	placeOrder(t, srv2, "tok-new")
	status, _ := adminReq(t, srv2, "POST", "/__admin/reset", nil, "")
	require.Equal(t, 200, status)
	placeOrder(t, srv2, "after-reset")
	srv2.Close()

	srv3 := fake.NewServer(t, fake.WithStateFile(path))
	orders := srv3.Orders()
	require.Len(t, orders, 1, "the reset is durable")
	assert.Equal(t, "after-reset", orders[0].ClientToken)
}

// TestStateFileConcurrentDuplicates: 64 concurrent calls with 8 ClientTokens place 8 orders, all
// on disk, each token answered with one OrderId.
func TestStateFileConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	srv := fake.NewServer(t, fake.WithStateFile(path))
	answers := make([]orderAnswer, 64)
	errs := make([]error, 64)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() { // no require off the test goroutine: errors are checked after Wait
			answers[i], errs[i] = tryPlaceOrder(srv, fmt.Sprintf("dup-%d", i%8))
		})
	}
	wg.Wait()
	seen := map[string]map[orderAnswer]bool{}
	for i, a := range answers {
		require.NoError(t, errs[i], "call %d", i)
		tok := fmt.Sprintf("dup-%d", i%8)
		if seen[tok] == nil {
			seen[tok] = map[orderAnswer]bool{}
		}
		seen[tok][a] = true
	}
	require.Len(t, seen, 8)
	for tok, answers := range seen {
		assert.Len(t, answers, 1, tok)
	}
	before := srv.Orders()
	require.Len(t, before, 8)
	srv.Close()
	srv2, err := fake.New(fake.WithStateFile(path))
	require.NoError(t, err)
	defer srv2.Close()
	assert.Equal(t, utc(before), utc(srv2.Orders()))
}

// TestStateFileDamage: a damaged file is refused with the line named; --state-repair drops only a
// torn or damaged last line.
func TestStateFileDamage(t *testing.T) {
	t.Parallel()
	// A good file with a header and three orders.
	good := filepath.Join(t.TempDir(), "good.jsonl")
	srv := fake.NewServer(t, fake.WithStateFile(good))
	for i := range 3 {
		placeOrder(t, srv, fmt.Sprintf("t%d", i))
	}
	srv.Close()
	raw, err := os.ReadFile(good)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(raw), "\n")
	require.Len(t, lines, 5)           // header, 3 orders, "" after the last newline
	flip := func(line string) string { // change one byte of the JSON, keeping the checksum
		return strings.Replace(line, `"seq"`, `"seQ"`, 1)
	}
	tests := []struct {
		name       string
		content    string
		err        string // "" loads
		repairErr  string // with WithStateRepair; "" loads
		orders     int    // loaded (with repair when err is set)
		repairedTo int    // file length after repair, 0: unchanged
	}{
		{name: "intact", content: raw2(lines), orders: 3},
		{name: "torn last line", content: raw2(lines) + lines[3][:40], err: "line 5: incomplete", orders: 3, repairedTo: len(raw)},
		{name: "torn last line, no newline, right after the header", content: lines[0] + lines[1][:20], err: "line 2: incomplete", orders: 0, repairedTo: len(lines[0])},
		{name: "damaged last line", content: lines[0] + lines[1] + lines[2] + flip(lines[3]), err: "line 4: checksum mismatch", orders: 2, repairedTo: len(lines[0] + lines[1] + lines[2])},
		{name: "damaged middle line", content: lines[0] + flip(lines[1]) + lines[2] + lines[3], err: "line 2: checksum mismatch", repairErr: "cannot fix it"},
		{name: "a line missing", content: lines[0] + lines[1] + lines[3] + lines[2], err: "line 3: sequence number 4, want 3", repairErr: "line 3: sequence number 4"},
		{name: "last line out of sequence", content: lines[0] + lines[1] + lines[3], err: "line 3: sequence number 4, want 3", orders: 1, repairedTo: len(lines[0] + lines[1])},
		{name: "not a state file", content: "hello\nworld\n", err: "line 1: not a \"CRC32 JSON\" line", repairErr: "cannot fix it"},
		{name: "header only", content: lines[0], orders: 0},
		{name: "empty file: a fresh start", content: "", orders: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			srv, err := fake.New(fake.WithStateFile(path))
			if tc.err != "" {
				require.ErrorIs(t, err, fake.ErrStateCorrupt)
				assert.Contains(t, err.Error(), tc.err)
				assert.Contains(t, err.Error(), path)
				srv, err = fake.New(fake.WithStateFile(path), fake.WithStateRepair())
				if tc.repairErr != "" {
					require.ErrorIs(t, err, fake.ErrStateCorrupt)
					assert.Contains(t, err.Error(), tc.repairErr)
					after, _ := os.ReadFile(path)
					assert.Equal(t, tc.content, string(after), "a refused file is left alone")
					return
				}
			}
			require.NoError(t, err)
			assert.Len(t, srv.Orders(), tc.orders)
			require.NoError(t, srv.Start())
			placeOrder(t, srv, "next")
			srv.Close()
			if tc.repairedTo > 0 {
				after, _ := os.ReadFile(path)
				assert.Equal(t, tc.content[:tc.repairedTo], string(after[:tc.repairedTo]))
			}
			reopened, err := fake.New(fake.WithStateFile(path))
			require.NoError(t, err, "after a repair and a new order the file is clean")
			assert.Len(t, reopened.Orders(), tc.orders+1)
			reopened.Close()
		})
	}
}

// utc drops what a round trip through JSON loses: the monotonic clock reading and the location.
func utc(orders []fake.Order) []fake.Order {
	out := make([]fake.Order, len(orders))
	for i, o := range orders {
		o.CreatedAt = o.CreatedAt.UTC().Round(0)
		out[i] = o
	}
	return out
}

func raw2(lines []string) string { return strings.Join(lines, "") }

// TestShutdownDrains: Shutdown waits for a request in flight (its body still arriving), which
// gets its answer, and the order it placed is in the state file.
func TestShutdownDrains(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	srv := fake.NewServer(t, fake.WithStateFile(path))
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/?"+with(valid(), "ClientToken", "in-flight").Encode(), pr)
	require.NoError(t, err)
	req.ContentLength = 8
	req.Header.Set("Content-Type", "application/octet-stream")
	got := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- answer{Raw: err.Error()}
			return
		}
		defer resp.Body.Close()
		got <- answer{Status: resp.StatusCode}
	}()
	_, err = pw.Write([]byte("half"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return srv.RequestCount() == 1 }, 5*time.Second, time.Millisecond, "the request is in flight")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	// Barrier: Shutdown has begun once the listener refuses new connections. From then on the
	// request in flight must be allowed to finish: Shutdown may not return, close its connection
	// or close the state file before it is answered (the body below only arrives now).
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", srv.Endpoint())
		if err != nil {
			return true
		}
		c.Close()
		return false
	}, 5*time.Second, time.Millisecond, "Shutdown never closed the listener")
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	default: // Shutdown is waiting, as it should
	}
	_, err = pw.Write([]byte("more"))
	require.NoError(t, err)
	pw.Close()
	require.NoError(t, <-done)
	a := <-got
	assert.Equal(t, 200, a.Status, a.Raw)

	srv2, err := fake.New(fake.WithStateFile(path))
	require.NoError(t, err)
	defer srv2.Close()
	require.Len(t, srv2.Orders(), 1)
	assert.Equal(t, "in-flight", srv2.Orders()[0].ClientToken)
}

// TestStateFileInUse: a second server on the same state file is refused while the first holds it.
func TestStateFileInUse(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	first, err := fake.New(fake.WithStateFile(path))
	require.NoError(t, err)
	_, err = fake.New(fake.WithStateFile(path))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in use by another server")
	first.Close()
	second, err := fake.New(fake.WithStateFile(path))
	require.NoError(t, err, "the lock goes with Close")
	second.Close()
}
