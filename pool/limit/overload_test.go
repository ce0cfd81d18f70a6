package limit_test

import (
	"context"
	"flag"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

var (
	overloadFull  = flag.Bool("overload", false, "run the full overload simulation")
	overloadSeeds = flag.Int("overload.seeds", 1, "seeds of the full overload simulation")
)

// The overload workload of DESIGN.md's speed targets, in fake time: C = 16
// slots behind a FIFO queue, lognormal service (median 20 ms, sigma 0.5),
// 200 ms deadlines, open-loop Poisson arrivals in phases; callers shed with
// TryAcquire, and release with Drop a call that missed its deadline.
const (
	ovC        = 16
	ovMedian   = 20 * time.Millisecond
	ovSigma    = 0.5
	ovDeadline = 200 * time.Millisecond
)

// ovCapacity is C / mean service time: the mean of the lognormal is
// median * exp(sigma²/2).
var ovCapacity = float64(ovC) / (ovMedian.Seconds() * 1.1331484530668263)

type phase struct {
	load  float64 // times capacity
	slots int     // the dependency's C
	for_  time.Duration
}

func ovPhases(scale time.Duration) []phase {
	return []phase{
		{0.5, ovC, 10 * scale}, {1, ovC, 10 * scale}, {2, ovC, 10 * scale}, {4, ovC, 10 * scale},
		{2, ovC / 2, 10 * scale}, {2, ovC, 10 * scale}, {2, ovC, 60 * scale},
	}
}

// An arrival is one call of the trace: when it comes and how long its
// service takes. Every row runs the same trace.
type arrival struct {
	at      time.Duration
	service time.Duration
	phase   int
}

func ovTrace(seed uint64, phases []phase) []arrival {
	r := rand.New(rand.NewPCG(seed, 1))
	var out []arrival
	var begin time.Duration
	for i, ph := range phases {
		rate := ph.load * ovCapacity
		for at := begin; ; {
			at += time.Duration(r.ExpFloat64() / rate * float64(time.Second))
			if at >= begin+ph.for_ {
				break
			}
			out = append(out, arrival{at, lognormal(r, ovMedian, ovSigma), i})
		}
		begin += ph.for_
	}
	return out
}

// A row is one way to limit the calls: try returns a release function, or
// false to shed the call.
type row interface {
	try() (release func(failed bool), ok bool)
	limit() int
}

type noLimit struct{}

func (noLimit) try() (func(bool), bool) { return func(bool) {}, true }
func (noLimit) limit() int              { return 0 }

type fixedLimit struct{ s *limit.Semaphore }

func (f fixedLimit) try() (func(bool), bool) {
	if !f.s.TryAcquire(1) {
		return nil, false
	}
	return func(bool) { f.s.Release(1) }, true
}
func (f fixedLimit) limit() int { return int(f.s.Size()) }

type adaptiveRow struct{ a *limit.Adaptive }

func (r adaptiveRow) try() (func(bool), bool) {
	p, ok := r.a.TryAcquire()
	if !ok {
		return nil, false
	}
	return func(failed bool) {
		if failed {
			p.Drop()
		} else {
			p.Done()
		}
	}, true
}
func (r adaptiveRow) limit() int { return r.a.Limit() }

// ovResult holds one row's figures per phase.
type ovResult struct {
	good  []int       // calls done within their deadline
	lat   []latencies // latency of granted calls
	trace *limitTrace
}

// runOverload plays the trace against a fresh dependency through r, in the
// calling bubble.
func runOverload(r row, trace []arrival, phases []phase) *ovResult {
	res := &ovResult{good: make([]int, len(phases)), lat: make([]latencies, len(phases))}
	dep := newDependency(ovC)
	start := time.Now()
	stop := make(chan struct{})
	res.trace = traceLimit(start, 10*time.Millisecond, r.limit, stop)
	var mu sync.Mutex
	var wg sync.WaitGroup
	resize := make([]time.Duration, len(phases))
	var begin time.Duration
	for i, ph := range phases {
		resize[i] = begin
		begin += ph.for_
	}
	next := 0
	for _, a := range trace {
		for next < len(phases) && resize[next] <= a.at {
			time.Sleep(resize[next] - time.Since(start))
			dep.slots.Resize(int64(phases[next].slots))
			next++
		}
		time.Sleep(a.at - time.Since(start))
		release, ok := r.try()
		if !ok {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), ovDeadline)
			defer cancel()
			granted := time.Now()
			err := dep.call(ctx, a.service)
			release(err != nil)
			res.lat[a.phase].add(time.Since(granted))
			if err == nil {
				mu.Lock()
				res.good[a.phase]++
				mu.Unlock()
			}
		})
	}
	time.Sleep(begin - time.Since(start))
	close(stop)
	wg.Wait()
	res.trace.wait()
	return res
}

