package limit_test

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sync/semaphore"

	"github.com/gopatterns/concurrency/pool/limit"
)

// The benchmarks run each implementation in the same process, so that
// benchstat -col /impl gives ratios. One op is one Acquire and its release.
//
//	Semaphore  Acquire(1)+Release(1): ours and x/sync's Weighted
//	Adaptive   Acquire+Done, beside x/sync's Acquire+Release
//
// Uncontended runs on one goroutine; Parallel under b.RunParallel at
// GOMAXPROCS 2, with a size that never makes anyone wait (size=big) and
// with a size of 1, where the two goroutines queue for the one unit.

type acquirer interface {
	acquire(ctx context.Context)
	release()
}

type ours struct{ s *limit.Semaphore }

func (o ours) acquire(ctx context.Context) {
	if err := o.s.Acquire(ctx, 1); err != nil {
		panic(err)
	}
}
func (o ours) release() { o.s.Release(1) }

type xsync struct{ s *semaphore.Weighted }

func (x xsync) acquire(ctx context.Context) {
	if err := x.s.Acquire(ctx, 1); err != nil {
		panic(err)
	}
}
func (x xsync) release() { x.s.Release(1) }

func impls(size int64) []struct {
	name string
	a    acquirer
} {
	return []struct {
		name string
		a    acquirer
	}{
		{"impl=ours", ours{limit.NewSemaphore(size)}},
		{"impl=xsync", xsync{semaphore.NewWeighted(size)}},
	}
}

func BenchmarkSemaphore(b *testing.B) {
	ctx := context.Background()
	b.Run("mode=uncontended", func(b *testing.B) {
		for _, im := range impls(1 << 20) {
			b.Run(im.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					im.a.acquire(ctx)
					im.a.release()
				}
			})
		}
	})
	for _, size := range []struct {
		name string
		n    int64
	}{{"size=big", 1 << 20}, {"size=1", 1}} {
		b.Run("mode=parallel/"+size.name, func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
			for _, im := range impls(size.n) {
				b.Run(im.name, func(b *testing.B) {
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							im.a.acquire(ctx)
							im.a.release()
						}
					})
				})
			}
		})
	}
}

// BenchmarkAdaptive measures Acquire+Done of Adaptive beside Acquire+Release
// of x/sync's semaphore, whose cost is the yardstick (target: at most 2x).
func BenchmarkAdaptive(b *testing.B) {
	ctx := context.Background()
	b.Run("mode=uncontended", func(b *testing.B) {
		b.Run("impl=ours", func(b *testing.B) {
			var a limit.Adaptive
			b.ReportAllocs()
			for b.Loop() {
				p, err := a.Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				p.Done()
			}
		})
		b.Run("impl=xsync", func(b *testing.B) {
			s := semaphore.NewWeighted(20)
			b.ReportAllocs()
			for b.Loop() {
				_ = s.Acquire(ctx, 1)
				s.Release(1)
			}
		})
	})
	b.Run("mode=parallel", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
		b.Run("impl=ours", func(b *testing.B) {
			var a limit.Adaptive
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p, err := a.Acquire(ctx)
					if err != nil {
						panic(err)
					}
					p.Done()
				}
			})
		})
		b.Run("impl=xsync", func(b *testing.B) {
			s := semaphore.NewWeighted(20)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_ = s.Acquire(ctx, 1)
					s.Release(1)
				}
			})
		})
	})
}
