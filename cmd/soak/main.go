// Command soak runs a bounded soak of `bsskit serve`: it starts the binary on loopback with a state
// file, an admin token and a scenario of faults, drives a steady load of CreateInstance calls (new
// orders, replayed ClientTokens, invalid calls, admin reads and resets) for a fixed time, samples
// the server's memory (RSS from /proc), goroutines and heap (from /__admin/health) and open file
// descriptors (/proc/PID/fd), prints them, and fails if any grew past its bound after warm-up. It
// stops by itself: every loop is bounded in time and count. Linux only (it reads /proc).
//
//	go build -o bin/bsskit ./cmd/bsskit && go run ./cmd/soak -bin bin/bsskit -duration 3m
//
// make soak does exactly that (SOAK_DURATION=3m).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg := defaultConfig()
	flag.StringVar(&cfg.bin, "bin", "bin/bsskit", "the bsskit binary to soak (built from the repo)")
	flag.DurationVar(&cfg.duration, "duration", cfg.duration, "how long to drive load")
	flag.DurationVar(&cfg.interval, "interval", cfg.interval, "how often to sample")
	flag.IntVar(&cfg.workers, "workers", cfg.workers, "concurrent clients")
	flag.Int64Var(&cfg.maxRequests, "max-requests", cfg.maxRequests, "stop after this many requests even if time remains")
	flag.Float64Var(&cfg.maxRSSGrowthMiB, "max-rss-growth-mib", cfg.maxRSSGrowthMiB, "allowed RSS growth after warm-up, MiB")
	flag.IntVar(&cfg.maxGoroutineGrowth, "max-goroutine-growth", cfg.maxGoroutineGrowth, "allowed goroutine growth after warm-up")
	flag.IntVar(&cfg.maxFDGrowth, "max-fd-growth", cfg.maxFDGrowth, "allowed growth of open file descriptors after warm-up")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// config is the soak's shape and its pass bounds.
type config struct {
	bin                string
	duration, interval time.Duration
	workers            int
	maxRequests        int64
	maxRSSGrowthMiB    float64
	maxGoroutineGrowth int
	maxFDGrowth        int
}

func defaultConfig() config {
	return config{
		duration:           3 * time.Minute,
		interval:           5 * time.Second,
		workers:            8,
		maxRequests:        20_000_000,
		maxRSSGrowthMiB:    48,
		maxGoroutineGrowth: 40,
		maxFDGrowth:        24,
	}
}
