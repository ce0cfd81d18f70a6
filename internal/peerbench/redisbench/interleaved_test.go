package redisbench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// chunk is how many calls one implementation makes before the other takes
// its turn in BenchmarkInterleaved.
const chunk = 500

// BenchmarkInterleaved makes serial calls in chunks that alternate between
// the two implementations, reading the server's statistics after each
// chunk, so that both meet the same load on a shared machine: the ratios it
// reports hold up where the times of separate runs swing by a third. An op
// is one call of each. It reports each implementation's median and
// 99th-percentile latency and server time per call (µs, from usec_per_call
// of EVALSHA), and redislimit's over redis_rate's.
func BenchmarkInterleaved(b *testing.B) {
	for _, r := range []int{100, 30} {
		b.Run(fmt.Sprintf("rate=%d", r), func(b *testing.B) { interleave(b, r) })
	}
}

// interleave runs BenchmarkInterleaved at r per second.
func interleave(b *testing.B, r int) {
	c := client(b)
	ims := impls(c, r)
	type acc struct {
		lat    []time.Duration
		server []float64 // µs per call, one per chunk
		calls  int
		ks     []string
	}
	accs := make([]*acc, len(ims))
	for i, im := range ims {
		accs[i] = &acc{ks: keyNames(im.name)}
	}
	ctx := context.Background()
	left := b.N
	b.ResetTimer()
	for left > 0 {
		n := min(chunk, left)
		left -= n
		for i, im := range ims {
			a := accs[i]
			resetStats(b, c)
			for range n {
				start := time.Now()
				if ok, err := im.allow(ctx, a.ks[a.calls%keys]); err != nil || !ok {
					b.Fatalf("%s: Allow = %v, %v", im.name, ok, err)
				}
				a.lat = append(a.lat, time.Since(start))
				a.calls++
			}
			a.server = append(a.server, serverMicros(b, c))
		}
	}
	b.StopTimer()
	var p50 [2]float64
	for i, a := range accs {
		slices.Sort(a.lat)
		p50[i] = float64(a.lat[len(a.lat)/2].Nanoseconds())
		b.ReportMetric(p50[i], ims[i].name+"-p50-ns")
		b.ReportMetric(float64(a.lat[len(a.lat)*99/100].Nanoseconds()), ims[i].name+"-p99-ns")
		b.ReportMetric(median(slices.Clone(a.server)), ims[i].name+"-server-µs/call")
	}
	ratios := make([]float64, len(accs[0].server))
	for j := range ratios {
		ratios[j] = accs[1].server[j] / accs[0].server[j]
	}
	b.ReportMetric(p50[1]/p50[0], "p50-ratio")
	b.ReportMetric(median(ratios), "server-ratio")
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
