package peerbench

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/alitto/pond/v2"
	"github.com/sourcegraph/conc/iter"
	concpool "github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/gopatterns/concurrency/group"
)

// The errgroup workloads, with at most GOMAXPROCS functions at once: a map
// over a slice into a slice of results, and Go + Wait of trivial functions.
func groupWorkloads() []*workload {
	procs := runtime.GOMAXPROCS(0)
	return []*workload{
		{key: "GroupMap", name: fmt.Sprintf("map over a slice, 1e6 ints, v+1, limit %d", procs),
			unit: "item", items: 1_000_000, check: 10_000,
			want: mapSum(plusOne), impls: groupMapImpls(procs)},
		{key: "GoWait", name: fmt.Sprintf("Go + Wait, 1e6 trivial functions (an atomic add), limit %d", procs),
			unit: "task", items: 1_000_000, check: 10_000,
			want: sumOf(tinyTask), impls: goWaitImpls(procs)},
	}
}

// plusOne is the trivial f of the map, a variable so that it is not inlined.
var plusOne = func(v int) int { return v + 1 }

// sumInts returns the checksum of a map's results.
func sumInts(rs []int, err error) int64 {
	if err != nil {
		panic(err)
	}
	var s int64
	for _, r := range rs {
		s += int64(r)
	}
	return s
}

// groupMapImpls are the maps over a slice compared: group.Map, conc's
// Mapper, errgroup with one Go per item, and a pond group of results.
func groupMapImpls(limit int) []impl {
	f := func(_ context.Context, v int) (int, error) { return plusOne(v), nil }
	return []impl{
		{name: "group.Map", ours: true, setup: stateless(func(n int) int64 {
			return sumInts(group.Map(context.Background(), ints(n), limit, f))
		})},
		{name: "conc iter.MapErr", setup: stateless(func(n int) int64 {
			m := iter.Mapper[int, int]{MaxGoroutines: limit}
			return sumInts(m.MapErr(ints(n), func(v *int) (int, error) { return plusOne(*v), nil }))
		})},
		{name: "errgroup", setup: stateless(func(n int) int64 {
			g, ctx := errgroup.WithContext(context.Background())
			g.SetLimit(limit)
			out := make([]int, n)
			for i, v := range ints(n) {
				g.Go(func() error {
					r, err := f(ctx, v)
					out[i] = r
					return err
				})
			}
			return sumInts(out, g.Wait())
		})},
		{name: "pond result group", setup: stateless(func(n int) int64 {
			p := pond.NewResultPool[int](limit)
			defer p.StopAndWait()
			g := p.NewGroup()
			for _, v := range ints(n) {
				g.SubmitErr(func() (int, error) { return plusOne(v), nil })
			}
			return sumInts(g.Wait())
		})},
	}
}

// goWaitImpls are the groups compared on Go + Wait: this library's and
// errgroup, then the peers that also wait for a batch of functions.
func goWaitImpls(limit int) []impl {
	return append([]impl{
		{name: "group.Group", ours: true, setup: stateless(func(n int) int64 {
			var s atomic.Int64
			var g group.Group
			g.SetLimit(limit)
			for i := range n {
				g.Go(func() error { s.Add(int64(i)); return nil })
			}
			mustNil(g.Wait())
			return s.Load()
		})},
		{name: "errgroup", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			var g errgroup.Group
			g.SetLimit(limit)
			for i := range n {
				g.Go(func() error { s.Add(int64(i)); return nil })
			}
			mustNil(g.Wait())
			return s.Load()
		})},
	}, goWaitPeers(limit)...)
}

func goWaitPeers(limit int) []impl {
	return []impl{
		{name: "conc ErrorPool", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := concpool.New().WithErrors().WithMaxGoroutines(limit)
			for i := range n {
				p.Go(func() error { s.Add(int64(i)); return nil })
			}
			mustNil(p.Wait())
			return s.Load()
		})},
		{name: "pond group", setup: stateless(func(n int) int64 {
			var s atomic.Int64
			p := pond.NewPool(limit)
			defer p.StopAndWait()
			g := p.NewGroup()
			for i := range n {
				g.SubmitErr(func() error { s.Add(int64(i)); return nil })
			}
			mustNil(g.Wait())
			return s.Load()
		})},
	}
}

func mustNil(err error) {
	if err != nil {
		panic(err)
	}
}
