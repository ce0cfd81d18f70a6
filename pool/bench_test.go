package pool_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/pool"
)

// The workloads of the pool benchmarks. One benchmark op is one task, so
// ns/op and allocs/op are per task. Every implementation runs the same task
// with the same concurrency limit; the first, goroutine per task, is the
// base of the ratios benchstat prints with -col /impl.
//
//	W1  tiny tasks: one atomic add
//	W2  CPU tasks of about 10µs
//	W3  tasks that sleep 1ms, 1000 at once
var sink atomic.Int64

func tiny(i int) { sink.Add(int64(i)) }

// spinIters makes cpuTask take about 10µs on the machine the figures in
// README were measured on.
const spinIters = 12_000

func cpuTask(i int) {
	x := uint64(i) | 1
	for range spinIters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink.Add(int64(x & 1))
}

func sleepTask(int) { time.Sleep(time.Millisecond) }

func BenchmarkW1Tiny(b *testing.B) {
	for _, size := range []int{runtime.GOMAXPROCS(0), 64} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) { benchImpls(b, size, false, tiny) })
	}
}

func BenchmarkW2CPU(b *testing.B) {
	size := runtime.GOMAXPROCS(0)
	b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) { benchImpls(b, size, false, cpuTask) })
}

// BenchmarkW3Sleep bounds the goroutine-per-task baseline by a semaphore of
// the same size: unbounded, it would not be doing the same job.
func BenchmarkW3Sleep(b *testing.B) {
	b.Run("size=1000", func(b *testing.B) { benchImpls(b, 1000, true, sleepTask) })
}

// BenchmarkCPUIdeal runs the W2 task sequentially: W2's ideal time per task
// is this divided by GOMAXPROCS.
func BenchmarkCPUIdeal(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		cpuTask(i)
	}
}

func benchImpls(b *testing.B, size int, boundBase bool, task func(int)) {
	b.Run("impl=goroutine", func(b *testing.B) { goroutinePerTask(b, size, boundBase, task) })
	b.Run("impl=chanpool", func(b *testing.B) { chanPool(b, size, task) })
	b.Run("impl=errgroup", func(b *testing.B) { errgroupLimit(b, size, task) })
	b.Run("impl=pool", func(b *testing.B) { poolNew(b, size, task) })
	b.Run("impl=tasks", func(b *testing.B) { poolTasks(b, size, task) })
}

func goroutinePerTask(b *testing.B, size int, bounded bool, task func(int)) {
	b.ReportAllocs()
	var sem chan struct{}
	if bounded {
		sem = make(chan struct{}, size)
	}
	var wg sync.WaitGroup
	for i := range b.N {
		if sem != nil {
			sem <- struct{}{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			task(i)
			if sem != nil {
				<-sem
			}
		}()
	}
	wg.Wait()
}

// chanPool is the hand-written pool of the classic program: size goroutines
// ranging over a buffered jobs channel.
func chanPool(b *testing.B, size int, task func(int)) {
	b.ReportAllocs()
	jobs := make(chan int, 1024)
	var wg sync.WaitGroup
	wg.Add(size)
	for range size {
		go func() {
			defer wg.Done()
			for j := range jobs {
				task(j)
			}
		}()
	}
	for i := range b.N {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

func errgroupLimit(b *testing.B, size int, task func(int)) {
	b.ReportAllocs()
	var g errgroup.Group
	g.SetLimit(size)
	for i := range b.N {
		g.Go(func() error { task(i); return nil })
	}
	g.Wait()
}

func poolNew(b *testing.B, size int, task func(int)) {
	b.ReportAllocs()
	p := pool.New(size, task)
	for i := range b.N {
		p.Submit(i)
	}
	p.Wait()
	b.StopTimer()
	p.Close()
}

func poolTasks(b *testing.B, size int, task func(int)) {
	b.ReportAllocs()
	p := pool.NewTasks(size)
	for i := range b.N {
		p.Submit(func() { task(i) })
	}
	p.Wait()
	b.StopTimer()
	p.Close()
}
