package group

import (
	"context"
	"sync"
)

// A Flight makes concurrent calls for the same key share one call of their
// function: golang.org/x/sync/singleflight, typed, and aware of contexts,
// so that one caller's cancellation never fails the others. It is meant
// for work that many callers ask for at once and that should be done once,
// such as loading an expired cache entry (see the example).
//
// A Flight caches nothing: once a call has returned, the next Do for its
// key calls its function again.
//
// The zero value is ready to use. A Flight is safe for concurrent use by
// multiple goroutines and must not be copied after first use.
type Flight[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*flightCall[K, V] // the live call of each key; made lazily
}

// Do calls fn and returns its results, making sure that at most one call of
// fn is live for key at a time: if a call for key is live, Do waits for it
// and returns its results instead of calling fn. shared reports whether
// other callers joined the call, as in x/sync.
//
// fn runs with a context that carries the values of the ctx of the Do that
// started the call, but neither its cancellation nor its deadline: the
// context is cancelled once every caller waiting for the call has left. A
// caller leaves when its ctx is done: its Do returns at once, with the zero
// V, context.Cause(ctx) and shared false, and the other callers go on
// waiting. A call that every caller has left is forgotten at once, so the
// next Do for key starts a new call even while the abandoned fn is still
// returning; nobody joins a cancelled call. A Do whose ctx is already done
// returns context.Cause(ctx) at once, and neither starts nor joins a call.
//
// If ctx can never end (ctx.Done() returns nil, as for
// context.Background()), Do calls fn on its own goroutine, as x/sync does,
// since it never leaves before fn returns; otherwise fn runs on a goroutine
// of its own, which ends when fn returns.
//
// If fn panics, the panic is recovered with its stack, and every caller
// waiting for the call panics with that *PanicError; a panic in a call
// that every caller has left is dropped. If fn calls runtime.Goexit (as
// testing.T.FailNow does), every caller waiting returns ErrGoexit, except
// the caller on whose goroutine fn ran, if any, which exits with it, as
// with x/sync. In both cases the next Do for key calls fn again.
//
// Do panics if ctx or fn is nil.
func (f *Flight[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (v V, err error, shared bool) {
	if ctx == nil {
		panic("group: nil context")
	}
	if fn == nil {
		panic("group: nil function")
	}
	done := ctx.Done()
	if done != nil && ctx.Err() != nil {
		return v, context.Cause(ctx), false
	}
	f.mu.Lock()
	if c, ok := f.m[key]; ok {
		c.waiters++
		c.dups++
		if c.done == nil {
			c.done = make(chan struct{})
		}
		f.mu.Unlock()
		return f.wait(ctx, c)
	}
	if f.m == nil {
		f.m = make(map[K]*flightCall[K, V])
	}
	c := &flightCall[K, V]{f: f, key: key, fn: fn, waiters: 1}
	f.m[key] = c
	if done == nil {
		// The caller never leaves, so fn needs no cancellation: it runs
		// here, with ctx itself when ctx has no deadline to drop.
		f.mu.Unlock()
		fctx := ctx
		if _, ok := ctx.Deadline(); ok {
			fctx = context.WithoutCancel(ctx)
		}
		c.run(fctx)
		return c.result(true)
	}
	c.parent = ctx
	c.done = make(chan struct{})
	f.mu.Unlock()
	go c.runOwn()
	return f.wait(ctx, c)
}

// Forget makes the next Do for key start a new call instead of joining the
// live one, if there is one. The callers of that call still get its
// results, and its context is still cancelled only when they have all
// left.
func (f *Flight[K, V]) Forget(key K) {
	f.mu.Lock()
	delete(f.m, key)
	f.mu.Unlock()
}

// wait waits for call c until it returns or ctx is done.
func (f *Flight[K, V]) wait(ctx context.Context, c *flightCall[K, V]) (v V, err error, shared bool) {
	select {
	case <-c.done:
		return c.result(false)
	case <-ctx.Done():
		f.leave(c)
		return v, context.Cause(ctx), false
	}
}

// leave takes a caller off call c. The last one to leave forgets the call
// and cancels its context, both under the lock, so that when a new call
// for the key starts, the abandoned one is already cancelled.
func (f *Flight[K, V]) leave(c *flightCall[K, V]) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.waiters--; c.waiters > 0 {
		return
	}
	if f.m[c.key] == c {
		delete(f.m, c.key)
	}
	c.stop()
}

// finish forgets call c, unless a newer call took its place, and wakes the
// callers waiting for it.
func (f *Flight[K, V]) finish(c *flightCall[K, V]) {
	f.mu.Lock()
	if f.m[c.key] == c {
		delete(f.m, c.key)
	}
	c.shared = c.dups > 0
	if c.done != nil {
		close(c.done)
	}
	f.mu.Unlock()
	c.stop() // releases fn's context, if it made one
}
