package group

import (
	"context"
	"sync"

	"github.com/gopatterns/concurrency/internal/panics"
)

// A Flight makes concurrent calls for the same key share one call of their
// function: golang.org/x/sync/singleflight, typed, and aware of contexts,
// so that one caller's cancellation never fails the others. It is meant
// for work that many callers ask for at once and that should be done once,
// such as loading an expired cache entry (see the example).
//
// A Flight caches nothing: once a call has returned, the next Do for its
// key calls its function again. The callers of one call share the V it
// returned: a V that refers to memory (a slice, a map, a pointer) is
// shared among them, as with x/sync.
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
// context.Background()), the caller never leaves before fn returns, so Do
// calls fn on the caller's goroutine, as x/sync does, and fn's context is
// never cancelled. Otherwise fn runs on a goroutine of its own, which ends
// when fn returns, and fn's context is also cancelled once fn has
// returned.
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
		return f.wait(ctx, done, key, c)
	}
	if done == nil {
		return f.callHere(ctx, key, fn)
	}
	return f.wait(ctx, done, key, f.start(ctx, key, fn))
}

// callHere calls fn for key on the caller's goroutine, for a caller whose
// ctx can never end: it never leaves, so fn needs no cancellation and runs
// with ctx itself, unless ctx has a deadline to drop. It is called with
// f.mu held, and unlocks it.
func (f *Flight[K, V]) callHere(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error, bool) {
	c := &flightCall[K, V]{waiters: 1}
	f.add(key, c)
	f.mu.Unlock()
	if _, ok := ctx.Deadline(); ok {
		ctx = context.WithoutCancel(ctx)
	}
	f.run(ctx, key, c, fn)
	return c.result(true)
}

// start starts a call of fn for key on a goroutine of its own and returns
// it. It is called with f.mu held, and unlocks it.
func (f *Flight[K, V]) start(ctx context.Context, key K, fn func(context.Context) (V, error)) *flightCall[K, V] {
	o := &flightOwn[K, V]{f: f, key: key, fn: fn, parent: ctx}
	c := &o.call
	c.own, c.waiters, c.done = o, 1, make(chan struct{})
	f.add(key, c)
	f.mu.Unlock()
	go o.run()
	return c
}

// add makes c the live call for key. It is called with f.mu held.
func (f *Flight[K, V]) add(key K, c *flightCall[K, V]) {
	if f.m == nil {
		f.m = make(map[K]*flightCall[K, V])
	}
	f.m[key] = c
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

// wait waits for call c of key until it returns or ctx is done; done is
// ctx.Done(), and nil if ctx can never end.
func (f *Flight[K, V]) wait(ctx context.Context, done <-chan struct{}, key K, c *flightCall[K, V]) (v V, err error, shared bool) {
	if done == nil {
		<-c.done // a receive costs less than a select
		return c.result(false)
	}
	select {
	case <-c.done:
		return c.result(false)
	case <-done:
		f.leave(key, c)
		return v, context.Cause(ctx), false
	}
}

// leave takes a caller off call c of key. The last one to leave forgets
// the call and cancels its context, both under the lock, so that when a
// new call for key starts, the abandoned one is already cancelled.
func (f *Flight[K, V]) leave(key K, c *flightCall[K, V]) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.waiters--; c.waiters > 0 {
		return
	}
	if f.m[key] == c {
		delete(f.m, key)
	}
	// Only a call on a goroutine of its own can lose every caller: the
	// caller that runs fn on its goroutine never leaves. So c.own is set.
	c.own.stop()
}

// run calls fn with ctx for call c of key, records how it ended, and hands
// the results to the callers. If fn calls runtime.Goexit, the results are
// handed over from a deferred call as the goroutine exits.
func (f *Flight[K, V]) run(ctx context.Context, key K, c *flightCall[K, V], fn func(context.Context) (V, error)) {
	perr := panics.Call(func() {
		c.val, c.err = fn(ctx)
	}, func() {
		c.goexit = true
		f.finish(key, c)
	})
	c.perr = perr
	f.finish(key, c)
}

// finish forgets call c of key, unless a newer call took its place, and
// wakes the callers waiting for it.
func (f *Flight[K, V]) finish(key K, c *flightCall[K, V]) {
	f.mu.Lock()
	if f.m[key] == c {
		delete(f.m, key)
	}
	c.shared = c.dups > 0
	if c.done != nil {
		close(c.done)
	}
	f.mu.Unlock()
	if c.own != nil {
		c.own.stop() // releases fn's context, if it made one
	}
}
