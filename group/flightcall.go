package group

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/gopatterns/concurrency/internal/panics"
)

// A flightCall is one call of a Flight's function, live or returned.
//
// When fn runs on a goroutine of its own, the call is also fn's context.
// That context is made only when fn first uses it, so that a call whose
// fn ignores its context costs no context at all: on a trivial fn, the
// context.WithoutCancel and context.WithCancel made for each call cost a
// third of what the goroutine does.
type flightCall[K comparable, V any] struct {
	f      *Flight[K, V]
	key    K
	fn     func(context.Context) (V, error)
	parent context.Context // the starting caller's ctx, for its values

	// Under f.mu until done is closed.
	waiters int           // callers waiting for the results
	dups    int           // callers that joined the starting one
	done    chan struct{} // closed when the results are in; made when a caller must wait for them

	// Written before done is closed, read after.
	val    V
	err    error
	perr   *PanicError
	goexit bool
	shared bool

	// fn's context, made by use under mu.
	mu      sync.Mutex
	made    atomic.Bool
	stopped bool // every caller has left, or fn has returned
	ctx     context.Context
	cancel  context.CancelFunc
}

// run calls fn with ctx, records how it ended, and hands the results to
// the callers. If fn calls runtime.Goexit, the results are handed over
// from a deferred call as the goroutine exits.
func (c *flightCall[K, V]) run(ctx context.Context) {
	perr := panics.Call(func() {
		c.val, c.err = c.fn(ctx)
	}, func() {
		c.goexit = true
		c.f.finish(c)
	})
	c.perr = perr
	c.f.finish(c)
}

// runOwn runs fn on the goroutine it was started on, with c as its context.
func (c *flightCall[K, V]) runOwn() { c.run(c) }

// result returns the results of c, which has returned, to a caller: it
// panics with fn's panic, and turns runtime.Goexit into ErrGoexit, except
// for the caller on whose goroutine fn ran (ran), which is exiting already
// if fn called runtime.Goexit.
func (c *flightCall[K, V]) result(ran bool) (V, error, bool) {
	if c.perr != nil {
		panic(c.perr)
	}
	if c.goexit && !ran {
		var zero V
		return zero, ErrGoexit, c.shared
	}
	return c.val, c.err, c.shared
}

// stop cancels fn's context: every caller has left, or fn has returned.
func (c *flightCall[K, V]) stop() {
	c.mu.Lock()
	c.stopped = true
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
}

// context returns fn's context, making it on first use: the values of the
// starting caller's ctx, cancelled by stop.
func (c *flightCall[K, V]) context() context.Context {
	if c.made.Load() {
		return c.ctx
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.made.Load() {
		c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(c.parent))
		if c.stopped {
			c.cancel()
		}
		c.made.Store(true)
	}
	return c.ctx
}
