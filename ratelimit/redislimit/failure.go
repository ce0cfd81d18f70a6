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
