package cancel

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// learn makes n sequential calls of Hedge in which the first call of call i
// takes first(i) and succeeds, and every hedge fails at once, so that each
// first call gives an exact sample.
func learn(t *testing.T, h *Hedger, n int, first func(i int) time.Duration) {
	t.Helper()
	for i := range n {
		var calls atomic.Int32
		_, err := Hedge(t.Context(), h, func(ctx context.Context) (int, error) {
			if calls.Add(1) > 1 {
				return 0, errStop
			}
			return 1, Sleep(ctx, first(i))
		})
		if err != nil {
			t.Fatalf("call %d: Hedge() error = %v", i, err)
		}
	}
}

// No hedge before 20 latencies are known; Stats.Delay is 0 until then.
func TestHedgeLearnsAfter20(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{}
		learn(t, h, 19, func(int) time.Duration { return 100 * ms })
		if s := h.Stats(); s.Delay != 0 || s.Calls != 19 || s.Hedges != 0 {
			t.Fatalf("after 19 calls Stats() = %+v, want 19 calls, no hedge, Delay 0", s)
		}
		learn(t, h, 1, func(int) time.Duration { return 100 * ms })
		if d := h.Stats().Delay; d < 100*ms || d > 103*ms {
			t.Fatalf("after 20 calls of 100ms Stats().Delay = %v, want about 100ms", d)
		}
	})
}

// On latencies spread evenly over 1..100ms the delay leaves above it about
// 1.05 times 1 - Quantile of them, plus one standard error of that count.
func TestHedgeLearnsQuantile(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{Quantile: 0.9}
		learn(t, h, 4000, func(i int) time.Duration { return time.Duration(i%100+1) * ms })
		// 4000 latencies: 1.05*400 + 20 = 440 may be above the delay, 11%.
		if d := h.Stats().Delay; d < 88*ms || d > 91*ms {
			t.Errorf("Stats().Delay = %v, want 88ms..91ms", d)
		}
		if s := h.Stats(); s.Hedges < 400 || s.Hedges > 500 {
			t.Errorf("Stats().Hedges = %d, want about 11%% of 4000", s.Hedges)
		}
	})
}

// Where the latencies have a plateau, the delay is its left edge, although
// a little more than 1 - Quantile of the calls are on it.
func TestHedgeLearnsPlateauEdge(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{}
		// One call in 19 (5.3%) takes 100ms, the others 1..10ms.
		learn(t, h, 2000, func(i int) time.Duration {
			if i%19 == 0 {
				return 100 * ms
			}
			return time.Duration(i%10+1) * ms
		})
		if d := h.Stats().Delay; d < 10*ms || d > 11*ms {
			t.Errorf("Stats().Delay = %v, want the plateau's left edge, 10ms", d)
		}
	})
}

// A lasting change of latency is followed within 500 calls, up and down.
func TestHedgeFollowsChange(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{}
		spread := func(scale time.Duration) func(int) time.Duration {
			return func(i int) time.Duration { return scale * time.Duration(i%20+1) / 20 }
		}
		for _, tc := range []struct {
			scale    time.Duration
			min, max time.Duration
		}{
			{10 * ms, 9 * ms, 10500 * time.Microsecond},
			{40 * ms, 36 * ms, 42 * ms},
			{10 * ms, 9 * ms, 10500 * time.Microsecond},
		} {
			learn(t, h, 500, spread(tc.scale))
			if d := h.Stats().Delay; d < tc.min || d > tc.max {
				t.Errorf("500 calls after a change to %v: Stats().Delay = %v, want %v..%v", tc.scale, d, tc.min, tc.max)
			}
			learn(t, h, 3000, spread(tc.scale))
		}
	})
}

// A first call cancelled because a hedge won counts as at least its age
// then: here the slow 10% of first calls keep the delay above the fast ones
// however fast the hedges are. Dropped, they would leave it at 10ms.
func TestHedgeCensoredSamples(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{Budget: 1}
		for i := range 500 {
			var calls atomic.Int32
			Hedge(t.Context(), h, func(ctx context.Context) (int, error) {
				d := ms // hedges
				if calls.Add(1) == 1 {
					d = 10 * ms
					if i%10 == 0 {
						d = time.Second
					}
				}
				return 1, Sleep(ctx, d)
			})
		}
		if d := h.Stats().Delay; d < 11*ms {
			t.Errorf("Stats().Delay = %v, want above 11ms", d)
		}
		if s := h.Stats(); s.Won == 0 {
			t.Errorf("Stats() = %+v, want hedges that won", s)
		}
	})
}

// Recording a latency allocates nothing.
func TestHedgeRecordAllocs(t *testing.T) {
	h := &Hedger{}
	h.init()
	i := 0
	allocs := testing.AllocsPerRun(10000, func() {
		i++
		h.record(time.Duration(i%1000+1) * time.Microsecond)
	})
	if allocs != 0 {
		t.Errorf("record allocates %v times per call, want 0", allocs)
	}
}

func TestHedgeBuckets(t *testing.T) {
	for _, d := range []time.Duration{-1, 0, 1, 31, 32, 33, 63, 64, 1000, ms, time.Second, time.Hour} {
		b := bucket(d)
		if up := upper(int(b)); up < min(max(d, 1), maxLatency) {
			t.Errorf("upper(bucket(%v)) = %v, below it", d, up)
		}
		if b > 1 {
			if low := upper(int(b) - 1); low >= max(d, 1) {
				t.Errorf("upper(bucket(%v) - 1) = %v, not below it", d, low)
			}
		}
	}
	if b := bucket(time.Hour); int(b) != bucketsCount-1 {
		t.Errorf("bucket(1h) = %d, want the last, %d", b, bucketsCount-1)
	}
}

// Across a gap, an allowance of two standard errors keeps the delay at the
// plateau's left edge: 27 of 400 latencies (6.75%) at 100ms, the others at
// 1..10ms, give a delay of 10ms; 40 of them (10%) give 100ms.
func TestHedgeWindowGap(t *testing.T) {
	for _, tc := range []struct {
		slow     int
		min, max time.Duration
	}{
		{27, 10 * ms, 11 * ms},
		{40, 100 * ms, 103 * ms},
	} {
		w := newLatencyWindow(0.05)
		var d time.Duration
		for i := range 400 {
			l := time.Duration(i%10+1) * ms
			if i < tc.slow {
				l = 100 * ms
			}
			if next, ok := w.add(l); ok {
				d = next
			}
		}
		if d < tc.min || d > tc.max {
			t.Errorf("%d of 400 at 100ms: delay %v, want %v..%v", tc.slow, d, tc.min, tc.max)
		}
	}
	// With a Quantile near 0 the delay is the smallest latency held.
	w := newLatencyWindow(0.99)
	var d time.Duration
	for range 20 {
		d, _ = w.add(5 * ms)
	}
	if d < 5*ms || d > 5200*time.Microsecond {
		t.Errorf("Quantile 0.01: delay %v, want 5ms", d)
	}
}
