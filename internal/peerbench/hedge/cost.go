package main

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// cost is the time of a call that needs no hedge, against a timeout's.
type cost struct {
	hedge, timeout, def float64 // medians, ns per call
	hedgeAllocs         int64
	timeoutAllocs       int64
	ratio               float64 // hedge / timeout
	note                string
}

func (c cost) String() string {
	if math.IsNaN(c.ratio) {
		return "not measured"
	}
	return fmt.Sprintf("Hedge %.0f ns (%d allocs), Timeout %.0f ns (%d allocs): %.2fx; Hedge with the default Hedger %.0f ns (%s)",
		c.hedge, c.hedgeAllocs, c.timeout, c.timeoutAllocs, c.ratio, c.def, c.note)
}

// measureCost runs the three benchmarks rounds times each, in turn, and
// returns their medians, with the ratio of hedge's to timeout's.
func measureCost(rounds int, hedge, timeout, def func(*testing.B)) cost {
	var hs, ts, ds []float64
	var c cost
	for range rounds {
		h, t, d := testing.Benchmark(hedge), testing.Benchmark(timeout), testing.Benchmark(def)
		hs, ts, ds = append(hs, nsPerOp(h)), append(ts, nsPerOp(t)), append(ds, nsPerOp(d))
		c.hedgeAllocs, c.timeoutAllocs = h.AllocsPerOp(), t.AllocsPerOp()
	}
	c.hedge, c.timeout, c.def = median(hs), median(ts), median(ds)
	c.ratio = c.hedge / c.timeout
	return c
}

func nsPerOp(r testing.BenchmarkResult) float64 {
	if r.N == 0 {
		return math.NaN()
	}
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}
