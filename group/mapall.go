package group

import "context"

// MapAll calls f for every element of items, in at most limit goroutines at
// once (limit <= 0 means runtime.GOMAXPROCS(0)), and returns every result
// and every error, each in the order of items: f(ctx, items[i]) returned
// values[i] and errs[i]. values has the length of items. errs is nil when
// every call of f returned a nil error; otherwise it has the length of
// items too, with nil for the elements that succeeded.
//
// Unlike Map, MapAll does not stop at an error: it is for work where each
// element stands alone, such as fetching many URLs, and the caller keeps
// what succeeded. The context passed to f is derived from ctx and is not
// cancelled by an error. When ctx is done, no further call of f starts
// (as in Map, the cancellation reaches the workers through
// context.AfterFunc, at the latest by the end of a worker's current range
// of elements); every element whose call did not start has the zero value
// and context.Cause(ctx) as its error, and the calls that ran keep what f
// returned. A call of runtime.Goexit in f gives its element ErrGoexit, and
// the other elements still run.
//
// A panic in f is recovered into a *PanicError, which cancels the context
// passed to f, with the panic as the cause, and stops the other calls;
// MapAll re-panics with it after every goroutine has returned, as Map does.
// MapAll joins its goroutines before it returns. It panics if ctx or f is
// nil.
func MapAll[T, R any](ctx context.Context, items []T, limit int, f func(context.Context, T) (R, error)) (values []R, errs []error) {
	checkArgs(ctx, f == nil, "MapAll")
	values = make([]R, len(items))
	if len(items) == 0 {
		return values, nil
	}
	if ctx.Err() != nil {
		errs = make([]error, len(items))
		setAll(errs, context.Cause(ctx))
		return values, errs
	}
	m := newMapper(ctx, items, values, true, limit, f)
	defer m.cancel(nil)
	m.run()
	if m.perr != nil {
		panic(m.perr)
	}
	if next := int(m.next.Load()); next < len(items) {
		// The workers stopped before claiming these.
		setAll(m.itemErrors()[next:], context.Cause(ctx))
	}
	if p := m.errs.Load(); p != nil {
		errs = *p
	}
	return values, errs
}

// setAll sets every element of errs to err.
func setAll(errs []error, err error) {
	for i := range errs {
		errs[i] = err
	}
}
