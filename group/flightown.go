package group

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A flightOwn is a call whose fn runs on a goroutine of its own, and is
// that fn's context.
//
// The context is made only when fn first uses it, so that a call whose fn
// ignores its context costs no context: on a trivial fn, the
// context.WithoutCancel and context.WithCancel made for each call cost
// about a third of what the goroutine does. Each method of
// context.Context passes to the context made, so that context.Cause, and
// contexts derived from this one, see a context of the context package.
type flightOwn[K comparable, V any] struct {
	call   flightCall[K, V]
	f      *Flight[K, V]
	key    K
	fn     func(context.Context) (V, error)
	parent context.Context // the starting caller's ctx, for its values

	mu      sync.Mutex
	made    atomic.Bool
	stopped bool // every caller has left, or fn has returned
	ctx     context.Context
	cancel  context.CancelFunc
}

// run runs fn, on the goroutine started for it.
func (o *flightOwn[K, V]) run() { o.f.run(o, o.key, &o.call, o.fn) }

// stop cancels fn's context: every caller has left, or fn has returned.
func (o *flightOwn[K, V]) stop() {
	o.mu.Lock()
	o.stopped = true
	if o.cancel != nil {
		o.cancel()
	}
	o.mu.Unlock()
}

// context returns fn's context, making it on first use: the values of the
// starting caller's ctx, cancelled by stop.
func (o *flightOwn[K, V]) context() context.Context {
	if o.made.Load() {
		return o.ctx
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.made.Load() {
		o.ctx, o.cancel = context.WithCancel(context.WithoutCancel(o.parent))
		if o.stopped {
			o.cancel()
		}
		o.made.Store(true)
	}
	return o.ctx
}

// Deadline reports no deadline: fn's context has none.
func (o *flightOwn[K, V]) Deadline() (deadline time.Time, ok bool) { return }

// Done returns a channel closed when every caller has left.
func (o *flightOwn[K, V]) Done() <-chan struct{} { return o.context().Done() }

// Err returns context.Canceled once every caller has left.
func (o *flightOwn[K, V]) Err() error { return o.context().Err() }

// Value returns the starting caller's value for key.
func (o *flightOwn[K, V]) Value(key any) any { return o.context().Value(key) }

// String names the context for debugging.
func (o *flightOwn[K, V]) String() string { return "group.Flight call context" }
