package group_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// reportCPUPerOp adds a cpu-ns/op metric, the CPU time of the process since
// start per op: on a shared machine it moves much less than wall time.
func reportCPUPerOp(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((conctest.CPUTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// flightImpls are the implementations the Flight benchmarks compare:
// x/sync's singleflight, a Flight called with a context that can never
// end (fn runs on the caller's goroutine), one called with a context that
// can (fn runs on a goroutine of its own), and x/sync's DoChan in a select
// with such a context, the way to leave a call on cancellation that x/sync
// offers (its fn runs on a goroutine of its own too).
var flightImpls = []string{"xsync", "ours", "ours-cancelable", "xsync-dochan"}

// flightDo returns a function that calls Do of implementation impl for
// key with fn.
func flightDo(b *testing.B, impl string, fn func() (int, error)) func(key string) (int, error) {
	switch impl {
	case "xsync":
		var g singleflight.Group
		xfn := func() (any, error) { return fn() }
		return func(key string) (int, error) {
			v, err, _ := g.Do(key, xfn)
			return v.(int), err
		}
	case "ours":
		var f group.Flight[string, int]
		ctx := context.Background()
		ofn := func(context.Context) (int, error) { return fn() }
		return func(key string) (int, error) {
			v, err, _ := f.Do(ctx, key, ofn)
			return v, err
		}
	case "xsync-dochan":
		var g singleflight.Group
		ctx, cancel := context.WithCancel(context.Background())
		b.Cleanup(cancel)
		xfn := func() (any, error) { return fn() }
		return func(key string) (int, error) {
			select {
			case r := <-g.DoChan(key, xfn):
				return r.Val.(int), r.Err
			case <-ctx.Done():
				return 0, context.Cause(ctx)
			}
		}
	default:
		var f group.Flight[string, int]
		ctx, cancel := context.WithCancel(context.Background())
		b.Cleanup(cancel)
		ofn := func(context.Context) (int, error) { return fn() }
		return func(key string) (int, error) {
			v, err, _ := f.Do(ctx, key, ofn)
			return v, err
		}
	}
}

// BenchmarkFlightDo is one caller calling Do with a trivial function: the
// cost of a call that nobody shares.
func BenchmarkFlightDo(b *testing.B) {
	fn := func() (int, error) { return 1, nil }
	for _, impl := range flightImpls {
		b.Run("impl="+impl, func(b *testing.B) {
			b.ReportAllocs()
			do := flightDo(b, impl, fn)
			defer reportCPUPerOp(b, conctest.CPUTime())
			for b.Loop() {
				if _, err := do("key"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFlightShared is 64 goroutines calling Do for one key, with a
// function of about 10µs of CPU, so that most calls are shared; ns/op is
// the time per caller.
func BenchmarkFlightShared(b *testing.B) {
	fn := func() (int, error) { return 1, spin() }
	for _, impl := range flightImpls {
		b.Run("impl="+impl, func(b *testing.B) {
			b.ReportAllocs()
			do := flightDo(b, impl, fn)
			b.SetParallelism(64 / max(1, runtime.GOMAXPROCS(0)))
			defer reportCPUPerOp(b, conctest.CPUTime())
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := do("key"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
