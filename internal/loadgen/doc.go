// Package loadgen is the load generator of `make bench-load` (docs/performance.md): N keep-alive
// HTTP/1.1 connections on loopback, each sending one request at a time for a fixed duration, with
// every request built by a per-target factory (so every request to bsskit is freshly V1-signed),
// latencies kept as sorted samples, and helpers to start a server process and read its peak memory.
//
//	res, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Conns: 32, Duration: 5 * time.Second,
//		Request: signer.Request})
//	fmt.Println(res.RPS(), res.Percentile(0.99))
//
// The client is a minimal HTTP/1.1 client of its own (Content-Length and chunked bodies), much
// lighter than net/http's, because it shares the machine's cores with the server it measures.
package loadgen
