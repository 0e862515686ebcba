# netconform: common tasks. `make test` is what CI runs (see .ci/run).
GO      ?= go
PKGS    ?= ./...
LUA     ?= lua5.1

.PHONY: all test lua-test lua-report lint vet fmt cover bench run

all: test

## test: everything CI checks: gofmt and vet, the Lua unit tests, then the
## whole Go test suite twice: plain, as `go test ./...` runs it for a Go
## user, and with the race detector.
test: lint lua-test
	$(GO) test -count=1 $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

## lua-test: the Lua drivers' unit tests (skipped without lua5.1 unless CI=true).
lua-test:
	@if command -v $(LUA) >/dev/null 2>&1; then $(LUA) drivers/lua/test_unit.lua; \
	elif [ "$$CI" = true ]; then echo "lua-test: $(LUA) is required in CI (see .ci/run)" >&2; exit 1; \
	else echo "lua-test: skipped, $(LUA) is not installed (apt-get install lua5.1 lua-socket lua-sec lua-cjson)"; fi

## lua-report: the LuaSocket network.* implementation's conformance report
## (reports/out/luasocket/), through the exec driver. Its own conformance
## failures (exit 1) are the report's content, not a build failure; a setup
## error (exit 2) is.
lua-report:
	@$(GO) run ./cmd/netconform run --driver exec --time-scale 0.05 --out reports/out/luasocket \
		-- $(LUA) drivers/lua/stdio_driver.lua network_luasocket; \
	code=$$?; if [ $$code -eq 2 ]; then exit 2; fi

## lint: gofmt and go vet must be clean.
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

## run: the whole conformance run against the reference (reports in reports/out/); RUNFLAGS adds flags.
run:
	$(GO) run ./cmd/netconform run $(RUNFLAGS)

## cover: statement coverage of the reference implementation.
cover:
	$(GO) test -coverprofile=impl.cover.out ./impl/...
	$(GO) tool cover -func=impl.cover.out | tail -1

## bench: every figure of docs/benchmarks.md in one run, as a table (bench/run.sh:
## suite wall time over the slowest case, 1 GiB transfers against curl, wrk
## against a bare net/http handler and go-httpbin, the Go benchmarks). Needs
## wrk, curl, jq and GNU time (apt-get install wrk curl jq time). BENCHFLAGS
## adds flags or picks sections, e.g. BENCHFLAGS='-r 5 rps'.
BENCHFLAGS ?=
bench:
	GO=$(GO) bench/run.sh $(BENCHFLAGS)

## fuzz: every fuzz target for FUZZTIME each (default 30s), one after another
## (bench/fuzz.sh prints execs/s per target; crashers land in <pkg>/testdata/fuzz/).
FUZZTIME ?= 30s
.PHONY: fuzz
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bench/fuzz.sh

## flake: the full suite against the reference FLAKE_RUNS times (default 30)
## with every core loaded by a CPU hog; fails on any unexpected result
## (bench/flake.sh prints the count per case and the wall time per run).
FLAKE_RUNS ?= 30
.PHONY: flake
flake:
	FLAKE_RUNS=$(FLAKE_RUNS) GO=$(GO) bench/flake.sh

## mutate: the mutation score of the conformance suite alone (bench/mutate.sh:
## go-gremlins/gremlins, installed by the script into a temporary GOBIN,
## mutates a temporary copy of impl/; each mutant is judged by specs/ only,
## never by impl's unit tests; survivors by file:line, mutator and rule).
## MUTATEFLAGS adds flags or names impl files, e.g. MUTATEFLAGS='-w 2 redirect.go'.
## A full run is ~255 mutants at 6-15 s each on 2 cores.
MUTATEFLAGS ?=
.PHONY: mutate
mutate:
	GO=$(GO) bench/mutate.sh $(MUTATEFLAGS)
