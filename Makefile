# bsskit: `make help` lists the targets.
GO        ?= go
ADDR      ?= 127.0.0.1:8080
SPECTRAL_VERSION := 6.16.3
SPECTRAL  := .tools/spectral/node_modules/.bin/spectral
FUZZTIME  ?= 30s

.PHONY: help run test generate check-generated lint bench bench-load fuzz fuzz-short soak build spec check-spec

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: ## start the fake server on $(ADDR) (make run ADDR=127.0.0.1:0 picks a free port)
	$(GO) run ./cmd/bsskit serve --addr $(ADDR)

build: ## build bin/bsskit
	$(GO) build -o bin/bsskit ./cmd/bsskit

test: ## go vet, go test -race, the generated-code drift check and short fuzz runs
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory check-generated
	$(MAKE) --no-print-directory fuzz-short

generate: ## regenerate spec/codes.gen.go and generated/ from spec/bssopenapi.yaml
	$(GO) generate ./spec/ ./generated/

# The API metadata (api-docs.json) is read, never committed: CI has the shared copy beside the clone.
METADATA ?= ../shared/reference/metadata/bssopenapi-2017-12-14.api-docs.json

spec: ## regenerate spec/bssopenapi.yaml from spec/overlay.yaml and METADATA=path/to/api-docs.json, then make generate
	$(GO) run ./cmd/specgen -metadata $(METADATA) -overlay spec/overlay.yaml -out spec/bssopenapi.yaml
	$(MAKE) --no-print-directory generate

check-spec: ## fail when spec/bssopenapi.yaml differs from what `make spec` writes (skipped without METADATA)
	@if [ -f "$(METADATA)" ]; then $(GO) run ./cmd/specgen -metadata $(METADATA) -overlay spec/overlay.yaml -out spec/bssopenapi.yaml -check && echo "spec: no drift from $(METADATA)"; \
	else echo "check-spec: skipped, no API metadata at $(METADATA)"; fi

check-generated: generate ## fail when the committed generated code differs from what `make generate` writes
	@git diff --exit-code -- spec/codes.gen.go generated/ || \
	  { echo "generated code drifted from spec/bssopenapi.yaml: run 'make generate' and commit"; exit 1; }

$(SPECTRAL):
	npm install --no-audit --no-fund --silent --prefix .tools/spectral @stoplight/spectral-cli@$(SPECTRAL_VERSION)

lint: $(SPECTRAL) ## gofmt, go vet, staticcheck (pinned in go.mod) and Spectral over the spec (zero errors)
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not gofmt-ed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(SPECTRAL) lint spec/bssopenapi.yaml --ruleset .spectral.yaml --fail-severity error

# Benchmarks (docs/performance.md). `make bench` writes tmp/bench/new.txt; keep a baseline with
# `cp tmp/bench/new.txt tmp/bench/old.txt`, change things, `make bench` again, then `make benchstat`.
BENCH      ?= .
BENCHPKG   ?= ./...
BENCHCOUNT ?= 6
BENCHTIME  ?= 1s
BENCHDIR   := tmp/bench
BENCHSTAT  ?= $(GO) run golang.org/x/perf/cmd/benchstat@latest
PRISM_VERSION    := 5.16.0
WIREMOCK_VERSION := 3.13.2
PRISM        := .tools/prism/node_modules/.bin/prism
WIREMOCK_JAR := .tools/wiremock/node_modules/wiremock/build/wiremock-standalone-$(WIREMOCK_VERSION).jar
BENCHLOAD_FLAGS ?=
.PHONY: benchstat

bench: ## Go benchmarks, benchstat format, into tmp/bench/new.txt (BENCH=regexp BENCHPKG=./fake/ BENCHCOUNT=6)
	@mkdir -p $(BENCHDIR)
	@{ $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) $(BENCHPKG); \
	   echo $$? > $(BENCHDIR)/.rc; } | tee $(BENCHDIR)/new.txt
	@exit $$(cat $(BENCHDIR)/.rc)

benchstat: ## compare tmp/bench/old.txt (a saved `make bench`) with tmp/bench/new.txt
	$(BENCHSTAT) $(BENCHDIR)/old.txt $(BENCHDIR)/new.txt

