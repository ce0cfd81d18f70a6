package group_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// trivial is the work of the Map benchmarks. It is a variable so that no
// implementation gets it inlined.
var trivial = func(_ context.Context, v int) (int, error) { return v + 1, nil }

// reportPerItem adds an ns/item metric for benchmarks whose op is n items.
func reportPerItem(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
}

// The Go+Wait workloads: trivial tasks, where the cost of Go itself shows,
// and tasks of about 10µs of CPU and of a 1ms sleep, closer to real work.
var (
	trivialTasks = goWork{tasks: 1_000_000, f: func() error { return nil }}
	cpuTasks     = goWork{tasks: 20_000, f: spin}
	sleepTasks   = goWork{tasks: 10_000, limit: 1000, f: func() error { time.Sleep(time.Millisecond); return nil }}
)

// goWork is tasks calls of f under SetLimit(limit); limit 0 means
// GOMAXPROCS.
type goWork struct {
	tasks int
	limit int
	f     func() error
}

// spin takes about 10µs of CPU.
func spin() error {
	x := uint64(7)
	for range 12_000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	spun.Add(x & 1)
	return nil
}

var spun atomic.Uint64

// BenchmarkGoWait starts 1,000,000 trivial tasks under SetLimit(GOMAXPROCS)
// and waits for them.
func BenchmarkGoWait(b *testing.B) {
	benchGoWait(b, trivialTasks, newGroups)
}

// BenchmarkGoWaitContext is BenchmarkGoWait with groups from WithContext.
func BenchmarkGoWaitContext(b *testing.B) {
	benchGoWait(b, trivialTasks, newContextGroups)
}

// BenchmarkGoWaitCPU runs 20,000 tasks of about 10µs of CPU under
// SetLimit(GOMAXPROCS).
func BenchmarkGoWaitCPU(b *testing.B) {
	benchGoWait(b, cpuTasks, newGroups)
}

// BenchmarkGoWaitSleep runs 10,000 tasks that sleep 1ms under
// SetLimit(1000).
func BenchmarkGoWaitSleep(b *testing.B) {
	benchGoWait(b, sleepTasks, newGroups)
}

// goWaiter is what errgroup.Group and group.Group have in common here.
type goWaiter interface {
	SetLimit(n int)
	Go(f func() error)
	Wait() error
}

// groups makes an errgroup and a group to compare.
type groups struct{ errgroup, group func() goWaiter }

var (
	newGroups = groups{
		func() goWaiter { return new(errgroup.Group) },
		func() goWaiter { return new(group.Group) },
	}
	newContextGroups = groups{
		func() goWaiter { g, _ := errgroup.WithContext(context.Background()); return g },
		func() goWaiter { g, _ := group.WithContext(context.Background()); return g },
	}
)

// benchGoWait runs w in a group from each constructor, errgroup's first.
func benchGoWait(b *testing.B, w goWork, newGroup groups) {
	limit := w.limit
	if limit == 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	for _, impl := range []struct {
		name string
		new  func() goWaiter
	}{{"errgroup", newGroup.errgroup}, {"group", newGroup.group}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := conctest.CPUTime()
			for b.Loop() {
				g := impl.new()
				g.SetLimit(limit)
				for range w.tasks {
					g.Go(w.f)
				}
				g.Wait()
			}
			reportPerItem(b, w.tasks)
			// CPU time moves less than wall time on a shared machine.
			b.ReportMetric(float64((conctest.CPUTime()-cpu).Nanoseconds())/float64(b.N)/float64(w.tasks), "cpu-ns/item")
		})
	}
}

// BenchmarkMap maps a trivial function over 1,000,000 ints: a sequential
// loop, errgroup with one Go per item under SetLimit(GOMAXPROCS) writing
// into a slice, group.Map, and group.MapAll, which also returns a slice of
// errors.
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
	b.Run("impl=MapAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, errs := group.MapAll(ctx, items, 0, trivial); errs != nil {
				b.Fatal(errs)
			}
		}
		reportPerItem(b, n)
	})
}
