package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// allowImpls are the single limiters compared, at rate r with burst: the
// baseline first.
func allowImpls(r rate.Limit, burst int) []struct {
	name string
	l    Limiter
} {
	return []struct {
		name string
		l    Limiter
	}{
		{"xrate", rate.NewLimiter(r, burst)},
		{"tokenbucket", NewTokenBucket(r, burst)},
		{"ticker", NewTicker(time.Duration(float64(time.Second) / float64(r)))},
	}
}

// allowStates are the regimes Allow is measured in: a limiter that refuses
// almost every call (10,000/s, burst 100, called far faster), and one that
// allows almost every call (10^8/s).
var allowStates = []struct {
	name  string
	r     rate.Limit
	burst int
}{
	{"refusing", 10_000, 100},
	{"allowing", 1e8, 100},
}

// BenchmarkAllow measures one Allow.
func BenchmarkAllow(b *testing.B) {
	for _, st := range allowStates {
		for _, impl := range allowImpls(st.r, st.burst) {
			b.Run("state="+st.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.l.Allow()
				}
			})
		}
	}
}

// BenchmarkAllowParallel is BenchmarkAllow with every P calling Allow on the
// same limiter.
func BenchmarkAllowParallel(b *testing.B) {
	for _, st := range allowStates {
		for _, impl := range allowImpls(st.r, st.burst) {
			b.Run("state="+st.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						impl.l.Allow()
					}
				})
			})
		}
	}
}

// mutexMap is the usual per-key limiter: a mutex-guarded map of
// *rate.Limiter that never forgets a key.
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

func (m *mutexMap) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}

// keyedImpls are the per-key limiters compared: the baseline first.
func keyedImpls(r rate.Limit, burst int) []struct {
	name string
	new  func() interface {
		Allow(string) bool
		Len() int
	}
} {
	return []struct {
		name string
		new  func() interface {
			Allow(string) bool
			Len() int
		}
	}{
		{"mutexmap", func() interface {
			Allow(string) bool
			Len() int
		} {
			return &mutexMap{m: map[string]*rate.Limiter{}, r: r, burst: burst}
		}},
		{"keyed", func() interface {
			Allow(string) bool
			Len() int
		} {
			return NewKeyed[string](r, burst)
		}},
	}
}

// benchKeys returns n distinct keys that look like client addresses.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
	}
	return keys
}

// keyedWorkloads are the regimes Keyed is measured in, with 10,000 keys
// used in turn: at 10 per second with bursts of 20 a key is never full
// again when it comes back, and most events are refused; at 10^6 per
// second with bursts of 1 it always is, as with clients that come back
// seconds apart under a per-second limit, and every event is allowed. A
// Keyed that forgot full buckets at once would store every key anew.
var keyedWorkloads = []struct {
	name  string
	r     rate.Limit
	burst int
}{
	{"busy", 10, 20},
	{"sparse", 1e6, 1},
}

// BenchmarkKeyedAllow measures Allow over 10,000 keys used in turn.
func BenchmarkKeyedAllow(b *testing.B) {
	keys := benchKeys(10_000)
	for _, w := range keyedWorkloads {
		for _, impl := range keyedImpls(w.r, w.burst) {
			b.Run("workload="+w.name+"/keys=10000/impl="+impl.name, func(b *testing.B) {
				k := impl.new()
				for _, key := range keys {
					k.Allow(key)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					k.Allow(keys[i])
					if i++; i == len(keys) {
						i = 0
					}
				}
			})
		}
	}
}

// BenchmarkKeyedAllowParallel measures Allow over 10,000 keys with every P
// calling, each walking the keys from its own starting point.
func BenchmarkKeyedAllowParallel(b *testing.B) {
	keys := benchKeys(10_000)
	for _, w := range keyedWorkloads {
		for _, impl := range keyedImpls(w.r, w.burst) {
			b.Run("workload="+w.name+"/keys=10000/impl="+impl.name, func(b *testing.B) {
				k := impl.new()
				for _, key := range keys {
					k.Allow(key)
				}
				var start atomic.Int64
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					i := int(start.Add(7919)) % len(keys)
					for pb.Next() {
						k.Allow(keys[i])
						if i++; i == len(keys) {
							i = 0
						}
					}
				})
			})
		}
	}
}

// BenchmarkKeyedFlood sends every Allow with a new key, as a flood of
// distinct clients does, and reports the keys held at the end: the baseline
// keeps them all, Keyed with SetMaxKeys(10,000) at most that many.
func BenchmarkKeyedFlood(b *testing.B) {
	for _, impl := range keyedImpls(1, 1) {
		b.Run("impl="+impl.name, func(b *testing.B) {
			k := impl.new()
			if kk, ok := k.(*Keyed[string]); ok {
				kk.SetMaxKeys(10_000)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k.Allow(strconv.Itoa(i))
				i++
			}
			b.ReportMetric(float64(k.Len()), "keys")
		})
	}
}

// BenchmarkWaitAccuracy runs Wait loops on g goroutines for one second of
// real time per iteration (so -benchtime=1x gives one window) and reports
// the events achieved over the target, and the process CPU time per event.
// time.Ticker and rate.Limiter are the baselines; the buckets have burst 1
// at 1,000/s and burst 10 at 10,000/s.
func BenchmarkWaitAccuracy(b *testing.B) {
	for _, perSec := range []int{1_000, 10_000} {
		for _, g := range []int{1, 8} {
			for _, impl := range waitImpls(perSec) {
				name := fmt.Sprintf("rate=%d/goroutines=%d/impl=%s", perSec, g, impl.name)
				b.Run(name, func(b *testing.B) {
					var events int64
					var cpu time.Duration
					for range b.N {
						wait, stop := impl.start()
						c0 := conctest.CPUTime()
						events += waitWindow(g, wait)
						cpu += conctest.CPUTime() - c0
						stop()
					}
					b.ReportMetric(float64(events)/float64(int64(b.N)*int64(perSec)), "achieved/target")
					if cpu > 0 && events > 0 {
						b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
					}
				})
			}
		}
	}
}

// A waitImpl starts a limiter and returns its Wait and a function that
// releases it.
type waitImpl struct {
	name  string
	start func() (wait func(context.Context) error, stop func())
}

// waitImpls are the limiters BenchmarkWaitAccuracy compares at perSec
// events per second, the baselines first.
func waitImpls(perSec int) []waitImpl {
	burst := perSec / 1_000
	interval := time.Second / time.Duration(perSec)
	return []waitImpl{
		{"timeticker", func() (func(context.Context) error, func()) {
			tk := time.NewTicker(interval)
			return func(ctx context.Context) error {
				select {
				case <-tk.C:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}, tk.Stop
		}},
		{"xrate", func() (func(context.Context) error, func()) {
			return rate.NewLimiter(rate.Limit(perSec), burst).Wait, func() {}
		}},
		{"ticker", func() (func(context.Context) error, func()) {
			tk := NewTicker(interval)
			return tk.Wait, tk.Stop
		}},
		{"tokenbucket", func() (func(context.Context) error, func()) {
			return NewTokenBucket(rate.Limit(perSec), burst).Wait, func() {}
		}},
	}
}

// waitWindow runs g goroutines calling wait for one second and returns how
// many calls succeeded within it.
func waitWindow(g int, wait func(context.Context) error) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var events atomic.Int64
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			for wait(ctx) == nil && ctx.Err() == nil {
				events.Add(1)
			}
		})
	}
	wg.Wait()
	return events.Load()
}
