package group_test

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/group"
)

// trivial is the work of the Map benchmarks. It is a variable so that no
// implementation gets it inlined.
var trivial = func(_ context.Context, v int) (int, error) { return v + 1, nil }

// reportPerItem adds an ns/item metric for benchmarks whose op is n items.
func reportPerItem(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
}

// BenchmarkGoWait starts 1,000,000 trivial tasks under SetLimit(GOMAXPROCS)
// and waits for them.
func BenchmarkGoWait(b *testing.B) {
	benchGoWait(b,
		func() goWaiter { return new(errgroup.Group) },
		func() goWaiter { return new(group.Group) })
}

// BenchmarkGoWaitContext is BenchmarkGoWait with groups from WithContext.
func BenchmarkGoWaitContext(b *testing.B) {
	benchGoWait(b,
		func() goWaiter { g, _ := errgroup.WithContext(context.Background()); return g },
		func() goWaiter { g, _ := group.WithContext(context.Background()); return g })
}

// goWaiter is what errgroup.Group and group.Group have in common here.
type goWaiter interface {
	SetLimit(n int)
	Go(f func() error)
	Wait() error
}

// benchGoWait runs 1,000,000 trivial tasks under SetLimit(GOMAXPROCS) in a
// group from each constructor, errgroup's first.
func benchGoWait(b *testing.B, errgroupNew, groupNew func() goWaiter) {
	const tasks = 1_000_000
	limit := runtime.GOMAXPROCS(0)
	for _, impl := range []struct {
		name string
		new  func() goWaiter
	}{{"errgroup", errgroupNew}, {"group", groupNew}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g := impl.new()
				g.SetLimit(limit)
				for range tasks {
					g.Go(func() error { return nil })
				}
				g.Wait()
			}
			reportPerItem(b, tasks)
		})
	}
}

// BenchmarkMap maps a trivial function over 1,000,000 ints: a sequential
// loop, errgroup with one Go per item under SetLimit(GOMAXPROCS) writing
// into a slice, and group.Map.
func BenchmarkMap(b *testing.B) {
	const n = 1_000_000
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	ctx := context.Background()
	b.Run("impl=sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := make([]int, n)
			for i, v := range items {
				r, err := trivial(ctx, v)
				if err != nil {
					b.Fatal(err)
				}
				out[i] = r
			}
		}
		reportPerItem(b, n)
	})
	b.Run("impl=errgroup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g, ctx := errgroup.WithContext(ctx)
			g.SetLimit(runtime.GOMAXPROCS(0))
			out := make([]int, n)
			for i, v := range items {
				g.Go(func() error {
					r, err := trivial(ctx, v)
					out[i] = r
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
		}
		reportPerItem(b, n)
	})
	b.Run("impl=group", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := group.Map(ctx, items, 0, trivial); err != nil {
				b.Fatal(err)
			}
		}
		reportPerItem(b, n)
	})
}
