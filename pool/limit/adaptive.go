package limit

import (
	"context"
	"sync"
	"time"
)

// Adaptive is a concurrency limit that finds how many calls a dependency
// can take at once from their latency, and refuses or queues the rest, so
// that calls keep about the latency they have when nothing queues.
//
// The algorithm is a TCP Vegas estimate of the calls queued at the
// dependency, against a no-queue latency that short probes measure again
// and again (see the package documentation of the estimator below).
//
// The zero value is ready to use, with bounds 1 and 1000, a starting limit
// of 20 and no bound on the calls waiting in Acquire. An Adaptive is safe
// for concurrent use and must not be copied after first use.
type Adaptive struct {
	mu      sync.Mutex
	started bool
	epoch   time.Time

	boundsSet  bool
	minL, maxL int
	queueLimit int // < 0: unbounded; meaningful once queueSet
	queueSet   bool

	inflight int
	waiters  waitQueue
	free     []*ticket

	acquired, rejected, dropped uint64
	est                         estimator
}

// grantHook, when set by a test, sees every grant.
var grantHook func(inflight, allowed int)

// SetBounds sets the least and the most the limit can be, and clamps the
// limit into them at once. It may be called at any time. The defaults are
// 1 and 1000; the limit starts at 20, clamped into the bounds. SetBounds
// panics if min < 1 or max < min.
func (a *Adaptive) SetBounds(min, max int) {
	if min < 1 {
		panic("limit: min < 1")
	}
	if max < min {
		panic("limit: max < min")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.boundsSet, a.minL, a.maxL = true, min, max
	if !a.started {
		return
	}
	a.est.min, a.est.max = float64(min), float64(max)
	a.est.limit = a.est.clamp(a.est.limit)
	a.grantWaiters()
}

// SetQueueLimit sets how many calls may wait in Acquire at once: n < 0 is
// no bound (the default), 0 is no queue. Beyond it, Acquire returns
// ErrLimited at once. Calls that wait already keep waiting.
func (a *Adaptive) SetQueueLimit(n int) {
	a.mu.Lock()
	a.queueLimit, a.queueSet = n, true
	a.mu.Unlock()
}

// Acquire returns a permit for one call, waiting in FIFO order while the
// limit is reached. It returns ErrLimited at once if as many calls wait as
// the queue limit allows, and context.Cause(ctx) if ctx is done before a
// permit is granted; then it holds no permit. If ctx is done already,
// Acquire fails even when a slot is free. Acquire panics if ctx is nil.
func (a *Adaptive) Acquire(ctx context.Context) (Permit, error) {
	if ctx == nil {
		panic("limit: nil context")
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return Permit{}, context.Cause(ctx)
		default:
		}
	}
	a.mu.Lock()
	a.start()
	if a.waiters.len == 0 && a.inflight < a.est.allowed() {
		p := a.grant()
		a.mu.Unlock()
		return p, nil
	}
	if a.queueSet && a.queueLimit >= 0 && a.waiters.len >= a.queueLimit {
		a.rejected++
		a.mu.Unlock()
		return Permit{}, ErrLimited
	}
	a.est.winBound = true
	w := getWaiter(1)
	a.waiters.push(w)
	a.mu.Unlock()

	select {
	case <-w.ready:
		tk := w.tk
		putWaiter(w)
		return Permit{t: tk, gen: tk.gen.Load()}, nil
	case <-done:
		a.mu.Lock()
		if w.granted {
			// A grant came as ctx ended: give the slot to the next waiter.
			a.free = append(a.free, w.tk)
			a.inflight--
			a.acquired--
			a.grantWaiters()
		} else {
			a.waiters.remove(w)
		}
		a.mu.Unlock()
		putWaiter(w)
		return Permit{}, context.Cause(ctx)
	}
}

// TryAcquire returns a permit for one call if the limit is not reached and
// nobody waits in Acquire, and reports whether it did. It never waits.
func (a *Adaptive) TryAcquire() (Permit, bool) {
	a.mu.Lock()
	a.start()
	if a.waiters.len == 0 && a.inflight < a.est.allowed() {
		p := a.grant()
		a.mu.Unlock()
		return p, true
	}
	a.rejected++
	a.est.winBound = true
	a.mu.Unlock()
	return Permit{}, false
}

// Limit returns the limit: how many permits may be in flight at once,
// except during a probe, which grants fewer.
func (a *Adaptive) Limit() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.start()
	return int(a.est.limit)
}

// Stats returns a snapshot of the limit and its counters.
func (a *Adaptive) Stats() AdaptiveStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.start()
	return AdaptiveStats{
		Limit:    int(a.est.limit),
		InFlight: a.inflight,
		Waiting:  a.waiters.len,
		Acquired: a.acquired,
		Rejected: a.rejected,
		Dropped:  a.dropped,
	}
}

// start sets the Adaptive up on first use. It must be called with mu held.
func (a *Adaptive) start() {
	if a.started {
		return
	}
	a.started = true
	a.epoch = time.Now()
	a.est.min, a.est.max = 1, defaultMax
	if a.boundsSet {
		a.est.min, a.est.max = float64(a.minL), float64(a.maxL)
	}
	a.est.init(0)
}

// now is the time in ns since the epoch; time.Since reads only the
// monotonic clock, which is cheaper than time.Now.
func (a *Adaptive) now() int64 { return int64(time.Since(a.epoch)) }

// grant takes a slot. It must be called with mu held, and a slot free.
// Only the calls the estimator samples read the clock: see estimator.timed.
func (a *Adaptive) grant() Permit {
	var t *ticket
	if n := len(a.free); n > 0 {
		t = a.free[n-1]
		a.free = a.free[:n-1]
	} else {
		t = &ticket{a: a}
	}
	a.inflight++
	a.acquired++
	t.seq, t.probe = a.acquired, a.est.probeCall()
	t.timed = a.est.timed(a.acquired)
	if t.timed {
		t.start = a.now()
	}
	if grantHook != nil {
		grantHook(a.inflight, a.est.allowed())
	}
	a.est.granted(a.inflight)
	return Permit{t: t, gen: t.gen.Load()}
}

// grantWaiters grants slots to the waiters at the head of the queue while
// the limit allows. It must be called with mu held.
func (a *Adaptive) grantWaiters() {
	for w := a.waiters.head; w != nil && a.inflight < a.est.allowed(); w = a.waiters.head {
		w.tk = a.grant().t
		a.waiters.grant(w)
	}
}

// release ends the use of t, whose generation the caller has retired.
func (a *Adaptive) release(t *ticket, o outcome) {
	a.mu.Lock()
	a.inflight--
	a.free = append(a.free, t)
	if o == outcomeDrop {
		a.dropped++
		a.est.drop(a.now(), t, a.acquired)
	}
	if t.timed {
		now := a.now()
		rtt := -1.0
		if o == outcomeDone {
			rtt = float64(max(now-t.start, 0))
		}
		a.est.sample(now, t, rtt, a.acquired)
	}
	a.grantWaiters()
	a.mu.Unlock()
}
