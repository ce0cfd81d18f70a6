package ratelimit

import (
	"time"

	"golang.org/x/time/rate"
)

// A Decision is the answer of Take: whether the tokens were taken, and what a
// server needs to answer a refused request and to set rate-limit headers.
type Decision struct {
	// Allowed reports whether the n tokens were taken. Take takes all n
	// tokens or none.
	Allowed bool

	// Limit is the bucket's rate, in tokens per second.
	Limit rate.Limit

	// Burst is the bucket's size.
	Burst int

	// Remaining is the number of whole tokens left after the decision: the
	// floor of the tokens left, where a value within 1e-9 of an integer
	// counts as that integer.
	Remaining int

	// RetryAfter is 0 when Allowed. When refused, it is the time until n
	// tokens are there, rounded up, so that after RetryAfter Take(n)
	// succeeds if nobody else took tokens. It is negative when the tokens
	// can never come: n exceeds the burst, or the rate is 0.
	RetryAfter time.Duration

	// ResetAfter is the time until the bucket is full again; 0 when it is
	// full now, negative when it never fills (rate 0).
	ResetAfter time.Duration
}
