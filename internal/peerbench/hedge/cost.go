package main

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// cost is the time of a call that needs no hedge, against a timeout's.
type cost struct {
	def, fixed, timeout    float64 // medians, ns per call
	defAllocs, fixedAllocs int64
	timeoutAllocs          int64
	ratio                  float64 // def / timeout
	note                   string
}

func (c cost) String() string {
	if math.IsNaN(c.ratio) {
		return "not measured"
	}
	return fmt.Sprintf("Hedge with the default Hedger %.0f ns (%d allocs; %s), with a fixed Delay %.0f ns (%d allocs), Timeout %.0f ns (%d allocs): %.2fx and %.2fx",
		c.def, c.defAllocs, c.note, c.fixed, c.fixedAllocs, c.timeout, c.timeoutAllocs, c.ratio, c.fixed/c.timeout)
}

// measureCost runs the three benchmarks rounds times each, in turn, and
// returns their medians, with the ratio of def's to timeout's.
func measureCost(rounds int, def, fixed, timeout func(*testing.B)) cost {
	var ds, fs, ts []float64
	var c cost
	for range rounds {
		d, f, t := testing.Benchmark(def), testing.Benchmark(fixed), testing.Benchmark(timeout)
		ds, fs, ts = append(ds, nsPerOp(d)), append(fs, nsPerOp(f)), append(ts, nsPerOp(t))
		c.defAllocs, c.fixedAllocs, c.timeoutAllocs = d.AllocsPerOp(), f.AllocsPerOp(), t.AllocsPerOp()
	}
	c.def, c.fixed, c.timeout = median(ds), median(fs), median(ts)
	c.ratio = c.def / c.timeout
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
