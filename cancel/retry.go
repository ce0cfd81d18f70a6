package cancel

import (
	"context"
	"errors"
	"time"
)

// Retry calls f until it succeeds and returns its result. Between failed
// attempts it waits as b says: a random wait with full jitter, or the delay
// that an error from [RetryAfter] carries (see [Backoff]).
//
// Retry stops:
//   - when f succeeds, returning f's value and nil;
//   - when f's error is or wraps a [Permanent] error, at once, returning
//     f's value and the error that Permanent wrapped;
//   - when b.Retryable is not nil and reports false for f's error, at once,
//     returning f's value and error;
//   - after b.Attempts calls of f, if b.Attempts > 0, returning f's last
//     value and error;
//   - when f's error carries a RetryAfter delay that would end at or after
//     ctx's deadline, at once, returning f's value and its error joined
//     with context.DeadlineExceeded: the next attempt could not be made in
//     time;
//   - when ctx is done, returning f's last value and its last error joined
//     with context.Cause(ctx) (the cause alone if f was never called, and
//     f's error alone if it already matches the cause). A wait is cut short
//     the moment ctx is done, and an attempt that fails on a done ctx is the
//     last one.
//
// An error joined with the reason Retry stopped reads as one line, f's
// error then the reason, separated by "; " ("429 Too Many Requests;
// context deadline exceeded"), and errors.Is and errors.As match both, as
// with errors.Join.
//
// Every attempt gets ctx itself, or with b.AttemptTimeout a context derived
// from it, and only while ctx is live: f is never called on a done ctx. f
// and b.OnRetry run on the caller's goroutine, so a panic in them goes up
// the caller's stack unchanged.
//
// Retry panics if ctx or f is nil, or b is invalid.
func Retry[T any](ctx context.Context, b Backoff, f func(context.Context) (T, error)) (T, error) {
	checkContext(ctx)
	if f == nil {
		panic("cancel: nil function")
	}
	b = b.withDefaults()
	var (
		v   T
		err error
	)
	delay := b.delays()
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			return v, gaveUp(ctx, err)
		}
		v, err = attempt(ctx, b.AttemptTimeout, f)
		if err == nil {
			return v, nil
		}
		if p := (*permanentError)(nil); errors.As(err, &p) {
			return v, p.err
		}
		if b.Retryable != nil && !b.Retryable(err) {
			return v, err
		}
		if ctx.Err() != nil || n == b.Attempts {
			return v, gaveUp(ctx, err)
		}
		d, asked := wait(err, delay())
		if asked && !fits(ctx, d) {
			return v, withDeadline(err)
		}
		if b.OnRetry != nil {
			b.OnRetry(n, err, d)
		}
		if Sleep(ctx, d) != nil {
			return v, gaveUp(ctx, err)
		}
	}
}

// attempt makes one call of f: f(ctx), bounded by timeout if it is not 0. An
// error from an attempt whose own context expired is joined with the cause,
// as Timeout does, so that it says why the attempt failed.
func attempt[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	if timeout == 0 {
		return f(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := f(ctx)
	if err != nil {
		err = gaveUp(ctx, err)
	}
	return v, err
}

// wait returns the wait after an attempt that failed with err, given the
// backoff's delay for this step, and whether err asked for it (RetryAfter).
func wait(err error, step time.Duration) (d time.Duration, asked bool) {
	if r := (*retryAfterError)(nil); errors.As(err, &r) {
		return r.delay, true
	}
	return jitter(step), false
}

// fits reports whether a wait of d ends before ctx's deadline, if any: the
// next attempt could still be made.
func fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || d < time.Until(deadline)
}

// withDeadline returns err joined with context.DeadlineExceeded, unless it
// already matches it.
func withDeadline(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &stopError{err: err, why: context.DeadlineExceeded}
}

// gaveUp is withCause with a one-line join: err and context.Cause(ctx) in a
// stopError.
func gaveUp(ctx context.Context, err error) error {
	return joinCause(ctx, err, func(err, cause error) error { return &stopError{err: err, why: cause} })
}

// A stopError is the last error of f joined with why Retry, or one attempt,
// stopped. It is errors.Join of the two, but its text is one line: a log
// line, or an error wrapped again with %w, stays one line.
type stopError struct {
	err, why error
}

func (e *stopError) Error() string   { return e.err.Error() + "; " + e.why.Error() }
func (e *stopError) Unwrap() []error { return []error{e.err, e.why} }
