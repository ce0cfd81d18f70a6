package peerbench

import (
	"context"
	"strconv"
	"sync"
	"time"

	uber "go.uber.org/ratelimit"
	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// The limiter workloads: Allow on one limiter, Allow over 10,000 keys, and
// the long-run rate of a loop of blocking Waits. go.uber.org/ratelimit has
// no Allow, so it is only in the Wait loops.
func limitWorkloads() []*workload {
	return []*workload{
		{key: "AllowRefusing", name: "Allow, one limiter refusing most calls (10,000/s, burst 100)",
			unit: "call", items: 100_000, check: 100_000, impls: allowImpls(10_000, 100)},
		{key: "AllowAllowing", name: "Allow, one limiter allowing every call (1e8/s, burst 100)",
			unit: "call", items: 100_000, check: 100_000, impls: allowImpls(1e8, 100)},
		{key: "KeyedRefill", name: "Allow over 10,000 keys, each back before its bucket refills (100/s, burst 10)",
			unit: "call", items: 10_000, check: 10_000, impls: keyedImpls(100, 10)},
		{key: "KeyedFull", name: "Allow over 10,000 keys, each back to a full bucket (1e6/s, burst 10)",
			unit: "call", items: 10_000, check: 10_000, impls: keyedImpls(1e6, 10)},
		{key: "Wait1000", name: "Wait loop at 1,000/s (burst 1)", unit: "event", rate: 1_000,
			items: 200, check: 20, want: count, impls: waitImpls(1_000, 1)},
		{key: "Wait10000", name: "Wait loop at 10,000/s (burst 10)", unit: "event", rate: 10_000,
			items: 2_000, check: 200, want: count, impls: waitImpls(10_000, 10)},
	}
}

// count is the checksum of a Wait loop: one per event.
func count(n int) int64 { return int64(n) }

// allowed calls allow n times and returns how many calls it allowed.
func allowed(n int, allow func() bool) int64 {
	var s int64
	for range n {
		if allow() {
			s++
		}
	}
	return s
}

func allowImpls(r rate.Limit, burst int) []impl {
	return []impl{
		{name: "TokenBucket", ours: true, setup: func() (func(int) int64, func()) {
			b := ratelimit.NewTokenBucket(r, burst)
			return func(n int) int64 { return allowed(n, b.Allow) }, func() {}
		}},
		{name: "Ticker", ours: true, setup: func() (func(int) int64, func()) {
			t := ratelimit.NewTicker(time.Duration(float64(time.Second) / float64(r)))
			return func(n int) int64 { return allowed(n, t.Allow) }, t.Stop
		}},
		{name: "rate.Limiter", setup: func() (func(int) int64, func()) {
			l := rate.NewLimiter(r, burst)
			return func(n int) int64 { return allowed(n, l.Allow) }, func() {}
		}},
	}
}

// mutexMap is the per-key limiter users write by hand: a mutex-guarded map
// of *rate.Limiter that never forgets a key.
type mutexMap struct {
	mu    sync.Mutex
	m     map[string]*rate.Limiter
	r     rate.Limit
	burst int
}

func (m *mutexMap) Allow(key string) bool {
	m.mu.Lock()
	l := m.m[key]
	if l == nil {
		l = rate.NewLimiter(m.r, m.burst)
		m.m[key] = l
	}
	m.mu.Unlock()
	return l.Allow()
}

// addresses returns n distinct keys that look like client addresses.
func addresses(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
	}
	return keys
}

// keyedImpls are the per-key limiters compared: each has met every one of
// the 10,000 keys before the first op, and an op of n calls walks on
// through the keys in turn.
func keyedImpls(r rate.Limit, burst int) []impl {
	keys := addresses(10_000)
	walk := func(allow func(string) bool) func() (func(int) int64, func()) {
		return func() (func(int) int64, func()) {
			for _, k := range keys {
				allow(k)
			}
			i := 0
			return func(n int) int64 {
				return allowed(n, func() bool {
					ok := allow(keys[i])
					if i++; i == len(keys) {
						i = 0
					}
					return ok
				})
			}, func() {}
		}
	}
	return []impl{
		{name: "Keyed", ours: true, setup: func() (func(int) int64, func()) {
			return walk(ratelimit.NewKeyed[string](r, burst).Allow)()
		}},
		{name: "mutex map of rate.Limiter", setup: func() (func(int) int64, func()) {
			m := &mutexMap{m: map[string]*rate.Limiter{}, r: r, burst: burst}
			return walk(m.Allow)()
		}},
	}
}

// waitImpls are the limiters compared in a loop of blocking Waits at perSec
// events per second; the buckets have the given burst, go.uber.org/ratelimit
// its default slack.
func waitImpls(perSec, burst int) []impl {
	interval := time.Second / time.Duration(perSec)
	loop := func(wait func(context.Context) error) func(int) int64 {
		return func(n int) int64 {
			ctx := context.Background()
			var s int64
			for range n {
				mustNil(wait(ctx))
				s++
			}
			return s
		}
	}
	return []impl{
		{name: "Ticker", ours: true, setup: func() (func(int) int64, func()) {
			t := ratelimit.NewTicker(interval)
			return loop(t.Wait), t.Stop
		}},
		{name: "TokenBucket", ours: true, setup: func() (func(int) int64, func()) {
			return loop(ratelimit.NewTokenBucket(rate.Limit(perSec), burst).Wait), func() {}
		}},
		{name: "rate.Limiter", setup: func() (func(int) int64, func()) {
			return loop(rate.NewLimiter(rate.Limit(perSec), burst).Wait), func() {}
		}},
		{name: "uber ratelimit", setup: func() (func(int) int64, func()) {
			l := uber.New(perSec)
			return loop(func(context.Context) error { l.Take(); return nil }), func() {}
		}},
	}
}
