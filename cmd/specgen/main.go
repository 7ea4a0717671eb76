// Command specgen writes spec/bssopenapi.yaml from the official API metadata of BssOpenApi
// (api-docs.json) and the hand-written overlay (spec/overlay.yaml): every API of the metadata, and
// every operation the overlay adds from the old Go SDK, becomes an operation of the document with
// its parameters, RPC styles, response schema and error codes (internal/specgen).
//
// Usage:
//
//	go run ./cmd/specgen -metadata path/to/api-docs.json            # rewrite spec/bssopenapi.yaml
//	go run ./cmd/specgen -metadata path/to/api-docs.json -check     # exit 1 when the committed spec drifted
//
// The metadata file is read, never copied into the project.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/bsskit/bsskit/internal/specgen"
)

func main() {
	metadata := flag.String("metadata", "", "the api-docs.json of BssOpenApi 2017-12-14 (required)")
	overlay := flag.String("overlay", "spec/overlay.yaml", "the hand-written overlay")
	out := flag.String("out", "spec/bssopenapi.yaml", "the document to write (or, with -check, to compare)")
	check := flag.Bool("check", false, "compare instead of writing: exit 1 when the document differs")
	flag.Parse()
	if err := run(*metadata, *overlay, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func run(metadata, overlay, out string, check bool) error {
	if metadata == "" {
		return fmt.Errorf("-metadata is required")
	}
	mb, err := os.ReadFile(metadata)
	if err != nil {
		return err
	}
	meta, err := specgen.ParseMetadata(mb)
	if err != nil {
		return fmt.Errorf("%s: %w", metadata, err)
	}
	ob, err := os.ReadFile(overlay)
	if err != nil {
		return err
	}
	doc, err := specgen.Generate(meta, ob)
	if err != nil {
		return fmt.Errorf("%s: %w", overlay, err)
	}
	if !check {
		return os.WriteFile(out, doc, 0o644)
	}
	have, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if !bytes.Equal(have, doc) {
		return fmt.Errorf("%s drifted from %s and %s: run 'make spec METADATA=%s' and commit", out, overlay, metadata, metadata)
	}
	return nil
}
