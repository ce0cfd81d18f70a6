package group

import (
	"context"
	"runtime"
)

// Map calls f for every element of items, in at most limit goroutines at
// once (limit <= 0 means runtime.GOMAXPROCS(0)), and returns the results in
// the order of items.
//
// Unlike a Group, Map stops at the first failure. The context passed to f
// is derived from ctx and is cancelled, with the error as its cause, as
// soon as a call of f fails. From then on no call of f starts (calls
// already running are not interrupted, and a call that was starting at
// that instant may still run), and Map returns nil and the first error. If
// ctx is done by the time that error is recorded, Map returns
// context.Cause(ctx) instead, also when f returned ctx.Err(), so that the
// caller learns why the work was cut short. If ctx is done before every
// element was processed, Map returns nil and context.Cause(ctx); the
// cancellation reaches the workers through context.AfterFunc, so a call may
// still start in the moment before that function runs, and never after the
// end of a worker's current range of elements. If every element was
// processed without error, Map returns the results, even if ctx was done
// meanwhile. An empty items returns an empty slice and a nil error at once,
// without calling f.
//
// A panic in f is recovered into a *PanicError, which stops the other calls
// like an error; Map re-panics with it after every goroutine has returned,
// even for a panic(nil), which recover sees as nil under
// GODEBUG=panicnil=1. A call of runtime.Goexit in f fails Map with
// ErrGoexit. Map starts min(limit, len(items)) goroutines, each calling f
// in turn on ranges of elements it claims, and joins them before it
// returns. It panics if ctx or f is nil.
func Map[T, R any](ctx context.Context, items []T, limit int, f func(context.Context, T) (R, error)) ([]R, error) {
	checkArgs(ctx, f == nil, "Map")
	out := make([]R, len(items))
	if err := mapInto(ctx, items, out, limit, f); err != nil {
		return nil, err
	}
	return out, nil
}

// ForEach calls f for every element of items, in at most limit goroutines at
// once (limit <= 0 means runtime.GOMAXPROCS(0)). It stops, reports errors
// and panics exactly as Map does, and returns the first error, or
// context.Cause(ctx) if ctx was done before every element was processed or
// when the first error was recorded. It panics if ctx or f is nil.
func ForEach[T any](ctx context.Context, items []T, limit int, f func(context.Context, T) error) error {
	checkArgs(ctx, f == nil, "ForEach")
	// A []struct{} of any length takes no memory.
	return mapInto(ctx, items, make([]struct{}, len(items)), limit,
		func(ctx context.Context, v T) (struct{}, error) { return struct{}{}, f(ctx, v) })
}

// checkArgs panics, in the caller's goroutine, on a nil ctx or a nil f of
// the function named fn.
func checkArgs(ctx context.Context, nilFunc bool, fn string) {
	if ctx == nil {
		panic("group: nil context")
	}
	if nilFunc {
		panic("group: " + fn + " with nil function")
	}
}

// mapInto sets out[i] to f(items[i]) for every i, with the contract of Map.
func mapInto[T, R any](ctx context.Context, items []T, out []R, limit int, f func(context.Context, T) (R, error)) error {
	if len(items) == 0 {
		return nil
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	m := newMapper(ctx, items, out, false, limit, f)
	defer m.cancel(nil)
	m.run()
	if m.perr != nil {
		panic(m.perr)
	}
	if m.err == nil && m.stopped.Load() {
		return context.Cause(ctx)
	}
	return m.err
}

// newMapper returns a mapper of items into out, for MapAll if all is set, with
// min(limit, len(items)) workers, limit <= 0 meaning GOMAXPROCS, and a
// context derived from ctx that the caller cancels when it is done.
func newMapper[T, R any](ctx context.Context, items []T, out []R, all bool, limit int, f func(context.Context, T) (R, error)) *mapper[T, R] {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	m := &mapper[T, R]{parent: ctx, items: items, out: out, all: all, f: f, workers: min(limit, len(items))}
	m.ctx, m.cancel = context.WithCancelCause(ctx)
	return m
}
