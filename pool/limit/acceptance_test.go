package limit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

// watchGrants fails t if any grant of any Adaptive leaves more permits in
// flight than the Adaptive allowed at that moment, or allows more than its
// limit.
func watchGrants(t *testing.T) {
	t.Helper()
	var bad atomic.Int64
	limit.SetGrantHook(func(inflight, allowed, lim int) {
		if inflight > allowed || allowed > lim {
			bad.Add(1)
		}
	})
	t.Cleanup(func() {
		limit.SetGrantHook(nil)
		if n := bad.Load(); n > 0 {
			t.Errorf("%d grants left more permits in flight than allowed", n)
		}
	})
}

// closedLoop runs n goroutines that call dep through a in a loop until stop
// is closed, recording the latency of the calls granted in [from, to) since
// start. It returns a function that waits for them.
func closedLoop(a *limit.Adaptive, dep *dependency, n int, service time.Duration,
	start time.Time, from, to time.Duration, lat *latencies, stop <-chan struct{}) (wait func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				p, err := a.Acquire(context.Background())
				if err != nil {
					panic(err)
				}
				granted := time.Now()
				_ = dep.call(context.Background(), service)
				if at := granted.Sub(start); at >= from && at < to {
					lat.add(time.Since(granted))
				}
				p.Done()
			}
		})
	}
	return wg.Wait
}

// TestAcceptance is the behaviour DESIGN.md sets for Adaptive: a dependency
// of C = 40 slots with a 10 ms service time behind a FIFO queue, called by
// 4C goroutines in a closed loop.
func TestAcceptance(t *testing.T) {
	watchGrants(t)
	conctest.Bubble(t, func(t *testing.T) {
		const c, service = 40, 10 * time.Millisecond
		var a limit.Adaptive
		dep := newDependency(c)
		var lat latencies
		stop := make(chan struct{})
		start := time.Now()
		tr := traceLimit(start, 10*time.Millisecond, a.Limit, stop)
		wait := closedLoop(&a, dep, 4*c, service, start, 15*time.Second, 30*time.Second, &lat, stop)

		time.Sleep(30 * time.Second)
		at30 := a.Limit()
		p99 := lat.quantile(0.99)
		dep.slots.Resize(c / 2)
		time.Sleep(10 * time.Second)
		at40 := a.Limit()
		close(stop)
		wait()
		tr.wait()

		all := tr.between(0, time.Hour)
		lo, hi := minMax(all)
		t.Logf("C=%d: limit at 30 s %d, p99 of calls granted 15-30 s %v; C=%d: limit at 40 s %d; limit range %d..%d",
			c, at30, p99, c/2, at40, lo, hi)
		if at30 < c || at30 > c*3/2+8 {
			t.Errorf("limit at 30 s = %d, want within [%d, %d]", at30, c, c*3/2+8)
		}
		if p99 > 2*service {
			t.Errorf("p99 latency of calls granted 15-30 s = %v, want <= %v", p99, 2*service)
		}
		if at40 < c/2 || at40 > c*3/4+8 {
			t.Errorf("limit 10 s after C halved = %d, want within [%d, %d]", at40, c/2, c*3/4+8)
		}
		if lo < 1 || hi > 1000 {
			t.Errorf("limit went to %d..%d, out of its bounds [1, 1000]", lo, hi)
		}
	})
}

func minMax(xs []int) (lo, hi int) {
	if len(xs) == 0 {
		return 0, 0
	}
	lo, hi = xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}
