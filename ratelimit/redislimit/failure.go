package redislimit

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// ErrUnavailable is wrapped by the error a Limiter returns when Redis did
// not decide: the server could not be reached, did not answer in time, or
// answered that it cannot decide now (see isOutage), or the Limiter skipped
// it during a cooldown after such a failure.
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

// unavailableReplies are the first words (see replyWord) of the errors
// with which a server says that it cannot decide now, though it may soon:
// it is loading its
// data set (LOADING), a replica (READONLY; MASTERDOWN with
// replica-serve-stale-data off), busy with a script that runs too long
// (BUSY), or a cluster that is failing over or resharding (CLUSTERDOWN,
// TRYAGAIN), or it lacks the replicas min-replicas-to-write asks for
// (NOREPLICAS).
var unavailableReplies = []string{"LOADING", "READONLY", "MASTERDOWN", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "NOREPLICAS"}

// isOutage reports whether err means that Redis could not decide: it could
// not be reached, did not answer in time, or answered one of
// unavailableReplies. Other errors that Redis answered (NOSCRIPT, WRONGTYPE,
// OOM) are not outages, nor is the caller's context ending, which the
// caller checks first: with go-redis's ContextTimeoutEnabled its deadline
// surfaces as context.DeadlineExceeded.
func isOutage(err error) bool {
	var re redis.Error
	if errors.As(err, &re) {
		return slices.Contains(unavailableReplies, replyWord(re.Error()))
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

// replyWord returns the first word of an error that Redis answered. Redis
// before 7 wraps the error that a command inside a script met, as in "ERR
// Error running script (call to f_…): @user_script:17: @user_script: 17:
// -READONLY You can't write against a read only replica.": of those it
// returns the inner word, READONLY here.
func replyWord(msg string) string {
	word, rest, _ := strings.Cut(msg, " ")
	if word == "ERR" && strings.HasPrefix(rest, "Error running script") {
		if _, inner, ok := strings.Cut(rest, ": -"); ok {
			word, _, _ = strings.Cut(inner, " ")
		}
	}
	return word
}
