package cancel

import (
	"context"
	"errors"
)

// Retry calls f until it succeeds and returns its result. Between failed
// attempts it waits as b says, with full jitter (see [Backoff]).
//
// Retry stops:
//   - when f succeeds, returning f's value and nil;
//   - when f's error is or wraps a [Permanent] error, at once, returning
//     f's value and the error that Permanent wrapped;
//   - after b.Attempts calls of f, if b.Attempts > 0, returning f's last
//     value and error;
//   - when ctx is done, returning f's last value and its last error joined
//     with context.Cause(ctx) (the cause alone if f was never called, and
//     f's error alone if it already matches the cause). A wait is cut short
//     the moment ctx is done, and an attempt that fails on a done ctx is the
//     last one.
//
// Every attempt gets ctx itself, and only while it is live: f is never
// called on a done ctx. f runs on the caller's goroutine, so a panic in f
// goes up the caller's stack unchanged.
//
// Retry panics if f is nil or b is invalid.
func Retry[T any](ctx context.Context, b Backoff, f func(context.Context) (T, error)) (T, error) {
	if f == nil {
		panic("cancel: Retry with nil function")
	}
	b = b.withDefaults()
	var (
		v   T
		err error
	)
	delay := b.delays()
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return v, withCause(ctx, err)
		}
		v, err = f(ctx)
		if err == nil {
			return v, nil
		}
		if p := (*permanentError)(nil); errors.As(err, &p) {
			return v, p.err
		}
		if ctx.Err() != nil || attempt == b.Attempts {
			return v, withCause(ctx, err)
		}
		if Sleep(ctx, jitter(delay())) != nil {
			return v, withCause(ctx, err)
		}
	}
}
