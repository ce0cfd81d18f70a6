package peerbench

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"
	concpool "github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/pool"
)

// The pool workloads: every implementation runs task(i) for i in [0, n)
// with at most size tasks at once, adds the results into one atomic counter
// (for the tiny task, that add is all the work) and waits for them all.
func poolWorkloads() []*workload {
	procs := runtime.GOMAXPROCS(0)
	return []*workload{
		{key: "PoolTiny", name: fmt.Sprintf("pool, 1e6 tiny tasks (an atomic add), size %d", procs),
			unit: "task", items: 1_000_000, check: 10_000,
			want: sumOf(tinyTask), impls: poolImpls(procs, tinyTask)},
		{key: "PoolCPU", name: fmt.Sprintf("pool, 2e4 CPU tasks of ~10 µs, size %d", procs),
			unit: "task", items: 20_000, check: 200,
			want: sumOf(cpuTask), impls: poolImpls(procs, cpuTask)},
		{key: "PoolSleep", name: "pool, 1e4 tasks sleeping 1 ms, size 1000",
			unit: "task", items: 10_000, check: 2_000,
			want: sumOf(tinyTask), impls: poolImpls(1000, sleepTask)},
	}
}

func tinyTask(i int) int64 { return int64(i) }

// cpuTask takes about 10 µs of CPU (xorshift steps of under a nanosecond
// each).
func cpuTask(i int) int64 {
	x := uint64(i) | 1
	for range 12_000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return int64(x & 0xff)
}

// sleepTask returns what tinyTask does, a millisecond later.
func sleepTask(i int) int64 {
	time.Sleep(time.Millisecond)
	return int64(i)
}

// sumOf returns the checksum of n calls of task: what every implementation
// must add up.
func sumOf(task func(int) int64) func(n int) int64 {
	return func(n int) int64 {
		var s int64
		for i := range n {
			s += task(i)
		}
		return s
	}
}

// poolImpls are the pools compared on task with size workers: this
// library's two pools, then the peers in the way their documentation shows.
func poolImpls(size int, task func(int) int64) []impl {
	return slices.Concat(ourPools(size, task), antsPools(size, task), otherPools(size, task))
}

func ourPools(size int, task func(int) int64) []impl {
	return []impl{
		{name: "pool.New", ours: true, setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := pool.New(size, func(i int) { s.Add(task(i)) })
			for i := range n {
				p.Submit(i)
			}
			p.Close()
			return s.Load()
		})},
		{name: "pool.NewTasks", ours: true, setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := pool.NewTasks(size)
			for i := range n {
				p.Submit(func() { s.Add(task(i)) })
			}
			p.Close()
			return s.Load()
		})},
	}
}

// antsPools are ants's pool of closures and its pool of one function. A
// sync.WaitGroup waits for the tasks, as ants's documentation shows.
func antsPools(size int, task func(int) int64) []impl {
	return []impl{
		{name: "ants", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			var wg sync.WaitGroup
			p, err := ants.NewPool(size)
			mustNil(err)
			for i := range n {
				wg.Add(1)
				mustNil(p.Submit(func() { s.Add(task(i)); wg.Done() }))
			}
			wg.Wait()
			p.Release()
			return s.Load()
		})},
		{name: "ants PoolWithFunc", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			var wg sync.WaitGroup
			p, err := ants.NewPoolWithFuncGeneric(size, func(i int) { s.Add(task(i)); wg.Done() })
			mustNil(err)
			for i := range n {
				wg.Add(1)
				mustNil(p.Invoke(i))
			}
			wg.Wait()
			p.Release()
			return s.Load()
		})},
	}
}

// otherPools are pond's pool, conc's pool and errgroup under SetLimit.
func otherPools(size int, task func(int) int64) []impl {
	return []impl{
		{name: "pond", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := pond.NewPool(size)
			for i := range n {
				p.Go(func() { s.Add(task(i)) })
			}
			p.StopAndWait()
			return s.Load()
		})},
		{name: "conc", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := concpool.New().WithMaxGoroutines(size)
			for i := range n {
				p.Go(func() { s.Add(task(i)) })
			}
			p.Wait()
			return s.Load()
		})},
		{name: "errgroup", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			var g errgroup.Group
			g.SetLimit(size)
			for i := range n {
				g.Go(func() error { s.Add(task(i)); return nil })
			}
			g.Wait()
			return s.Load()
		})},
	}
}