// ovFigures are the goals' figures of DESIGN.md for Adaptive.
type ovFigures struct {
	goodput2x, goodput4x, p99x, settle, creep float64
}

func overloadFigures(t *testing.T, seed uint64, scale time.Duration) ovFigures {
	phases := ovPhases(scale)
	trace := ovTrace(seed, phases)
	var none, oracle, adaptive *ovResult
	conctest.Bubble(t, func(t *testing.T) { none = runOverload(noLimit{}, trace, phases) })
	conctest.Bubble(t, func(t *testing.T) {
		oracle = runOverload(fixedLimit{limit.NewSemaphore(ovC)}, trace, phases)
	})
	conctest.Bubble(t, func(t *testing.T) { adaptive = runOverload(adaptiveRow{new(limit.Adaptive)}, trace, phases) })
	if testing.Verbose() {
		var meds []int
		for at := 40 * scale; at < 50*scale; at += 250 * time.Millisecond {
			meds = append(meds, quantile(adaptive.trace.between(at-500*time.Millisecond, at), 0.5))
		}
		t.Logf("limit medians every 0.25 s while C is halved: %v", meds)
	}
	var f ovFigures
	f.goodput2x = float64(adaptive.good[2]) / float64(oracle.good[2])
	f.goodput4x = float64(adaptive.good[3]) / float64(oracle.good[3])
	f.p99x = float64(adaptive.lat[3].quantile(0.99)) / float64(none.lat[0].quantile(0.99))
	f.settle = settle(adaptive.trace, 40*scale, 10*scale, ovC/2).Seconds()
	f.creep = mean(adaptive.trace.between(60*scale+55*scale, 120*scale)) / ovC
	for i := range phases {
		t.Logf("phase %d: good none=%d oracle=%d adaptive=%d; p99 none=%v oracle=%v adaptive=%v; mean limit %.1f",
			i, none.good[i], oracle.good[i], adaptive.good[i], none.lat[i].quantile(0.99),
			oracle.lat[i].quantile(0.99), adaptive.lat[i].quantile(0.99),
			mean(adaptive.trace.between(sum(phases[:i]), sum(phases[:i+1]))))
	}
	return f
}

func sum(phases []phase) time.Duration {
	var d time.Duration
	for _, p := range phases {
		d += p.for_
	}
	return d
}

// settle is the time from the halving at from until the limit's median over
// 0.5 s is at or under 1.5 newC + 2 and stays at or under 1.5 newC + 4 until
// from+span; span if it never does.
func settle(tr *limitTrace, from, span time.Duration, newC int) time.Duration {
	const win = 500 * time.Millisecond
	for at := from; at < from+span; at += tr.step {
		if quantile(tr.between(at-win, at), 0.5) > newC*3/2+2 {
			continue
		}
		ok := true
		for later := at; later < from+span && ok; later += tr.step {
			ok = quantile(tr.between(later-win, later), 0.5) <= newC*3/2+4
		}
		if ok {
			return at - from
		}
	}
	return span
}

// TestOverloadShort plays the overload workload at a quarter of its
// length in the normal suite, with looser goals: phases of 2.5 s leave the
// figures noisier.
func TestOverloadShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the overload simulation takes seconds")
	}
	f := overloadFigures(t, 1, time.Second/4)
	t.Logf("overload, short: goodput2x=%.3f goodput4x=%.3f p99x=%.3f settle=%.2fs creep=%.2f",
		f.goodput2x, f.goodput4x, f.p99x, f.settle, f.creep)
	if f.goodput2x < 0.97 || f.goodput4x < 0.97 || f.p99x > 1.3 || f.settle > 1 || f.creep < 0.9 || f.creep > 1.6 {
		t.Errorf("want goodput >= 0.97, p99x <= 1.3, settle <= 1 s, creep in [0.9, 1.6]")
	}
}

func TestOverload(t *testing.T) {
	if !*overloadFull {
		t.Skip("the full overload simulation runs with -overload")
	}
	for seed := range uint64(*overloadSeeds) {
		f := overloadFigures(t, seed+1, time.Second)
		t.Logf("overload seed %d: goodput2x=%.3f goodput4x=%.3f p99x=%.3f settle=%.2fs creep=%.2f",
			seed+1, f.goodput2x, f.goodput4x, f.p99x, f.settle, f.creep)
		if f.goodput2x < 1 || f.goodput4x < 1 || f.p99x > 1.25 || f.settle > 1 || f.creep < 1 || f.creep > 1.5 {
			t.Errorf("seed %d: a goal is missed: want goodput >= 1, p99x <= 1.25, settle <= 1 s, creep in [1, 1.5]", seed+1)
		}
	}
}
