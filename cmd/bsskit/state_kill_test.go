package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBsskit builds the bsskit binary into a temporary directory.
func buildBsskit(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL test: unix only")
	}
	bin := filepath.Join(t.TempDir(), "bsskit")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// proc is a running bsskit serve process.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

// startProc starts bin serve args... and waits for its start-up line.
func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, append([]string{"serve"}, args...)...), stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		p.done <- p.cmd.Wait()
	}()
	select {
	case line := <-lines:
		p.url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
		require.NotEmpty(t, p.url, "start-up line %q; stderr: %s", line, p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("no start-up line; stderr: %s", p.stderr.String())
	}
	return p
}

// runProc runs bin serve args... expecting it to exit by itself, and returns its exit code.
func runProc(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	require.NoError(t, err)
	return 0, string(out)
}

type ack struct{ OrderID, InstanceID string }

func order(t *testing.T, base, token string) ack {
	t.Helper()
	a, err := tryOrder(base, token)
	require.NoError(t, err)
	return a
}

// tryOrder is order for a goroutine other than the test's: it returns what went wrong.
func tryOrder(base, token string) (ack, error) {
	q := url.Values{"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"}, "ProductCode": {"rtc"},
		"SubscriptionType": {"PayAsYouGo"}, "Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"}, "ClientToken": {token}}
	resp, err := http.Post(base+"/?"+q.Encode(), "", nil)
	if err != nil {
		return ack{}, err
	}
	defer resp.Body.Close()
	var body struct {
		Data struct{ OrderId, InstanceId string }
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return ack{}, fmt.Errorf("status %d: %s", resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return ack{}, fmt.Errorf("%w: %s", err, raw)
	}
	return ack{body.Data.OrderId, body.Data.InstanceId}, nil
}

// TestStateSurvivesSIGKILL: orders acknowledged just before a kill -9 are all there after a restart
// from the same state file, and every ClientToken replays its OrderId. A torn last line is refused
// with its line named, and --state-repair starts anyway with every acknowledged order.
func TestStateSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	bin := buildBsskit(t)
	state := filepath.Join(t.TempDir(), "orders.jsonl")
	args := []string{"--addr", "127.0.0.1:0", "--state", state}

	p := startProc(t, bin, args...)
	acks := map[string]ack{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var failed []error // guarded by mu
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				tok := fmt.Sprintf("kill-%d-%d", w, i)
				a, err := tryOrder(p.url, tok) // no require off the test goroutine
				mu.Lock()
				if err != nil {
					failed = append(failed, fmt.Errorf("%s: %w", tok, err))
				} else {
					acks[tok] = a
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Empty(t, failed)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL)) // right after the last acknowledgement
	<-p.done
	p.done <- nil // for the cleanup

	check := func(p *proc) {
		t.Helper()
		resp, err := http.Get(p.url + "/__admin/orders")
		require.NoError(t, err)
		var orders []struct {
			OrderID     string `json:"orderId"`
			ClientToken string `json:"clientToken"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&orders))
		resp.Body.Close()
		require.Len(t, orders, len(acks))
		for _, o := range orders {
			assert.Equal(t, acks[o.ClientToken].OrderID, o.OrderID, o.ClientToken)
		}
		for tok, want := range acks {
			assert.Equal(t, want, order(t, p.url, tok), "ClientToken %s replays its order", tok)
		}
		// The instances of the orders, with their status, are there too.
		resp, err = http.Get(p.url + "/__admin/instances")
		require.NoError(t, err)
		var instances []struct {
			OrderID string `json:"orderId"`
			Status  string `json:"status"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&instances))
		resp.Body.Close()
		require.Len(t, instances, len(acks))
		byOrder := map[string]bool{}
		for _, a := range acks {
			byOrder[a.OrderID] = true
		}
		for _, in := range instances {
			assert.True(t, byOrder[in.OrderID], in.OrderID)
			assert.Contains(t, []string{"Creating", "Normal"}, in.Status)
		}
	}
	p2 := startProc(t, bin, args...)
	check(p2)
	assert.Contains(t, p2.stderr.String(), "orders=40")
	require.NoError(t, p2.cmd.Process.Signal(syscall.SIGTERM))
	assert.NoError(t, <-p2.done, "SIGTERM: a graceful exit")
	p2.done <- nil

	// A crash mid-write leaves a torn last line.
	f, err := os.OpenFile(state, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`1a2b3c4d {"seq":42,"op":"order","ord`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, out := runProc(t, bin, args...)
	assert.Equal(t, exitFail, code)
	assert.Regexp(t, `line 42: incomplete.*--state-repair`, out)

	p3 := startProc(t, bin, append(args, "--state-repair")...)
	check(p3)
	assert.Contains(t, p3.stderr.String(), "dropped a torn last line")
}
