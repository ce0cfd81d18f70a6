package cancel

import (
	"context"
	"errors"
)

// errHedgeLost is the cause with which Hedge cancels the calls that lost.
var errHedgeLost = errors.New("cancel: another call of Hedge succeeded")

// Hedge calls f and, when no call has succeeded after h's delay, calls f
// again (a hedge), at most h.Max more times, one delay apart, while h's budget
// allows: hedge k starts k delays after the first call, if no call has
// succeeded by then and not every call started has failed. Hedge returns the
// first success (a nil error), cancels the context of the other calls with a
// cause that says so, and returns only after every call has returned, as
// [First] does. So f must watch its context; a call that ignores it holds
// Hedge up until it returns.
//
// Once every call started has failed, Hedge returns at once, without
// starting a pending hedge, the zero value and the errors of the calls
// joined in start order (errors.Join); the error of a lone call is returned
// as it is. When ctx ends before a success, the calls are cancelled and
// joined, and Hedge returns context.Cause(ctx), whatever the calls then
// return; when ctx is already done, f is not called.
//
// The first call runs on the caller's goroutine and each hedge on a
// goroutine of its own. A panic in any call cancels the others and is
// re-raised in Hedge's caller as a *[PanicError] once every call has
// returned, even if another call succeeded; a runtime.Goexit in a call makes
// the caller call runtime.Goexit once every call has returned.
//
// See [Hedger] for the delay, the budget and how the delay is learnt. Hedge
// panics if ctx, h or f is nil, or if a field of h is out of range.
func Hedge[T any](ctx context.Context, h *Hedger, f func(context.Context) (T, error)) (T, error) {
	checkContext(ctx)
	if h == nil {
		panic("cancel: nil Hedger")
	}
	if f == nil {
		panic("cancel: nil function")
	}
	h.init()
	if ctx.Err() != nil {
		var zero T
		return zero, context.Cause(ctx)
	}
	// The races are pooled, with their timer: a Hedger is meant to serve
	// many calls, and the race is most of what a call allocates.
	r, _ := h.races.Get().(*hedgeRace[T])
	if r == nil {
		r = &hedgeRace[T]{h: h}
	}
	r.f, r.parent, r.delay, r.winner = f, ctx, h.begin(), -1
	v, err := r.run()
	r.reset()
	h.races.Put(r)
	return v, err
}
