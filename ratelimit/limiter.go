package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// A Limiter decides when events may happen. Allow reports whether an event
// may happen now and takes its token if so; Wait blocks until an event may
// happen or ctx is done. *rate.Limiter from golang.org/x/time/rate satisfies
// Limiter, as do *Ticker and *TokenBucket.
type Limiter interface {
	Allow() bool
	Wait(ctx context.Context) error
}

// CatchUp is how far back a limiter looks for tokens or ticks owed to a
// waiter that woke late. Go timers fire about 1 ms late, and a loaded or
// virtual machine now and then stalls a process for several milliseconds
// more; 10 ms covers the timers and most such stalls while keeping the
// extra burst to a hundredth of a second's worth of tokens.
const CatchUp = 10 * time.Millisecond

// ErrStopped is returned by Wait on a Ticker that has been stopped.
var ErrStopped = errors.New("ratelimit: ticker stopped")

// ErrNeverAllowed is returned, wrapped with the details, by a wait that no
// amount of waiting could satisfy: it asks for more tokens than the burst,
// for tokens that a zero rate never refills, or for a time beyond the
// limiter's clock, which counts nanoseconds in an int64 (about 292 years).
var ErrNeverAllowed = errors.New("ratelimit: event can never be allowed")

// errBeyondClock is returned by a wait whose event would come too late for
// the limiter's clock.
var errBeyondClock = fmt.Errorf("%w: wait exceeds the limiter's clock of about 292 years", ErrNeverAllowed)

// errDeadline is returned by a wait whose event would come after the
// deadline of its context. It wraps context.DeadlineExceeded, as the
// context would have reported had the caller waited.
var errDeadline = fmt.Errorf("ratelimit: wait would pass the context deadline: %w", context.DeadlineExceeded)

// maxWait returns how long a wait under ctx may last: until just before
// ctx's deadline, or without bound.
func maxWait(ctx context.Context) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return math.MaxInt64
	}
	return time.Until(deadline) - 1
}

// sleep waits for d, and returns early with context.Cause(ctx) when ctx is
// done or with ErrStopped when stop is closed (a nil stop never is).
func sleep(ctx context.Context, d time.Duration, stop <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-stop:
		return ErrStopped
	}
}
