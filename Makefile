# bsskit: `make help` lists the targets.
GO        ?= go
ADDR      ?= 127.0.0.1:8080
SPECTRAL_VERSION := 6.16.3
SPECTRAL  := .tools/spectral/node_modules/.bin/spectral
FUZZTIME  ?= 30s

.PHONY: help run test generate check-generated lint bench bench-load fuzz fuzz-short soak build

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

generate: ## regenerate spec/codes.gen.go and generated/ from spec/bssopenapi.yaml
	$(GO) generate ./spec/ ./generated/

check-generated: generate ## fail when the committed generated code differs from what `make generate` writes
	@git diff --exit-code -- spec/codes.gen.go generated/ || \
	  { echo "generated code drifted from spec/bssopenapi.yaml: run 'make generate' and commit"; exit 1; }

$(SPECTRAL):
	npm install --no-audit --no-fund --silent --prefix .tools/spectral @stoplight/spectral-cli@$(SPECTRAL_VERSION)

lint: $(SPECTRAL) ## gofmt, go vet and Spectral over the spec (zero errors)
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not gofmt-ed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(SPECTRAL) lint spec/bssopenapi.yaml --ruleset .spectral.yaml --fail-severity error

bench: ## Go benchmarks (ns/op, B/op, allocs/op)
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...
