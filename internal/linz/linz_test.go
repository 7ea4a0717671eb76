package linz

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The run's size comes from the environment, so that `make linz` runs the same test longer:
//
//	BSSKIT_LINZ_BIN       the bsskit binary to test (default: built from this tree)
//	BSSKIT_LINZ_DURATION  how long the clients run (default 5s)
//	BSSKIT_LINZ_CLIENTS   how many clients (default 8)
//	BSSKIT_LINZ_FAULTS    how many faults of each kind, 1 s each (default 1, 500 ms each)
//	BSSKIT_LINZ_DOWN      how long each fault lasts
//	BSSKIT_LINZ_OUT       where the visualisation of a failure goes (default: the system's temp dir)
func envConfig(t *testing.T) Config {
	t.Helper()
	cfg := Config{Duration: 5 * time.Second, Clients: 8, Faults: Faults{ReplicaKills: 1, RedisPauses: 1, RedisKills: 1, Down: 500 * time.Millisecond}}
	if v := os.Getenv("BSSKIT_LINZ_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "BSSKIT_LINZ_DURATION")
		cfg.Duration = d
	}
	if v := os.Getenv("BSSKIT_LINZ_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "BSSKIT_LINZ_CLIENTS")
		cfg.Clients = n
	}
	if v := os.Getenv("BSSKIT_LINZ_FAULTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "BSSKIT_LINZ_FAULTS")
		cfg.Faults = Faults{ReplicaKills: n, RedisPauses: n, RedisKills: n, Down: time.Second}
	}
	if v := os.Getenv("BSSKIT_LINZ_DOWN"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "BSSKIT_LINZ_DOWN")
		cfg.Faults.Down = d
	}
	cfg.Bin = bsskitBin(t)
	cfg.Catalog = filepath.Join("..", "..", "testdata", "catalogs", "sites.yaml")
	cfg.Dir = t.TempDir()
	cfg.Seed = uint64(time.Now().UnixNano())
	cfg.Logf = t.Logf
	return cfg
}

// bsskitBin is $BSSKIT_LINZ_BIN, or bsskit built from this tree.
func bsskitBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("kills and pauses processes with unix signals")
	}
	if bin := os.Getenv("BSSKIT_LINZ_BIN"); bin != "" {
		return bin
	}
	bin, err := built()
	require.NoError(t, err)
	return bin
}

// buildDir holds the binary [built] makes, removed by TestMain.
var buildDir string

// built builds bsskit from this tree once for every test of the package.
var built = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "bsskit-linz-")
	if err != nil {
		return "", err
	}
	buildDir = dir
	bin := filepath.Join(dir, "bsskit")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/bsskit/bsskit/cmd/bsskit").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// visualization is where a failing run's HTML goes: kept after the test, so the message can name it.
func visualization(t *testing.T) string {
	dir := os.Getenv("BSSKIT_LINZ_OUT")
	if dir == "" {
		dir = os.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return filepath.Join(dir, fmt.Sprintf("bsskit-linz-%s-%d.html", strings.ReplaceAll(t.Name(), "/", "_"), time.Now().Unix()))
}

// TestReplicasLinearizable: three replicas over one redis-server behave as one server while
// clients race on ClientTokens and opens-once products and a replica and Redis are killed and
// paused: every partition of the history is linearizable (issue 24).
func TestReplicasLinearizable(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server): the linearizability check needs it")
	}
	t.Parallel()
	cfg := envConfig(t)
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	t.Log(rep.Summary())

	// The faults happened and were felt: Redis down answered 503, and serving resumed.
	require.Len(t, rep.Faults, cfg.Faults.ReplicaKills+cfg.Faults.RedisPauses+cfg.Faults.RedisKills)
	assert.NotEmpty(t, rep.Unavailable, "no 503 while Redis was down")
	for i, d := range rep.Recovery {
		assert.GreaterOrEqual(t, d, time.Duration(0), "no order succeeded after Redis fault %d", i+1)
	}
	assert.Positive(t, rep.Counts["CreateInstance ok"])
	assert.Positive(t, rep.Counts["CreateInstance opened"], "the opens-once product was never refused: no race to check")
	assert.Empty(t, rep.Unexpected, "operations refused: what they would have shown is not checked")

	v := Check(rep.History.Operations(), CheckOptions{VisualizeTo: visualization(t)})
	require.True(t, v.OK(), "%s", v)
	t.Log(v)
}

// TestBrokenSetupFails: three replicas with no shared store (each its own memory) are not one
// server, and the check says so with a counterexample: a ClientToken with two orders, or a read
// that misses an acknowledged order, in the smallest failing partition.
func TestBrokenSetupFails(t *testing.T) {
	t.Parallel()
	cfg := envConfig(t)
	cfg.NoStore, cfg.Clients, cfg.Duration, cfg.Faults = true, 4, 2*time.Second, Faults{}
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	html := filepath.Join(t.TempDir(), "broken.html")
	v := Check(rep.History.Operations(), CheckOptions{VisualizeTo: html})
	t.Log(v)
	require.False(t, v.OK(), "three separate memories passed the check:\n%s", rep.Summary())
	assert.Contains(t, v.FailedKeys(), ClockKey, "the probe instance exists on one replica only")
	var orders int
	for _, p := range v.Failed {
		if strings.HasSuffix(p.Key, "/"+productSAS) || strings.HasSuffix(p.Key, "/"+productCFW) {
			orders++
		}
	}
	assert.Positive(t, orders, "no account's orders were found inconsistent")
	msg := v.String()
	assert.Contains(t, msg, "smallest failing partition "+v.Failed[0].Key)
	assert.Contains(t, msg, "visualisation: "+html)
	assert.Regexp(t, `replica \d: (CreateInstance|QueryAvailableInstances|GetOrderDetail|probe status)`, msg)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(page), "replica ")
}

// TestOneServerLinearizable is the control: the same workload against one bsskit serve on its own
// memory (one process, one lock) passes the check, so what fails the replicas is them, not the
// model.
func TestOneServerLinearizable(t *testing.T) {
	t.Parallel()
	cfg := envConfig(t)
	cfg.NoStore, cfg.Replicas, cfg.Clients, cfg.Duration, cfg.Faults = true, 1, 4, 3*time.Second, Faults{}
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	t.Log(rep.Summary())
	assert.Positive(t, rep.Counts["CreateInstance opened"], "the opens-once product was never refused: no race to check")
	assert.Positive(t, rep.Counts["clock/advance ok"])
	assert.Empty(t, rep.Unexpected, "operations refused: what they would have shown is not checked")
	v := Check(rep.History.Operations(), CheckOptions{VisualizeTo: visualization(t)})
	require.True(t, v.OK(), "%s", v)
	assert.Greater(t, v.Partitions, 10)
}
