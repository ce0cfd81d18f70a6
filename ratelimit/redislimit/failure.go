package redislimit

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// ErrUnavailable is wrapped by the error a Limiter returns when Redis did
// not decide: the server could not be reached or did not answer in time, or
// the Limiter skipped it during a cooldown after such a failure.
var ErrUnavailable = errors.New("redislimit: redis unavailable")

// An unavailableError is ErrUnavailable with its cause.
type unavailableError struct {
	cause error
}

func (e *unavailableError) Error() string {
	return ErrUnavailable.Error() + ": " + e.cause.Error()
}

func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

func (e *unavailableError) Unwrap() error { return e.cause }

// errCooldown is the cause reported for calls that skip Redis during a
// cooldown.
var errCooldown = errors.New("skipped during the cooldown after a failure")

// A FailurePolicy says what a Limiter decides when Redis cannot: see
// Limiter.SetFailurePolicy. The zero value is FailError.
type FailurePolicy struct {
	kind     failKind
	fraction float64
}

type failKind int

const (
	failError failKind = iota
	failOpen
	failClosed
	failLocal
)

// The failure policies. FailLocal returns the third kind.
var (
	// FailError makes every method return an error that wraps
	// ErrUnavailable, so that the caller decides (httplimit.Limiter lets the
	// request through and reports the error, by default). It is the default.
	FailError = FailurePolicy{kind: failError}

	// FailOpen allows every event while Redis is unavailable, as rate.Inf
	// does: Take reports Allowed with Remaining = Burst.
	FailOpen = FailurePolicy{kind: failOpen}

	// FailClosed refuses every event while Redis is unavailable: Take reports
	// Remaining 0 and a RetryAfter of the time until the next probe of
	// Redis, at least a microsecond; Wait and WaitN return the error at once.
	FailClosed = FailurePolicy{kind: failClosed}
)

// FailLocal returns the policy that decides with a token bucket per key in
// this process, at fraction of the Limiter's rate, with fraction of its
// burst (rounded up, at least 1). For a service of n instances, 1/n keeps
// the whole near the limit while Redis is away. The local buckets remember
// at most 100,000 keys, forgetting full ones first (ratelimit.Keyed), and
// start full. FailLocal panics unless 0 < fraction <= 1.
func FailLocal(fraction float64) FailurePolicy {
	if !(fraction > 0 && fraction <= 1) {
		panic("redislimit: FailLocal fraction not in (0, 1]")
	}
	return FailurePolicy{kind: failLocal, fraction: fraction}
}

// isOutage reports whether err means that Redis could not be reached or did
// not answer in time. Errors that Redis answered (NOSCRIPT, WRONGTYPE, OOM)
// are not outages, nor is the caller's context ending, which the caller
// checks first: with go-redis's ContextTimeoutEnabled its deadline surfaces
// as context.DeadlineExceeded.
func isOutage(err error) bool {
	var re redis.Error
	if errors.As(err, &re) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, redis.ErrPoolTimeout) ||
		errors.Is(err, redis.ErrPoolExhausted)
}
