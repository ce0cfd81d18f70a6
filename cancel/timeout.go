package cancel

import (
	"context"
	"errors"
	"time"
)

// Timeout calls f with a context derived from ctx that expires after d, and
// cancels that context when f returns.
//
// Timeout does not stop f; f must watch its context (wrap a function that
// cannot, with [Do]). When f returns an error and its context is done by
// then, the error reports why: if f's error does not already match
// context.Cause of f's context (errors.Is), Timeout returns it joined with
// that cause. So on expiry errors.Is(err, context.DeadlineExceeded) holds
// whatever f returned, and when ctx was cancelled first, the error matches
// ctx's own cause instead. f's value is returned as f gave it, and a
// success is returned as a success even if it came after the deadline.
//
// f runs on the caller's goroutine, so a panic in f goes up the caller's
// stack unchanged. When d <= 0 or ctx is already done, f is not called and
// Timeout returns the zero value and the cause. Timeout panics if ctx or f
// is nil.
func Timeout[T any](ctx context.Context, d time.Duration, f func(context.Context) (T, error)) (T, error) {
	checkContext(ctx)
	if f == nil {
		panic("cancel: nil function")
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if ctx.Err() != nil {
		var zero T
		return zero, context.Cause(ctx)
	}
	v, err := f(ctx)
	if err != nil {
		err = withCause(ctx, err)
	}
	return v, err
}

// withCause returns err with context.Cause(ctx) joined after it, when ctx is
// done and err does not already match the cause. A nil err gives the cause.
func withCause(ctx context.Context, err error) error {
	return joinCause(ctx, err, func(err, cause error) error { return errors.Join(err, cause) })
}

// joinCause is withCause with the join of err and the cause left to join.
func joinCause(ctx context.Context, err error, join func(err, cause error) error) error {
	if ctx.Err() == nil {
		return err
	}
	cause := context.Cause(ctx)
	switch {
	case err == nil:
		return cause
	case errors.Is(err, cause):
		return err
	}
	return join(err, cause)
}