$(PRISM):
	npm install --no-audit --no-fund --silent --prefix .tools/prism @stoplight/prism-cli@$(PRISM_VERSION)

$(WIREMOCK_JAR):
	npm install --no-audit --no-fund --silent --prefix .tools/wiremock wiremock@$(WIREMOCK_VERSION)

bench-load: $(PRISM) $(WIREMOCK_JAR) ## bsskit serve vs Prism vs WireMock vs bare net/http on loopback, and 3 replicas + Redis vs 1 (a few minutes; needs npm, Java, redis-server)
	$(GO) build -o .tools/bench/bsskit ./cmd/bsskit
	$(GO) build -o .tools/bench/benchload ./cmd/benchload
	.tools/bench/benchload -bsskit .tools/bench/bsskit -prism $(PRISM) -wiremock-jar $(WIREMOCK_JAR) \
	  -spec spec/bssopenapi.yaml $(BENCHLOAD_FLAGS)
	@echo "== the mix: 1 CreateInstance to 10 QueryAvailableInstances, bsskit vs the bare server =="
	.tools/bench/benchload -bsskit .tools/bench/bsskit -targets bsskit,bare -queries 10 -million 0 $(BENCHLOAD_FLAGS)

.PHONY: mutants contract node-example

mutants: ## contract suite vs the unmodified fake and every mutant fake: prints the kill rate (must be 100%)
	$(GO) run ./cmd/killrate -signature v1
	$(GO) run ./cmd/killrate -signature v3

contract: ## contract suite against ENDPOINT, or against a fresh `bsskit serve` (CONTRACT_FLAGS=... for more)
	@if [ -n "$(ENDPOINT)" ]; then $(GO) run ./cmd/bsskit contract --endpoint $(ENDPOINT) $(CONTRACT_FLAGS); else \
	  mkdir -p .tools && $(GO) build -o .tools/bsskit ./cmd/bsskit && \
	  { .tools/bsskit serve --addr 127.0.0.1:0 > .tools/contract-serve.log 2>&1 & pid=$$!; \
	    for i in $$(seq 50); do grep -q listening .tools/contract-serve.log && break; sleep 0.1; done; \
	    url=$$(grep -o 'http://127.0.0.1:[0-9]*' .tools/contract-serve.log | head -1); \
	    .tools/bsskit contract --endpoint $$url $(CONTRACT_FLAGS); rc=$$?; kill $$pid; exit $$rc; }; fi

# The Node.js example (issue 23): both official Node.js clients against a bsskit serve built here.
# npm ci installs exactly package-lock.json; --ignore-scripts skips @alicloud/openapi-core's
# postinstall, which only installs TypeScript on Node 10 and 12.
node-example: ## examples/node: npm ci and node --test (both Node.js SDKs against bsskit serve; needs Node.js 20+ and npm)
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "node-example: skipped: node and npm not found (install Node.js 20+ to run examples/node)"; exit 0; fi; \
	mkdir -p .tools/node-example && $(GO) build -o .tools/node-example/bsskit ./cmd/bsskit && \
	cd examples/node && npm ci --no-audit --no-fund --ignore-scripts && \
	BSSKIT_BIN=$(CURDIR)/.tools/node-example/bsskit node --test

# Fuzzing and soak (issue 8): scripts/fuzz.sh runs every fuzz target of every package. make test
# uses an execution-count budget, which cannot hit Go 1.26's fuzz-deadline flake.
FUZZ_SHORT    ?= 2000x
SOAK_DURATION ?= 3m
SOAK_FLAGS    ?=


fuzz: ## run every fuzz target for $(FUZZTIME) each (FUZZTIME=5m make fuzz); a crasher lands in <pkg>/testdata/fuzz/
	@GO=$(GO) scripts/fuzz.sh $(FUZZTIME)

fuzz-short: ## run every fuzz target for $(FUZZ_SHORT) each (part of make test)
	@GO=$(GO) scripts/fuzz.sh $(FUZZ_SHORT)

soak: ## bounded soak of a bsskit serve built from the repo: loopback, faults on, $(SOAK_DURATION) (SOAK_DURATION=10m)
	$(GO) build -o bin/bsskit ./cmd/bsskit
	$(GO) run ./cmd/soak -bin bin/bsskit -duration $(SOAK_DURATION) $(SOAK_FLAGS)
