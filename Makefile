# The patched toolchain: go1.26.8's net/http has known vulnerabilities. go.mod keeps `go 1.26`
# so that the machine's own Go can still build the module (and fetches this one).
export GOTOOLCHAIN := go1.27.3

GO ?= go
DB := scripts/db.sh

.PHONY: run test build openapi fmt bench bench-go fuzz clean-db help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

run: ## find or start PostgreSQL, migrate, load the sample data, serve on :8080 (docs at /docs)
	@url=$$($(DB)) && \
	$(GO) build -o bin/digitalcities ./cmd/digitalcities && \
	DATABASE_URL="$$url" bin/digitalcities seed && \
	DATABASE_URL="$$url" bin/digitalcities serve

.PHONY: lint
lint: ## static checks (go vet, gosec, govulncheck, Spectral and Redocly on the contract, the TypeScript client); installs its tools
	scripts/lint.sh

test: lint ## lint, the whole test suite against a real PostgreSQL, then every fuzzer briefly
	@url=$$($(DB) postgres) && \
	TEST_DATABASE_URL="$$url" $(GO) test -race -count=1 -timeout 8m ./... && \
	TEST_DATABASE_URL="$$url" FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

FUZZTIME ?= 3s

fuzz: ## every fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m)
	@url=$$($(DB) postgres) && TEST_DATABASE_URL="$$url" FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

build: ## build bin/digitalcities
	$(GO) build -o bin/digitalcities ./cmd/digitalcities

openapi: ## regenerate the committed contract openapi/openapi.yaml and the TypeScript client's types from it
	$(GO) run ./cmd/digitalcities openapi > openapi/openapi.yaml
	@[ -x node_modules/.bin/openapi-typescript ] || npm ci --ignore-scripts --no-audit --no-fund
	npm run --silent --workspace clients/typescript generate

fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

bench: ## the API against pgbench and a bare Go floor on a million rows, with targets (about 5 min; needs wrk, pgbench); table in bench/results.md
	scripts/bench.sh

bench-go: ## the Go benchmarks against a real PostgreSQL, one package at a time (see api/bench_test.go)
	@url=$$($(DB) postgres) && \
	TEST_DATABASE_URL="$$url" $(GO) test -p 1 -run '^$$' -bench . -benchmem -timeout 30m ./...

clean-db: ## stop and delete the private PostgreSQL cluster, if scripts/db.sh started one
	@if [ -d .pgdata ]; then \
	  bin=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV | head -1); \
	  as=""; [ "$$(id -u)" = 0 ] && as="runuser -u postgres --"; \
	  $$as $${bin:+$$bin/}pg_ctl -D .pgdata stop -m fast || true; rm -rf .pgdata .pgdata.initdb.log; fi
