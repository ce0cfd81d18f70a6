package limit_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/gopatterns/concurrency/pool/limit"
)

// A dependency is the simulated service behind a limit: C slots behind a
// FIFO queue (a Semaphore), each call holding a slot for its service time.
// A call whose ctx ends leaves the queue, or stops its service, at once.
// It runs in a synctest bubble, where its sleeps take no real time.
type dependency struct {
	slots *limit.Semaphore
}

func newDependency(c int) *dependency { return &dependency{slots: limit.NewSemaphore(int64(c))} }

func (d *dependency) call(ctx context.Context, service time.Duration) error {
	if err := d.slots.Acquire(ctx, 1); err != nil {
		return err
	}
	defer d.slots.Release(1)
	if ctx.Done() == nil {
		time.Sleep(service)
		return nil
	}
	t := time.NewTimer(service)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// quantile returns the q-quantile of the durations collected, 0 if none.
func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return quantile(l.d, q)
}

func quantile[T int | float64 | time.Duration](xs []T, q float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1+boolInt(q == 0))]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// limitTrace samples a limit every step until stop is closed.
type limitTrace struct {
	step   time.Duration
	at     []time.Duration // since start
	limits []int
	done   chan struct{}
}

func traceLimit(start time.Time, step time.Duration, get func() int, stop <-chan struct{}) *limitTrace {
	tr := &limitTrace{step: step, done: make(chan struct{})}
	go func() {
		defer close(tr.done)
		tick := time.NewTicker(step)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				tr.at = append(tr.at, now.Sub(start))
				tr.limits = append(tr.limits, get())
			}
		}
	}()
	return tr
}

// wait returns once the trace has stopped; call it in the bubble.
func (tr *limitTrace) wait() { <-tr.done }

// between returns the limits sampled in [from, to); call it after wait.
func (tr *limitTrace) between(from, to time.Duration) []int {
	var out []int
	for i, at := range tr.at {
		if at >= from && at < to {
			out = append(out, tr.limits[i])
		}
	}
	return out
}

func mean(xs []int) float64 {
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(max(1, len(xs)))
}

// lognormal draws a service time with the given median and sigma.
func lognormal(r *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
}
