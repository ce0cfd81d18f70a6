package cancel

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
)

// A hedgeRace is one call of Hedge: the first call of f runs on the caller's
// goroutine, and a timer starts each hedge on the timer's goroutine.
type hedgeRace[T any] struct {
	h      *Hedger
	f      func(context.Context) (T, error)
	parent context.Context
	ctx    context.Context // the calls' context
	cancel context.CancelCauseFunc
	delay  time.Duration // 0: no hedge
	start  time.Time     // when the first call started, if the time matters

	// wg counts the hedges running and the timer's pending firing, so that
	// Hedge joins the timer's goroutine too.
	wg sync.WaitGroup

	mu        sync.Mutex
	timer     *time.Timer
	hedgeFunc func()     // r.hedge, made once for the life of r
	out       outcome[T] // the winner's value, or how the race must end
	winner    int        // index of the call whose value won; -1: none yet
	errs      []error    // errs[i] is the error of call i
	started   int        // calls started
	ended     int        // calls that returned without winning
	over      bool       // the race is decided: no hedge starts any more
	wake      chan struct{}
	firstEnd  bool          // the first call has returned
	latency   time.Duration // the first call's latency, or its age when it lost
	sample    bool          // latency is a sample for the window
}

// run runs the race and returns its result in the caller.
func (r *hedgeRace[T]) run() (T, error) {
	r.started = 1
	if r.delay > 0 || r.h.win != nil {
		r.start = time.Now()
	}
	if r.delay > 0 {
		r.ctx, r.cancel = context.WithCancelCause(r.parent)
		defer r.cancel(nil)
		r.mu.Lock()
		r.wg.Add(1)
		// A timer of its own for each call, never one kept from an earlier
		// call: a timer belongs to the synctest bubble (or the real clock)
		// it was made in, and a Hedger may serve calls in several.
		if r.hedgeFunc == nil {
			r.hedgeFunc = r.hedge // kept with the pooled race: a method value allocates
		}
		r.timer = time.AfterFunc(r.delay, r.hedgeFunc)
		r.mu.Unlock()
	} else {
		// No hedge can start: the first call needs no context of its own.
		r.ctx, r.cancel = r.parent, noCancel
	}
	var o outcome[T]
	o.panic = panics.Call(func() {
		o.val, o.err = r.f(r.ctx)
		o.returned = true
	}, func() {
		o.goexit = true
		r.finish(0, &o)
		r.end()
	})
	r.finish(0, &o)
	r.wait()
	r.end()
	if r.sample {
		r.h.record(r.latency)
	}
	return r.result()
}

// noCancel stands for the cancel function of a race without hedges.
func noCancel(error) {}

// reset makes r ready for another call, keeping its errs.
func (r *hedgeRace[T]) reset() {
	clear(r.errs)
	*r = hedgeRace[T]{h: r.h, errs: r.errs[:0], hedgeFunc: r.hedgeFunc}
}

// hedge starts the next hedge, if the race is still open and the budget
// pays for it, arms the timer for the one after, and runs the hedge on the
// timer's goroutine.
func (r *hedgeRace[T]) hedge() {
	r.mu.Lock()
	if r.over || r.ctx.Err() != nil || !r.h.spend() {
		r.mu.Unlock()
		r.wg.Done()
		return
	}
	i := r.started
	r.started++
	if r.started <= r.h.max {
		r.wg.Add(1)
		r.timer.Reset(time.Until(r.start.Add(time.Duration(r.started) * r.delay)))
	}
	r.mu.Unlock()
	// The timer's count in wg now stands for this hedge.
	var o outcome[T]
	o.panic = panics.Call(func() {
		o.val, o.err = r.f(r.ctx)
		o.returned = true
	}, func() {
		o.goexit = true
		r.finish(i, &o)
		r.wg.Done()
	})
	r.finish(i, &o)
	r.wg.Done()
}

// finish records how call i ended.
func (r *hedgeRace[T]) finish(i int, o *outcome[T]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.out.aborted(o, r.cancel):
		r.close()
	case o.err == nil && r.winner < 0 && r.parent.Err() == nil:
		r.winner = i
		r.out.val = o.val
		r.cancel(errHedgeLost)
		r.close()
	default:
		if o.err != nil {
			// Sized by the calls started, not by Max, which may be as
			// large as an int holds.
			if r.errs == nil {
				r.errs = make([]error, 0, min(r.h.max, 7)+1)
			}
			for len(r.errs) <= i {
				r.errs = append(r.errs, nil)
			}
			r.errs[i] = o.err
		}
		r.ended++
		if r.ended == r.started {
			r.close()
		}
	}
	r.takeSample(i)
}

// takeSample takes the first call's latency as a sample for the window when
// it won. When a hedge wins while the first call runs, the sample is the
// first call's age then: a lower bound of its latency (censored). A first
// call that failed gives no sample.
func (r *hedgeRace[T]) takeSample(i int) {
	if r.h.win == nil || r.firstEnd {
		return
	}
	if i == 0 {
		r.firstEnd = true
	}
	if r.winner == i && (i == 0 || !r.sample) {
		r.latency, r.sample = time.Since(r.start), true
	}
}

// close marks the race decided and wakes the caller if it waits.
func (r *hedgeRace[T]) close() {
	if r.over {
		return
	}
	r.over = true
	if r.wake != nil {
		close(r.wake)
	}
}

// wait returns once the race is decided.
func (r *hedgeRace[T]) wait() {
	r.mu.Lock()
	if r.over {
		r.mu.Unlock()
		return
	}
	r.wake = make(chan struct{})
	wake := r.wake
	r.mu.Unlock()
	<-wake
}

// end closes the race, cancels the calls still running, stops the timer and
// waits for the hedges and the timer's goroutine.
func (r *hedgeRace[T]) end() {
	r.mu.Lock()
	r.close()
	r.mu.Unlock()
	r.cancel(errHedgeLost)
	if r.delay > 0 && r.timer.Stop() {
		r.wg.Done()
	}
	r.wg.Wait()
	if r.winner > 0 {
		r.h.wins.Add(1)
	}
}

// result returns the race's result, or re-raises a panic or Goexit.
func (r *hedgeRace[T]) result() (T, error) {
	var zero T
	switch {
	case r.out.panic != nil || r.out.goexit:
		return r.out.unpack()
	case r.winner >= 0:
		return r.out.val, nil
	case r.parent.Err() != nil:
		return zero, context.Cause(r.parent)
	case r.started == 1:
		return zero, r.errs[0]
	}
	return zero, errors.Join(r.errs[:r.started]...)
}
