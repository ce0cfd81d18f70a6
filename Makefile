# Targets: test, examples, bench, bench-peers, bench-overload, bench-hedge,
# lint, cover, fuzz, mutate. Every tool is pinned and fetched through the Go
# module proxy, so a machine with only Go can run them.

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

.PHONY: all test $(TESTSTEPS) examples bench bench-peers bench-overload bench-hedge lint cover fuzz mutate

all: lint test examples

# The whole suite under the race detector, then once more without it, as a
# 32-bit program, where 64-bit atomic operations panic on words that are not
# 8-byte aligned. The 32-bit pass runs on a linux/amd64 host whose kernel
# runs 386 programs; a host that cannot (no IA-32 emulation: microVMs,
# hardened kernels) gets one line saying so, and the second pass runs
# natively. The second pass also measures coverage for the coverage gate
# (see checkcover): under the race detector coverage counters are atomic,
# which made the ratelimit tests eight times as slow.
#
# Each step runs even when an earlier one failed (make -k), so that a
# failure never hides which later steps would have failed or been skipped;
# make test then exits non-zero and names the failed steps.
TESTSTEPS = test-vet test-race test-second test-peerbench test-redislimit

test:
	@$(MAKE) --no-print-directory -k $(TESTSTEPS) || \
		{ echo "make test: FAILED (the steps make names above as failed; every step ran)"; exit 1; }

test-vet:
	$(GO) vet $(PKGS)

test-race:
	$(GO) test -race -count=1 $(PKGS)

test-second:
	@$(if $(filter 386,$(secondarch)),echo "test: the second pass runs as a 32-bit (386) program",\
		echo "test: the 32-bit pass is skipped: $(if $(filter linux/amd64,$(hostplatform)),this host cannot run 386 programs (its kernel has no IA-32 emulation),there is no 32-bit pass for $(hostplatform)); the second pass runs natively")
	$(call covertest,GOARCH=$(secondarch) $(GO) test -count=1,$(PKGS))

test-peerbench:
	cd internal/peerbench && $(GO) vet ./... && $(GO) test -race -count=1 ./...

hostplatform = $(shell $(GO) env GOHOSTOS)/$(shell $(GO) env GOHOSTARCH)

# hostruns386 is "yes" when a 386 program built here runs here.
hostruns386 = $(shell d=$$(mktemp -d) && printf 'package main\nfunc main() {}\n' >$$d/m.go && \
	GOARCH=386 $(GO) build -o $$d/m $$d/m.go >/dev/null 2>&1 && $$d/m >/dev/null 2>&1 && echo yes; rm -rf $$d)

secondarch = $(if $(filter linux/amd64,$(hostplatform)),$(if $(hostruns386),386,amd64),$(shell $(GO) env GOHOSTARCH))

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

# The overload benchmark (internal/peerbench/overload): this library's
# adaptive concurrency limit against its peers on one seeded arrival trace,
# in real time with sleeps, so it never runs under make test. Under 5
# minutes; its last line is the summary.
bench-overload:
	cd internal/peerbench && $(GO) run ./overload $(OVERLOADARGS)

# The hedging benchmark (internal/peerbench/hedge): hedged HTTP requests
# against a local server with a slow tail, this library against its peers,
# in real time, never under make test. Under 5 minutes; its last line is
# the summary.
bench-hedge:
	cd internal/peerbench && $(GO) run ./hedge $(HEDGEARGS)

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: not formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	$(GO) run ./internal/doccheck
	cd ratelimit/redislimit && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

# Per-package statement coverage of the library (the example programs have
# no tests of their own; make examples runs them), and the coverage gate.
cover:
	$(call covertest,$(GO) test -count=1,$$($(GO) list $(PKGS) | grep -v /examples/))

