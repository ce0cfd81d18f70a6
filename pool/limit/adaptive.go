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
// Take a permit with TryAcquire (shed the call when refused) or Acquire
// (wait for a slot), make the call, and release the permit with Done when
// it succeeded, Drop when it failed from overload, or Ignore otherwise.
//
// # Algorithm
//
// The algorithm, called here probed Vegas, is TCP Vegas (Brakmo and
// Peterson, 1994) as Netflix's concurrency-limits applies it to calls
// (VegasLimit; also its Go port, platinummonkey/go-concurrency-limits),
// with the no-queue latency measured as TCP BBR measures its minimum
// round-trip time: by draining the queue for a moment (ProbeRTT).
//
// The latencies of calls released with Done are gathered in windows of at
// least twice the limit in samples. At the end of each, the calls queued at
// the dependency are estimated as q = inflight * (1 - base/mean), where mean
// is the window's mean latency, inflight the most permits in flight at a
// grant in the window, and base the no-queue latency. With lg =
// log10(max(limit, 10)): above 4*lg the limit shrinks by (q - 4*lg)/2 and at
// least 1/2; under 2*lg, if the limit held calls back in the window, it grows
// by 1, or by an eighth while nothing queues (q < 1). Drop shrinks the limit
// at once to 0.8 of it; the drops of calls granted before that shrink report
// the same overload and shrink it no further.
//
// Every 400 no-queue latencies (at least 0.5 s and at most 10 s apart), a
// probe measures base again: it grants at most half the limit, never fewer
// than max(1, min), until the first max(8, that many) calls it granted have
// all been released. A probe that is due waits until more calls are in flight
// than it lets in: with fewer it would drain nothing. It holds calls back for
// about one latency while the dependency's queue drains, then for the longest
// of its calls: about two to four no-queue latencies in all, 1% of the time
// or less. The mean latency of its calls moves base a quarter of the way; a
// probe whose mean lies further from base than three standard errors of its
// samples and a tenth of base is confirmed by another an eighth of the period
// later, and when both lie beyond on the same side, base takes the mean of
// the two at once. Until the first window ends, base is unknown; that
// window's mean is the first guess, and a probe follows at once.
//
// What it keeps and changes from its anchors, and why:
//
//   - From Vegas it keeps the estimate of the queue and a band of a few
//     calls that grows with the logarithm of the limit. The band is 2 to 4
//     lg where Netflix's is 3 to 6: a shorter queue keeps latency nearer
//     the no-queue latency, and is still enough to keep a dependency busy.
//   - Netflix's Vegas takes the no-queue latency as the least single
//     latency seen, reset now and then to one sample while calls queue. The
//     least sample of a variable service lies far under its mean, and a
//     reset under load measures a queue; here a mean is compared with a
//     mean, and base is measured with the queue drained.
//   - Gradient2 compares the latency with its own long-term average, which
//     follows the latency up under lasting overload, so the limit creeps up.
//     failsafe-go's adaptive limiter keeps a moving average of recent
//     windows as its baseline, which drifts up during a long incident in
//     the same way. Here base changes only by probes that drain the queue;
//     a probe that cannot drain it (half the limit is still more than the
//     dependency takes) measures a base too high by at most the ratio of
//     half the limit to the dependency's concurrency, and the limit that
//     follows is lower, so the next probe drains more: it cannot sustain a
//     creep. A lasting change of the dependency, faster or slower, is
//     followed within two probes.
//   - Netflix's Vegas updates the limit on every sample; the mean of a
//     window is steadier with services whose latency varies. Like it, the
//     limit grows only when it held calls back, so an idle period does not
//     raise it to its maximum.
//
// Reading the clock costs more than the rest of a grant and a release: when
// permits are granted faster than one per 2 µs, only some of them are timed
// (every one during a probe), enough for the windows.
//
// The zero value is ready to use, with bounds 1 and 1000, a starting limit
// of 20 and no bound on the calls waiting in Acquire. An Adaptive is safe
// for concurrent use and must not be copied after first use. It reads time
// with time.Now and time.Since only, so it works in a testing/synctest
// bubble.
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
var grantHook func(inflight, allowed, limit int)

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
		// The grant wrote tk and its generation under a.mu before the
		// send on ready, which this receive follows.
		tk := w.tk
		putWaiter(w)
		return Permit{t: tk, gen: tk.gen}, nil
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
