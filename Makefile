# netconform: common tasks. `make test` is what CI runs (see .ci/run).
GO      ?= go
PKGS    ?= ./...

.PHONY: all test lint vet fmt cover bench

all: lint test

## test: the whole test suite with the race detector, as CI runs it.
test:
	$(GO) test -race -count=1 $(PKGS)

## lint: gofmt and go vet must be clean.
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

## cover: statement coverage of the reference implementation.
cover:
	$(GO) test -coverprofile=impl.cover.out ./impl/...
	$(GO) tool cover -func=impl.cover.out | tail -1

## bench: the Go benchmarks (figures go to docs/benchmarks.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./impl/... ./mockserver/...
