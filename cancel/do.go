package cancel

import (
	"context"
	"sync/atomic"

	"github.com/gopatterns/concurrency/internal/panics"
)

// Do calls f on a new goroutine and returns f's results, or abandons the
// call as soon as ctx is done, leaving f running, and returns the zero value
// and context.Cause(ctx). It is for functions that cannot be told to stop,
// such as a call into a library that takes no context.
//
// When ctx ends first, Do does not stop f: f runs on until it returns, and
// its results are dropped. Do is the one function of the package that leaves
// a goroutine running after it returns; bounding a call that ignores ctx
// cannot be done without that. Do never drops a result that f produced
// before Do saw ctx done: if both are ready, the result wins. When ctx is
// already done at the call, f is not called.
//
// A panic in f while Do waits is re-raised in Do's caller as a *PanicError
// carrying f's stack, and a runtime.Goexit in f makes Do's caller call
// runtime.Goexit. A panic in f after Do has returned has nobody to go to: it
// is re-raised as a *PanicError on f's goroutine and crashes the program,
// printing f's value and stack, as it would if f had been started with a go
// statement. Dropping it instead would hide a bug that a bare goroutine
// makes plain. A panic(nil), which recover sees as nil under
// GODEBUG=panicnil=1, is a panic all the same, with a nil Value.
//
// Do panics if ctx or f is nil.
func Do[T any](ctx context.Context, f func() (T, error)) (T, error) {
	checkContext(ctx)
	if f == nil {
		panic("cancel: nil function")
	}
	var zero T
	if ctx.Err() != nil {
		return zero, context.Cause(ctx)
	}
	c := &call[T]{f: f, ended: make(chan struct{})}
	go c.run()
	select {
	case <-c.ended:
		return c.out.unpack()
	case <-ctx.Done():
		if c.state.CompareAndSwap(waiting, abandoned) {
			return zero, context.Cause(ctx)
		}
		// f ended before Do gave up on it: finish is about to close ended.
		<-c.ended
		return c.out.unpack()
	}
}

// States of a call. The goroutine running f and Do's caller each try one
// compare-and-swap out of waiting; the one that succeeds decides whether f's
// outcome goes to Do's caller (ended) or to nobody (abandoned).
const (
	waiting int32 = iota
	ended
	abandoned
)

// A call is one run of f by Do.
type call[T any] struct {
	f     func() (T, error)
	state atomic.Int32
	ended chan struct{} // closed once out is set and state is ended
	out   outcome[T]    // written by f's goroutine, read by Do after ended
}

// run calls f and hands its outcome to Do. A panic is recovered by
// panics.Call while f's frames are still on the stack; after runtime.Goexit
// Call does not return, and the outcome is handed over as the goroutine
// exits.
func (c *call[T]) run() {
	c.out.panic = panics.Call(func() {
		c.out.val, c.out.err = c.f()
		c.out.returned = true
	}, func() {
		c.out.goexit = true
		c.finish()
	})
	c.finish()
}

// finish hands f's outcome to Do's caller if it still waits.
func (c *call[T]) finish() {
	if c.state.CompareAndSwap(waiting, ended) {
		close(c.ended)
		return
	}
	if c.out.panic != nil {
		// Do has returned: crash rather than lose the panic. The
		// *PanicError, not its Value, so that the crash shows where f
		// panicked, and a panic(nil) under GODEBUG=panicnil=1 still
		// crashes: its Stack was taken in f's frames, which are gone now.
		panic(c.out.panic)
	}
}
