# Targets: test, examples, bench, bench-peers, lint, cover, fuzz. Every tool is pinned and
# fetched through the Go module proxy, so a machine with only Go can run them.

GO         ?= go
PKGS       ?= ./...
BENCHPKGS  ?= pool pipeline ratelimit cancel group
BENCH      ?= .
BENCHCOUNT ?= 6
FUZZTIME   ?= 10s
PEERROUNDS ?= 7
PEERTIME   ?= 500ms
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   = golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

.PHONY: all test test-redislimit examples bench bench-peers lint cover fuzz

all: lint test examples

# The whole suite under the race detector, then once more as a 32-bit
# program, where 64-bit atomic operations panic on words that are not 8-byte
# aligned. The 32-bit pass needs a linux/amd64 host, which runs 386 programs.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)
	@if [ "$$($(GO) env GOHOSTOS)/$$($(GO) env GOHOSTARCH)" = linux/amd64 ]; then \
		echo "GOARCH=386 $(GO) test -count=1 $(PKGS)"; \
		GOARCH=386 $(GO) test -count=1 $(PKGS); \
	else \
		echo "skipping the 32-bit pass: it needs a linux/amd64 host"; \
	fi
	cd internal/peerbench && $(GO) vet ./... && $(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory test-redislimit

# The redislimit module (its own go.mod) against the Redis server at
# REDIS_ADDR, with its coverage; without REDIS_ADDR the tests that need a
# server skip (under CI=true they fail), and this says how to start one.
test-redislimit:
	cd ratelimit/redislimit && $(GO) vet ./... && $(GO) test -race -count=1 $(if $(REDIS_ADDR),-cover) ./...
	@[ -n "$(REDIS_ADDR)" ] || echo "redislimit: no REDIS_ADDR, tests against Redis skipped; to run them: \
redis-server --port 6390 --save '' --appendonly no --daemonize yes && REDIS_ADDR=127.0.0.1:6390 make test"

# Runs every program under examples/, failing on the first that fails.
examples:
	@set -e; for d in examples/*/; do \
		[ -d "$$d" ] || continue; \
		echo "== go run ./$$d"; \
		$(GO) run ./$$d; \
	done

# Benchmarks, BENCHCOUNT runs each, one file per package (bench-<pkg>.txt).
# benchstat then prints each benchmark with its implementations (the /impl=
# part of a name) side by side, so that every line is a ratio to the
# baseline that benchmark runs first.
# Narrow it with: make bench BENCHPKGS=pool BENCH=W1
bench:
	@set -e; for pkg in $(BENCHPKGS); do \
		out=bench-$$pkg.txt; \
		$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count=$(BENCHCOUNT) ./$$pkg | tee $$out; \
		for name in $$(sed -n 's/^Benchmark\([^/ -]*\).*/\1/p' $$out | sort -u); do \
			$(GO) run $(BENCHSTAT) -filter ".name:$$name" -col /impl $$out; \
		done; \
	done

# The peer benchmark, a module of its own: each workload on this library and
# on the packages users pick instead, the implementations interleaved round
# by round, printed as one Markdown table of medians and ratios to the best
# peer. About 7 minutes on 2 cores.
# Narrow it with: make bench-peers PEERROUNDS=3 PEERTIME=200ms PEERARGS='-workloads Pool'
bench-peers:
	cd internal/peerbench && $(GO) test -run '^TestTable$$' -timeout 30m -benchtime $(PEERTIME) \
		-table -rounds $(PEERROUNDS) $(PEERARGS)

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: not formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	$(GO) run ./internal/doccheck
	cd ratelimit/redislimit && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

# Per-package statement coverage of the library (the example programs have
# no tests of their own; make examples runs them).
cover:
	$(GO) test -count=1 -cover $$($(GO) list $(PKGS) | grep -v /examples/)

# Runs each fuzz target for FUZZTIME.
fuzz:
	@set -e; for f in $$(grep -l '^func Fuzz' $$(find . -name '*_test.go' -not -path './.*')); do \
		dir=$$(dirname $$f); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$dir $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done