# The coverage gate: each package of COVERPKGS must cover at least COVERMIN
# percent of its statements. make test and make cover apply it to the
# "coverage:" lines of a go test run they make anyway, so that it costs no
# run of its own. A package of the list that is not in the tree is skipped;
# one that is, but reports no coverage, fails the gate.
COVERMIN  = 97
COVERPKGS = pool pipeline ratelimit ratelimit/httplimit cancel cancel/httphedge group
MODPATH   = github.com/gopatterns/concurrency
checkcover = awk -v min=$(COVERMIN) -v mod=$(MODPATH) \
	-v pkgs="$$(for p in $(COVERPKGS); do if [ -d $$p ]; then printf '%s ' $$p; fi; done)" \
	'BEGIN { n = split(pkgs, p, " ") } \
	$$1 == "ok" { for (i = 3; i < NF; i++) if ($$i == "coverage:") { c = $$(i + 1); sub(/%$$/, "", c); got[$$2] = c } } \
	END { for (i = 1; i <= n; i++) { k = mod "/" p[i]; \
		if (!(k in got)) { printf "coverage gate: %s reported no coverage\n", p[i]; bad = 1 } \
		else if (got[k] + 0 < min) { printf "coverage gate: %s %s%% < %s%%\n", p[i], got[k], min; bad = 1 } \
		else printf "coverage gate: %s %s%% >= %s%%\n", p[i], got[k], min }; \
		exit bad }'

# covertest runs $(1) -cover on the packages $(2), $(1) being a go test
# command, showing its output as it comes, then applies the coverage gate
# if the tests passed.
define covertest
@echo "$(1) -cover $(2)"; \
out=$$(mktemp); \
{ $(1) -cover $(2) 2>&1; echo $$? >$$out.rc; } | tee $$out; \
rc=$$(cat $$out.rc); \
if [ "$$rc" = 0 ]; then $(checkcover) <$$out || rc=1; fi; \
rm -f $$out $$out.rc; exit $$rc
endef

# Mutation testing, not part of make test: it takes minutes per package.
# gremlins changes one operator of a package's code at a time and runs the
# package's tests; a mutant they fail on is killed, one they pass with
# lives. Efficacy is killed / (killed + lived). A living mutant that changes
# speed and not behaviour is listed, with a one-line reason, in the
# package's testdata/equivalent-mutants.txt; the summary counts it apart
# and names every living mutant not listed. gremlins times a mutant out
# after MUTATETIMEOUT times the package's first test run (-count=1 keeps
# that run from coming from the cache): few workers and a generous factor
# keep a loaded machine from passing a slow run off as a verdict.
# Narrow it with: make mutate MUTATEPKGS=pool
GREMLINS       = github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATEPKGS    ?= pool pipeline ratelimit ratelimit/httplimit cancel cancel/httphedge group internal/panics
MUTATEWORKERS ?= 2
MUTATETIMEOUT ?= 10
mutate:
	@for pkg in $(MUTATEPKGS); do \
		if [ ! -d $$pkg ]; then echo "== $$pkg: not in the tree, skipped"; continue; fi; \
		out=$(CURDIR)/mutate-$$(echo $$pkg | tr / -).txt; \
		eqf=$$pkg/testdata/equivalent-mutants.txt; [ -f $$eqf ] || eqf=/dev/null; \
		echo "== $$pkg: gremlins output in $$(basename $$out)"; \
		(cd $$pkg && GOFLAGS=-count=1 $(GO) run $(GREMLINS) unleash --exclude-files / \
			--workers $(MUTATEWORKERS) --timeout-coefficient $(MUTATETIMEOUT)) >$$out 2>&1 || \
			{ cat $$out; exit 1; }; \
		$(mutantsummary) $$eqf $$out; \
	done

# mutantsummary reads the list of equivalent mutants of package $$pkg, $$eqf
# ("file:line:col TYPE reason" lines), and then gremlins' output.
mutantsummary = awk -v pkg="$$pkg" -v eqf="$$eqf" \
	'FILENAME == eqf { if ($$1 !~ /^\#/ && NF >= 2) eq[$$1 " " $$2] = 1; next } \
	$$1 == "KILLED" { k++ } \
	$$1 == "TIMED" { t++; print "  timed out: " $$3 " at " $$5 } \
	$$1 == "LIVED" { l++; key = $$4 " " $$2; \
		if (key in eq) { e++; seen[key] = 1 } else print "  lives, not listed: " $$2 " at " $$4 } \
	END { for (key in eq) if (!(key in seen)) print "  listed, not living: " key; \
		printf "%s: killed %d, lived %d (%d listed as equivalent), timed out %d\n", pkg, k, l, e, t; \
		if (k + l > 0) printf "%s: efficacy %.1f%%; %.1f%% without the listed equivalent mutants\n", \
			pkg, 100 * k / (k + l), 100 * k / (k + l - e) }'

# Runs each fuzz target for FUZZTIME.
fuzz:
	@set -e; for f in $$(grep -l '^func Fuzz' $$(find . -name '*_test.go' -not -path './.*')); do \
		dir=$$(dirname $$f); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$dir $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done
