package peerbench

import (
	"context"
	"fmt"
	stditer "iter"
	"runtime"
	"slices"
	"time"

	"github.com/destel/rill"
	"github.com/sourcegraph/conc/iter"
	"github.com/sourcegraph/conc/stream"

	"github.com/gopatterns/concurrency/pipeline"
)

// The parallel-map workloads: f over the ints [0, n) with workers
// goroutines, the results summed by the consumer in whatever order the
// implementation delivers them (input order for OrderedMap, rill's
// OrderedMap and conc's stream).
func mapWorkloads() []*workload {
	procs := runtime.GOMAXPROCS(0)
	return []*workload{
		{key: "MapTrivial", name: fmt.Sprintf("parallel map, 1e6 ints, n*n, %d workers", procs),
			unit: "item", items: 1_000_000, check: 10_000,
			want: mapSum(square), impls: mapImpls(procs, square)},
		{key: "MapSleep", name: "parallel map, 1e3 items sleeping 1 ms, 100 workers",
			unit: "item", items: 1_000, check: 300,
			want: mapSum(func(v int) int { return v }), impls: mapImpls(100, sleepy)},
	}
}

// square is the trivial f. It is a variable so that no implementation gets
// it inlined.
var square = func(v int) int { return v * v }

// sleepy returns v a millisecond later.
func sleepy(v int) int {
	time.Sleep(time.Millisecond)
	return v
}

// ints returns the ints [0, n), from one slice made once.
func ints(n int) []int {
	if len(intsBuf) < n {
		intsBuf = make([]int, n)
		for i := range intsBuf {
			intsBuf[i] = i
		}
	}
	return intsBuf[:n]
}

var intsBuf []int

// mapSum returns the checksum of an op of n items: the sum of f over them.
func mapSum(f func(int) int) func(n int) int64 {
	return func(n int) int64 {
		var s int64
		for _, v := range ints(n) {
			s += int64(f(v))
		}
		return s
	}
}

// mapImpls are the parallel maps compared on f with workers goroutines.
func mapImpls(workers int, f func(int) int) []impl {
	return slices.Concat(ourMaps(workers, f), rillMaps(workers, f), concMaps(workers, f))
}

// A seqMap is pipeline.Map or pipeline.OrderedMap over ints.
type seqMap func(context.Context, stditer.Seq[int], int, func(context.Context, int) (int, error)) stditer.Seq2[int, error]

func ourMaps(workers int, f func(int) int) []impl {
	mf := func(_ context.Context, v int) (int, error) { return f(v), nil }
	op := func(m seqMap) func(int) int64 {
		return func(n int) int64 {
			var s int64
			for v, err := range m(context.Background(), slices.Values(ints(n)), workers, mf) {
				mustNil(err)
				s += int64(v)
			}
			return s
		}
	}
	return []impl{
		{name: "pipeline.Map", ours: true, setup: stateless(op(pipeline.Map[int, int]))},
		{name: "pipeline.OrderedMap", ours: true, setup: stateless(op(pipeline.OrderedMap[int, int]))},
	}
}

// A rillMap is rill.Map or rill.OrderedMap over ints.
type rillMap func(<-chan rill.Try[int], int, func(int) (int, error)) <-chan rill.Try[int]

func rillMaps(workers int, f func(int) int) []impl {
	rf := func(v int) (int, error) { return f(v), nil }
	op := func(m rillMap) func(int) int64 {
		return func(n int) int64 {
			var s int64
			for t := range m(rill.FromSlice(ints(n), nil), workers, rf) {
				mustNil(t.Error)
				s += int64(t.Value)
			}
			return s
		}
	}
	return []impl{
		{name: "rill.Map", setup: stateless(op(rill.Map[int, int]))},
		{name: "rill.OrderedMap", setup: stateless(op(rill.OrderedMap[int, int]))},
	}
}

// concMaps are conc's map over a slice, and its stream, which calls each
// task's callback in the order of the tasks.
func concMaps(workers int, f func(int) int) []impl {
	return []impl{
		{name: "conc iter.Map", setup: stateless(func(n int) int64 {
			var s int64
			m := iter.Mapper[int, int]{MaxGoroutines: workers}
			for _, v := range m.Map(ints(n), func(v *int) int { return f(*v) }) {
				s += int64(v)
			}
			return s
		})},
		{name: "conc stream", setup: stateless(func(n int) int64 {
			var s int64
			st := stream.New().WithMaxGoroutines(workers)
			for _, v := range ints(n) {
				st.Go(func() stream.Callback {
					r := f(v)
					return func() { s += int64(r) }
				})
			}
			st.Wait()
			return s
		})},
	}
}
