// Command killrate runs the contract suite against the unmodified fake and every mutant of
// internal/mutants and prints the kill rate. It exits 1 unless both baselines pass and the kill
// rate is 100%. `make mutants` runs it.
//
//	go run ./cmd/killrate [-seed N] [-signature v1|v3]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/internal/mutants"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of the contract runs")
	sig := flag.String("signature", "v1", "signature version: v1 or v3")
	flag.Parse()
	_, ok := mutants.KillRate(context.Background(), os.Stdout, *seed, contract.SignatureVersion(*sig))
	if !ok {
		fmt.Println("FAIL: a baseline failed or a mutant survived")
		os.Exit(1)
	}
}
