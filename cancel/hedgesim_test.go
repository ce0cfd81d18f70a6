package cancel

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// workload draws the latencies of the published hedging simulation:
// lognormal with mean 5ms and standard deviation 2ms, and 5% of requests 10
// times slower; with slow set, every request is 10 times slower.
type workload struct {
	mu   sync.Mutex
	r    *rand.Rand
	slow bool
}

func (w *workload) latency() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	sigma := math.Sqrt(math.Log1p(0.16)) // (2/5)^2
	mu := math.Log(5) - sigma*sigma/2
	x := math.Exp(mu + sigma*w.r.NormFloat64())
	if w.slow || w.r.Float64() < 0.05 {
		x *= 10
	}
	return time.Duration(x * float64(ms))
}

// run makes n calls of Hedge from 20 concurrent callers, each call of f
// taking a latency of w and stopping on cancellation, and returns the
// sorted latencies of the calls of Hedge.
func (w *workload) run(t *testing.T, h *Hedger, n int) []time.Duration {
	const concurrent = 20
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	for c := range concurrent {
		wg.Go(func() {
			for i := c; i < n; i += concurrent {
				start := time.Now()
				_, err := Hedge(t.Context(), h, func(ctx context.Context) (int, error) {
					return 1, Sleep(ctx, w.latency())
				})
				if err != nil {
					t.Errorf("Hedge() error = %v", err)
				}
				lat[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

// The default Hedger on the published workload settles on the left edge of
// its plateau: about 5% extra requests for a p99 near 20ms (no hedging:
// about 65ms; a 95% quantile, about 19ms, gives about 25ms). When every
// request turns slow, the budget bounds the extra requests.
func TestHedgeSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulation of 30,000 requests")
	}
	conctest.Bubble(t, func(t *testing.T) {
		w := &workload{r: rand.New(rand.NewPCG(1, 2))}
		h := &Hedger{}
		w.run(t, h, 2000) // learning
		s0 := h.Stats()
		const n = 20000
		lat := w.run(t, h, n)
		s := h.Stats()
		extra := float64(s.Hedges-s0.Hedges) / n
		p99 := lat[n*99/100]
		t.Logf("delay %v, extra requests %.2f%%, p50 %v, p99 %v, p99.9 %v", s.Delay, 100*extra, lat[n/2], p99, lat[n*999/1000])
		if s.Delay < 10*ms || s.Delay > 15*ms {
			t.Errorf("Stats().Delay = %v, want the plateau's left edge, 10ms..15ms", s.Delay)
		}
		if extra < 0.045 || extra > 0.065 {
			t.Errorf("extra requests %.2f%%, want 4.5%%..6.5%%", 100*extra)
		}
		if p99 > 21*ms {
			t.Errorf("p99 = %v, want at most 21ms", p99)
		}

		w.slow = true
		const slowN = 5000
		before := h.Stats()
		w.run(t, h, slowN)
		after := h.Stats()
		slowExtra := float64(after.Hedges-before.Hedges) / slowN
		t.Logf("every request slow: extra requests %.2f%%", 100*slowExtra)
		if bound := 0.1 + 10.0/slowN; slowExtra > bound {
			t.Errorf("every request slow: extra requests %.2f%%, want at most Budget + 10/N = %.2f%%", 100*slowExtra, 100*bound)
		}

		// With a fixed delay below every latency, the budget alone bounds
		// the hedges, and they use it.
		fixed := &Hedger{Delay: 10 * ms}
		w.run(t, fixed, slowN)
		hedges := fixed.Stats().Hedges
		t.Logf("fixed 10ms delay, every request slow: %d hedges over %d calls", hedges, slowN)
		if bound := 0.1*slowN + 10; float64(hedges) > bound || float64(hedges) < bound-20 {
			t.Errorf("fixed delay, every request slow: %d hedges over %d calls, want just under Budget*N + 10 = %v", hedges, slowN, bound)
		}
	})
}
