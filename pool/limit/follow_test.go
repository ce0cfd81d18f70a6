package limit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

// stepLoad runs 4*maxC closed-loop callers of a dependency of c slots whose
// service time is service, both of which the test may change while it runs.
type stepLoad struct {
	a       *limit.Adaptive
	dep     *dependency
	service atomic.Int64
	sigma   float64 // of the lognormal service time; 0: constant
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startLoad(a *limit.Adaptive, c, callers int, service time.Duration) *stepLoad {
	return startLoadSigma(a, c, callers, service, 0)
}

func startLoadSigma(a *limit.Adaptive, c, callers int, service time.Duration, sigma float64) *stepLoad {
	l := &stepLoad{a: a, dep: newDependency(c), sigma: sigma, stop: make(chan struct{})}
	l.service.Store(int64(service))
	for i := range callers {
		r := rand.New(rand.NewPCG(uint64(i), 3))
		l.wg.Go(func() {
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				p, err := a.Acquire(context.Background())
				if err != nil {
					panic(err)
				}
				d := time.Duration(l.service.Load())
				if l.sigma > 0 {
					d = lognormal(r, d, l.sigma)
				}
				_ = l.dep.call(context.Background(), d)
				p.Done()
			}
		})
	}
	return l
}

func (l *stepLoad) end() {
	close(l.stop)
	l.wg.Wait()
}

// A lasting change of the dependency's latency is followed both ways: the
// no-queue latency is measured again, so the limit comes back near the
// dependency's concurrency when calls get slower for good, and when they
// get faster again.
func TestAdaptiveFollowsLatencyChange(t *testing.T) {
	watchGrants(t)
	conctest.Bubble(t, func(t *testing.T) {
		const c = 40
		var a limit.Adaptive
		l := startLoad(&a, c, 4*c, 10*time.Millisecond)
		defer l.end()
		for _, step := range []struct {
			service time.Duration
			settle  time.Duration
		}{
			{10 * time.Millisecond, 20 * time.Second},
			{30 * time.Millisecond, 60 * time.Second},
			{5 * time.Millisecond, 60 * time.Second},
		} {
			l.service.Store(int64(step.service))
			time.Sleep(step.settle)
			got := a.Limit()
			t.Logf("service %v: limit %d after %v", step.service, got, step.settle)
			if got < c || got > c*3/2+8 {
				t.Errorf("service %v: limit %d after %v, want within [%d, %d]",
					step.service, got, step.settle, c, c*3/2+8)
			}
		}
	})
}

// Property: over random capacities, service times and steps of capacity,
// the limit settles near the capacity, follows a step, and never leaves its
// bounds.
func TestAdaptiveProperty(t *testing.T) {
	watchGrants(t)
	r := rand.New(rand.NewPCG(7, 7))
	cases := 8
	if testing.Short() {
		cases = 2
	}
	for range cases {
		c := 2 + r.IntN(40)
		c2 := max(1, c/2+r.IntN(c+c/2))
		service := time.Duration(1+r.IntN(50)) * time.Millisecond
		lo, hi := 1+r.IntN(2), 500+r.IntN(500)
		sigma := float64(r.IntN(2)) / 2
		t.Run(fmt.Sprintf("C=%d,then=%d,service=%v,sigma=%v,bounds=%d..%d", c, c2, service, sigma, lo, hi), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				var a limit.Adaptive
				a.SetBounds(lo, hi)
				stop := make(chan struct{})
				tr := traceLimit(time.Now(), 10*time.Millisecond, a.Limit, stop)
				l := startLoadSigma(&a, c, 4*max(c, c2)+4, service, sigma)
				settle := 1000 * service
				time.Sleep(settle)
				l.dep.slots.Resize(int64(c2))
				time.Sleep(settle)
				close(stop)
				l.end()
				tr.wait()
				mn, mx := minMax(tr.between(0, time.Hour))
				// The mean limit over the last quarter of each step: with
				// constant service times it lies within [C, 1.5C + 8], as the
				// acceptance scenario asks; with variable ones the noise of
				// the latency lets it dip a little under C.
				low := 1.0
				if sigma > 0 {
					low = 0.9
				}
				for i, c := range []int{c, c2} {
					end := time.Duration(i+1) * settle
					got := mean(tr.between(end-settle/4, end))
					t.Logf("mean limit %.1f with C=%d", got, c)
					if got < low*float64(c) || got > float64(c)*1.5+8 {
						t.Errorf("mean limit %.1f with C=%d, want within [%.1f, %.1f]", got, c, low*float64(c), float64(c)*1.5+8)
					}
				}
				if mn < lo || mx > hi {
					t.Errorf("limit went to %d..%d, out of bounds [%d, %d]", mn, mx, lo, hi)
				}
			})
		})
	}
}

// Probes grant fewer than the limit for a moment, never fewer than
// max(1, min), about every 400 no-queue latencies.
func TestAdaptiveProbe(t *testing.T) {
	var mu sync.Mutex
	var probes, grants, lowest int
	inProbe := false
	lowest = 1 << 30
	limit.SetGrantHook(func(inflight, allowed, lim int) {
		mu.Lock()
		defer mu.Unlock()
		grants++
		lowest = min(lowest, allowed)
		if allowed < lim && !inProbe {
			probes++
		}
		inProbe = allowed < lim
	})
	defer limit.SetGrantHook(nil)
	conctest.Bubble(t, func(t *testing.T) {
		const c, service = 40, 10 * time.Millisecond
		var a limit.Adaptive
		a.SetBounds(25, 1000)
		l := startLoad(&a, c, 4*c, service)
		time.Sleep(60 * time.Second)
		l.end()
	})
	t.Logf("%d probes in 60 s, %d grants, least allowed %d", probes, grants, lowest)
	// One probe every 400 * 10 ms = 4 s, and the first at once.
	if probes < 12 || probes > 20 {
		t.Errorf("%d probes in 60 s, want about 15", probes)
	}
	if lowest != 25 {
		t.Errorf("the least allowed was %d, want the minimum 25", lowest)
	}
}
