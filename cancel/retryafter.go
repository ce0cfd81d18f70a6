package cancel

import "time"

// RetryAfter returns an error that makes [Retry] wait d before its next
// attempt instead of the delay its [Backoff] would draw: the delay a server
// asked for, as an HTTP server does with a 429 or 503 response and a
// Retry-After header. Its text is err's, and errors.Is and errors.As see err
// through it. RetryAfter(nil, d) is nil, and a d < 0 counts as 0 (retry at
// once), as a Retry-After date already past does.
//
// Retry waits exactly d: Backoff.Max does not cap it, since retrying earlier
// than the server said would only be refused again, and no jitter is
// applied, since the server has already chosen when each client comes back.
// A wait that would end at or after ctx's deadline is not started: Retry
// returns at once (see Retry). The wait still counts as a step of the
// backoff, so the waits after it grow as they would have.
//
// When an error wraps several RetryAfter errors, the outermost one counts;
// a [Permanent] error anywhere in it makes Retry stop instead.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, delay: max(d, 0)}
}

// A retryAfterError carries the delay before the next attempt.
type retryAfterError struct {
	err   error
	delay time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }
