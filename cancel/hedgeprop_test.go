package cancel

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// Over random mixes of latencies and failures, from concurrent callers:
// the result is the success that came first, the budget bounds the hedges,
// and the counters are exact.
func TestHedgeProperties(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) { hedgeProperties(t, seed) })
		})
	}
}

func hedgeProperties(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	h := &Hedger{Max: r.IntN(4), Budget: []float64{0, 0.01, 0.1, 0.5, 2}[r.IntN(5)]}
	if r.IntN(2) == 0 {
		h.Delay = time.Duration(1+r.IntN(20)) * ms
	}
	failRate := r.Float64() / 2
	const callers, perCaller = 8, 50
	var mu sync.Mutex
	latency := func() (time.Duration, bool) {
		mu.Lock()
		defer mu.Unlock()
		// Distinct microseconds make ties impossible.
		d := time.Duration(math.Exp(r.NormFloat64()+1.5)*1000)*time.Microsecond + time.Duration(r.IntN(1000))*time.Nanosecond
		return d, r.Float64() < failRate
	}
	var fCalls, fromHedge atomic.Uint64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range perCaller {
				var mu sync.Mutex
				var ends []time.Duration // when each success would come, by call
				start := time.Now()
				var n atomic.Int32
				v, err := Hedge(t.Context(), h, func(ctx context.Context) (int, error) {
					fCalls.Add(1)
					i := int(n.Add(1)) - 1
					d, fail := latency()
					if err := Sleep(ctx, d); err != nil {
						return 0, err
					}
					if fail {
						return 0, errStop
					}
					mu.Lock()
					ends = append(ends, time.Since(start))
					mu.Unlock()
					return i, nil
				})
				if err != nil {
					if len(ends) != 0 {
						t.Errorf("Hedge() error %v after a success", err)
					}
					continue
				}
				if v > 0 {
					fromHedge.Add(1)
				}
				if took := time.Since(start); took != slices.Min(ends) {
					t.Errorf("Hedge returned at %v, the first success came at %v", took, slices.Min(ends))
				}
			}
		})
	}
	wg.Wait()
	s := h.Stats()
	n := uint64(callers * perCaller)
	if s.Calls != n || s.Calls+s.Hedges != fCalls.Load() || s.Won != fromHedge.Load() {
		t.Errorf("Stats() = %+v; %d calls, %d calls of f, %d results from hedges", s, n, fCalls.Load(), fromHedge.Load())
	}
	budget := h.Budget
	if budget == 0 {
		budget = 0.1
	}
	if bound := budget*float64(n) + max(1, 100*budget); float64(s.Hedges) > bound {
		t.Errorf("%d hedges over %d calls, above the budget's bound %v", s.Hedges, n, bound)
	}
}
