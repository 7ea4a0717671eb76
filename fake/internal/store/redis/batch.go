package redis

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// batcher runs the scripts of concurrent requests in shared pipelines: a few workers each take
// every call waiting and send them as one pipeline, so under load many calls share one round trip
// (group commit) and at low load a call goes out at once. Each call is still its own script, atomic
// on its own; a call's answer is sent only after its script's reply came back.
type batcher struct {
	c       *redis.Client
	timeout time.Duration
	in      chan *scriptCall
	stop    chan struct{}
}

// scriptCall is one script run and its reply.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
	cmd    *redis.Cmd
	done   chan struct{}
}

// batchWorkers is how many pipelines may be in flight at once; maxBatch bounds one pipeline.
const (
	batchWorkers = 4
	maxBatch     = 256
)

var allScripts = []*redis.Script{placeScript, recordScript, decideScript}

func newBatcher(c *redis.Client, timeout time.Duration) *batcher {
	b := &batcher{c: c, timeout: timeout, in: make(chan *scriptCall, 4*maxBatch), stop: make(chan struct{})}
	for range batchWorkers {
		go b.work()
	}
	return b
}

func (b *batcher) close() { close(b.stop) }

// run runs script and returns its reply; it gives up after one and a half timeouts.
func (b *batcher) run(script *redis.Script, keys []string, args ...any) *redis.Cmd {
	c := &scriptCall{script: script, keys: keys, args: args, done: make(chan struct{})}
	t := time.NewTimer(b.timeout + b.timeout/2)
	defer t.Stop()
	select {
	case b.in <- c:
	case <-t.C:
		return failedCmd(context.DeadlineExceeded)
	case <-b.stop:
		return failedCmd(redis.ErrClosed)
	}
	select {
	case <-c.done:
		return c.cmd
	case <-t.C:
		return failedCmd(context.DeadlineExceeded)
	}
}

func failedCmd(err error) *redis.Cmd {
	cmd := redis.NewCmd(context.Background())
	cmd.SetErr(err)
	return cmd
}

func (b *batcher) work() {
	batch := make([]*scriptCall, 0, maxBatch)
	for {
		select {
		case <-b.stop:
			return
		case c := <-b.in:
			batch = append(batch[:0], c)
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case c := <-b.in:
				batch = append(batch, c)
			default:
				break drain
			}
		}
		b.exec(batch)
		for _, c := range batch {
			close(c.done)
		}
		clear(batch)
	}
}

// exec sends the batch as one pipeline of EVALSHAs; if Redis lost its script cache (a restart) it
// loads the scripts and sends the calls it refused again: a NOSCRIPT call did not run.
func (b *batcher) exec(batch []*scriptCall) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	todo := batch
	for attempt := 0; attempt < 2 && len(todo) > 0; attempt++ {
		pipe := b.c.Pipeline()
		for _, c := range todo {
			c.cmd = c.script.EvalSha(ctx, pipe, c.keys, c.args...)
		}
		_, _ = pipe.Exec(ctx)
		var again []*scriptCall
		for _, c := range todo {
			if err := c.cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
				again = append(again, c)
			}
		}
		if len(again) == 0 {
			return
		}
		for _, s := range allScripts {
			if err := s.Load(ctx, b.c).Err(); err != nil {
				for _, c := range again {
					c.cmd.SetErr(errors.Join(errors.New("load scripts"), err))
				}
				return
			}
		}
		todo = again
	}
}
