package pipeline_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/pipeline"
)

// The workloads of the benchmarks. Every one runs its baselines first, in
// the same benchmark function, so that benchstat -col /impl shows ratios:
//
//	impl=handwritten  the hand-written unbuffered pipeline of the classic
//	                  fan-out / fan-in program: a generator, workers
//	                  goroutines, and a merge
//	impl=loop         a plain sequential loop (not for P3: it would take 10 s)
//	impl=ideal        for P2 and P3, workers goroutines that each take an
//	                  equal share of the items up front: no hand-off at all,
//	                  so the best any pipeline can do with this many workers
//	                  (a 1 ms sleep takes longer than 1 ms, so x-ideal alone
//	                  overstates)
//
// then impl=Map, impl=OrderedMap and impl=FanOut (Generate -> FanOut ->
// Merge). One op is the whole workload; ns/item is the cost per item. For
// P2 and P3, x-paired is the time of Map or OrderedMap over that of
// impl=ideal run alternately with it, op by op, and x-handwritten the time
// of FanOut over that of impl=handwritten run the same way.
type workload struct {
	items   int
	workers int // 0: GOMAXPROCS
	f       func(int) int
	mf      func(context.Context, int) (int, error) // f for Map
}

// P1: 1,000,000 trivial items.
func BenchmarkP1(b *testing.B) {
	run(b, workload{items: 1_000_000,
		f:  func(n int) int { return n * n },
		mf: func(_ context.Context, n int) (int, error) { return n * n, nil },
	})
}

// P2: 100,000 items of about 10 µs of CPU each.
func BenchmarkP2(b *testing.B) {
	run(b, workload{items: 100_000, f: spin,
		mf: func(_ context.Context, n int) (int, error) { return spin(n), nil },
	})
}

// P3: 10,000 items that each sleep 1 ms, with 100 workers; the ideal is
// 100 ms, and x-ideal reports the ratio to it.
func BenchmarkP3(b *testing.B) {
	run(b, workload{items: 10_000, workers: 100,
		f: func(n int) int {
			time.Sleep(time.Millisecond)
			return n
		},
		mf: func(_ context.Context, n int) (int, error) {
			time.Sleep(time.Millisecond)
			return n, nil
		},
	})
}

// spin costs about 10 µs of CPU on the machines the benchmarks were written
// on (xorshift steps of about 2 ns).
func spin(n int) int {
	x := uint64(n) | 1
	for range 5000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return int(x)
}

var sink int

func run(b *testing.B, w workload) {
	workers := w.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	in := ints(w.items)
	sleeps := w.workers != 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	impls := []struct {
		name string
		run  func() int
	}{
		{"handwritten", func() int { return handWrittenPipeline(in, workers, w.f) }},
		{"loop", func() int {
			s := 0
			for _, v := range in {
				s += w.f(v)
			}
			return s
		}},
		{"ideal", func() int { return staticShares(in, workers, w.f) }},
		{"Map", func() int {
			s := 0
			for v, err := range pipeline.Map(ctx, slices.Values(in), workers, w.mf) {
				if err != nil {
					b.Fatal(err)
				}
				s += v
			}
			return s
		}},
		{"OrderedMap", func() int {
			s := 0
			for v, err := range pipeline.OrderedMap(ctx, slices.Values(in), workers, w.mf) {
				if err != nil {
					b.Fatal(err)
				}
				s += v
			}
			return s
		}},
		{"FanOut", func() int {
			outs := pipeline.FanOut(ctx, pipeline.Generate(ctx, in...), workers, w.f)
			s := 0
			for v := range pipeline.Merge(ctx, outs...) {
				s += v
			}
			return s
		}},
	}
	for _, impl := range impls {
		if sleeps && impl.name == "loop" || w.items >= 1_000_000 && impl.name == "ideal" {
			continue
		}
		// Timer behaviour on a VM drifts over seconds, and the impls run
		// one after another: for P2 and P3 each op of ours also runs the
		// baseline of its target, untimed, alternately before and after,
		// so that the ratio compares adjacent runs.
		paired := w.items < 1_000_000 && impl.name != "handwritten" && impl.name != "loop" && impl.name != "ideal"
		baseline, metric := func() int { return staticShares(in, workers, w.f) }, "x-paired"
		if impl.name == "FanOut" {
			baseline, metric = func() int { return handWrittenPipeline(in, workers, w.f) }, "x-handwritten"
		}
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			var ours, base time.Duration
			for i := 0; b.Loop(); i++ {
				if !paired {
					sink += impl.run()
					continue
				}
				if i%2 == 0 {
					base += untimed(b, func() { sink += baseline() })
				}
				start := time.Now()
				sink += impl.run()
				ours += time.Since(start)
				if i%2 == 1 {
					base += untimed(b, func() { sink += baseline() })
				}
			}
			if base > 0 {
				b.ReportMetric(float64(ours)/float64(base), metric)
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perOp/float64(w.items), "ns/item")
			if sleeps {
				ideal := float64(w.items) * float64(time.Millisecond) / float64(workers)
				b.ReportMetric(perOp/ideal, "x-ideal")
			}
		})
	}
}

// untimed runs f with b's timer stopped and returns how long it took.
func untimed(b *testing.B, f func()) time.Duration {
	b.StopTimer()
	defer b.StartTimer()
	start := time.Now()
	f()
	return time.Since(start)
}

// handWrittenPipeline is the classic fan-out / fan-in program, unchanged
// but for the number of workers and the function: unbuffered channels, a
// generator, workers that each own an output, and a merge.
func handWrittenPipeline(in []int, workers int, f func(int) int) int {
	gen := make(chan int)
	go func() {
		for _, v := range in {
			gen <- v
		}
		close(gen)
	}()
	worker := func(in <-chan int) <-chan int {
		out := make(chan int)
		go func() {
			for n := range in {
				out <- f(n)
			}
			close(out)
		}()
		return out
	}
	cs := make([]<-chan int, workers)
	for i := range cs {
		cs[i] = worker(gen)
	}
	var wg sync.WaitGroup
	out := make(chan int)
	wg.Add(len(cs))
	for _, c := range cs {
		go func() {
			for n := range c {
				out <- n
			}
			wg.Done()
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	s := 0
	for n := range out {
		s += n
	}
	return s
}

// staticShares runs f over in with workers goroutines, each taking one
// contiguous share.
func staticShares(in []int, workers int, f func(int) int) int {
	sums := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(in)/workers, (w+1)*len(in)/workers
		wg.Go(func() {
			for _, v := range in[lo:hi] {
				sums[w] += f(v)
			}
		})
	}
	wg.Wait()
	s := 0
	for _, v := range sums {
		s += v
	}
	return s
}
