package cancel

import (
	"context"
	"errors"
	"sync"

	"github.com/gopatterns/concurrency/internal/panics"
)

// ErrNoFunctions is returned by [First] when it is given no functions.
var ErrNoFunctions = errors.New("cancel: First with no functions")

// Causes with which First cancels the context of the functions still running.
var (
	errLost   = errors.New("cancel: another function of First succeeded")
	errGoexit = errors.New("cancel: a function of First called runtime.Goexit")
)

// First calls every function in fs at once, each on its own goroutine with a
// context derived from ctx, and returns the result of the first one to
// succeed (return a nil error). That success cancels the context of the
// others, with a cause that says so; their results are dropped. First returns only after every
// function has returned, so no goroutine outlives it.
//
// When every function fails, First returns the zero value and errors.Join of
// their errors in argument order, not in the order they failed; when ctx is
// done by then and no error matches its cause, the cause is joined last.
// With no functions First returns [ErrNoFunctions]; when ctx is already done
// it calls none and returns the cause.
//
// A panic in a function cancels the others at once, and First re-raises it
// in its caller as a *PanicError once every function has returned, even if
// another function succeeded: a panic is never traded for a result. If
// several panic, the first to be recovered is raised. A panic(nil), which
// recover sees as nil under GODEBUG=panicnil=1, is a panic all the same,
// with a nil Value. Likewise a
// runtime.Goexit in a function cancels the others and makes First's caller
// call runtime.Goexit once all have returned.
//
// First panics if ctx or any function is nil, before calling any of them.
func First[T any](ctx context.Context, fs ...func(context.Context) (T, error)) (T, error) {
	checkContext(ctx)
	for _, f := range fs {
		if f == nil {
			panic("cancel: nil function")
		}
	}
	var zero T
	if len(fs) == 0 {
		return zero, ErrNoFunctions
	}
	if ctx.Err() != nil {
		return zero, context.Cause(ctx)
	}
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r := &race[T]{cancel: cancel, errs: make([]error, len(fs))}
	r.wg.Add(len(fs))
	for i, f := range fs {
		go r.run(fctx, i, f)
	}
	r.wg.Wait()
	switch {
	case r.out.panic != nil || r.out.goexit:
		return r.out.unpack()
	case r.out.returned:
		return r.out.val, nil
	}
	return zero, withCause(ctx, errors.Join(r.errs...))
}

// A race is one call of First: its functions report to it as they end.
type race[T any] struct {
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	out  outcome[T] // the winner's result, or how the race must end
	errs []error    // errs[i] is the error of fs[i]
}

// run calls fs[i] and reports how it ended. A panic is recovered by
// panics.Call while f's frames are still on the stack; after runtime.Goexit
// Call does not return, and the report is made as the goroutine exits.
func (r *race[T]) run(ctx context.Context, i int, f func(context.Context) (T, error)) {
	var o outcome[T]
	o.panic = panics.Call(func() {
		o.val, o.err = f(ctx)
		o.returned = true
	}, func() {
		o.goexit = true
		r.finish(i, &o)
	})
	r.finish(i, &o)
}

// finish records how fs[i] ended.
func (r *race[T]) finish(i int, o *outcome[T]) {
	defer r.wg.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.out.aborted(o, r.cancel):
	case o.err != nil:
		r.errs[i] = o.err
	case !r.out.returned:
		r.out.val, r.out.returned = o.val, true
		r.cancel(errLost)
	}
}
