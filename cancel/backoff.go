package cancel

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff says how long [Retry] waits between attempts, how many it makes
// and how long each may take. The wait before attempt k+2 (k = 0, 1, ...)
// is drawn uniformly from [0, delay_k] ("full jitter"), where
// delay_k = min(Max, Initial * Multiplier^k), unless attempt k+1 failed with
// an error from [RetryAfter]: then the wait is the delay that error carries.
//
// The zero value is ready to use: it waits up to 100ms, then up to 200ms,
// 400ms and so on, never more than 10s at a time, retries until ctx is done,
// gives each attempt all the time ctx has, retries every error but a
// Permanent one, and reports nothing. A Backoff is
// a plain value: Retry reads a copy and never changes it, so one Backoff may
// be copied freely and shared by Retry calls on many goroutines, as long as
// its OnRetry is safe to call from all of them at once.
//
// A negative Initial, Max, Attempts or AttemptTimeout, or a Multiplier that
// is NaN or below 1 (other than 0, which means 2), is a programming error:
// Retry panics with a message starting with "cancel: Backoff". A Multiplier
// of exactly 1 gives the same delay every time.
type Backoff struct {
	Initial    time.Duration // first delay; 0 means 100ms
	Max        time.Duration // cap on one delay; 0 means 10s
	Multiplier float64       // growth; 0 means 2
	Attempts   int           // calls of f at most; 0 means until ctx is done

	// AttemptTimeout bounds each call of f: f gets a context derived from
	// Retry's that expires AttemptTimeout after the call starts, so that one
	// attempt that hangs cannot use up all of ctx's time. An attempt that
	// fails after its context expired is a failed attempt like any other:
	// its error is joined with context.DeadlineExceeded (unless it already
	// matches it) and Retry tries again. Expiry of ctx itself still ends
	// Retry. As with [Timeout], f must watch its context; wrap a function
	// that cannot with [Do]. 0 means no bound besides ctx's.
	AttemptTimeout time.Duration

	// Retryable, if not nil, decides which errors are worth another
	// attempt: after an attempt fails with an error that is not
	// [Permanent], Retry calls Retryable with it (as OnRetry would get it)
	// and, if it reports false, stops at once and returns f's value and
	// that error. nil means every error but a Permanent one is worth
	// another attempt. It is the alternative to wrapping errors in
	// Permanent where f cannot tell, such as a function from another
	// package whose errors a predicate can classify: errors.Is(err,
	// io.ErrUnexpectedEOF), a status code. Like OnRetry, it runs on the
	// caller's goroutine, and a panic in it goes up the caller's stack.
	Retryable func(error) bool

	// OnRetry, if not nil, is called after each failed attempt that Retry
	// will try again, just before the wait: with the number of the attempt
	// that failed (1 for the first call of f), its error as Retry would
	// return it had it stopped there (f's own error, joined with
	// context.DeadlineExceeded when the attempt ran out of AttemptTimeout),
	// and the wait that follows. It is not called when Retry returns
	// instead (success, a Permanent error, the last attempt, ctx done, or
	// a RetryAfter delay that would end at or after ctx's deadline). It
	// runs on the caller's goroutine, so a panic in it goes up the caller's
	// stack, and the wait starts once it returns. It is meant for logs and
	// metrics.
	OnRetry func(attempt int, err error, delay time.Duration)
}

// Defaults of the zero fields of a Backoff.
const (
	defaultInitial    = 100 * time.Millisecond
	defaultMax        = 10 * time.Second
	defaultMultiplier = 2
)

// withDefaults returns b with its zero fields set to their defaults. It
// panics if b is invalid.
func (b Backoff) withDefaults() Backoff {
	switch {
	case b.Initial < 0:
		panic("cancel: Backoff.Initial < 0")
	case b.Max < 0:
		panic("cancel: Backoff.Max < 0")
	case b.Attempts < 0:
		panic("cancel: Backoff.Attempts < 0")
	case b.AttemptTimeout < 0:
		panic("cancel: Backoff.AttemptTimeout < 0")
	case b.Multiplier != 0 && !(b.Multiplier >= 1): // also rejects NaN
		panic("cancel: Backoff.Multiplier < 1")
	}
	if b.Initial == 0 {
		b.Initial = defaultInitial
	}
	if b.Max == 0 {
		b.Max = defaultMax
	}
	if b.Multiplier == 0 {
		b.Multiplier = defaultMultiplier
	}
	return b
}

// delays returns delay_k as a function of k = 0, 1, ... called in turn. The
// running product is kept unrounded, so that a step smaller than a
// nanosecond still adds up; it is clamped at Max on every step, so it never
// overflows however many attempts there are.
func (b Backoff) delays() func() time.Duration {
	f := float64(b.Initial)
	return func() time.Duration {
		if f >= float64(b.Max) || math.IsInf(f, 0) {
			return b.Max
		}
		d := time.Duration(f)
		f *= b.Multiplier
		return d
	}
}

// jitter returns a wait drawn uniformly from [0, d]. Tests replace it to see
// and steer the waits.
var jitter = func(d time.Duration) time.Duration {
	return time.Duration(rand.Uint64N(uint64(d) + 1))
}
