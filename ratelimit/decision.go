package ratelimit

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// A Decision is the answer of Take: whether the tokens were taken, and what a
// server needs to answer a refused request and to set rate-limit headers.
// Its times are exact to the nanosecond for the bucket's state when Take
// decided; other events on the same bucket since then change them.
type Decision struct {
	// Allowed reports whether the n tokens were taken. Take takes all n
	// tokens or none. Take(0) and every Take at rate.Inf are allowed.
	Allowed bool

	// Limit is the bucket's rate, in tokens per second.
	Limit rate.Limit

	// Burst is the bucket's size.
	Burst int

	// Remaining is the number of whole tokens left after the decision: the
	// floor of the tokens left, where a value within 1e-9 of an integer
	// counts as that integer; but fewer than n when Take(n) was refused for
	// want of tokens. It is 0 while waits hold tokens that have not refilled
	// yet, and Burst at rate.Inf.
	Remaining int

	// RetryAfter is 0 when Allowed. When refused, it is the time until n
	// tokens are there, rounded up to the nanosecond: after RetryAfter,
	// Take(n) succeeds if nobody else took tokens meanwhile, and one
	// nanosecond earlier it would not. It is negative when the tokens can
	// never come: n exceeds the burst, the rate is 0, or they would come
	// beyond the bucket's clock of about 292 years.
	RetryAfter time.Duration

	// ResetAfter is the time until the bucket is full again, rounded up to
	// the nanosecond; 0 when it is full now, negative when it never fills:
	// the rate is 0, or it would fill beyond the bucket's clock.
	ResetAfter time.Duration

	// Fallback reports that a failure policy made the decision instead of
	// the limiter's own state: a store that could not decide (redislimit's
	// FailOpen, FailClosed or local policy) answered for it. Its other
	// fields then describe no bucket that anybody counted, so HTTP
	// middleware sends no rate-limit headers for it. The limiters of this
	// package never set it.
	Fallback bool
}

// wholeSlack is how close to an integer a token count must be to count as
// that integer in Decision.Remaining. Buckets count exactly for integer
// rates; other rates, such as 0.1, leave rounding errors.
const wholeSlack = 1e-9

// never is a Decision's RetryAfter or ResetAfter for a time that never
// comes.
const never = time.Duration(-1)

// take decides on n tokens at now as Allow does, at most burst tokens and
// none that a late wait is owed, taking them if the level holds them, and
// returns the Decision without its Limit and Burst. n == 0 takes nothing.
func (v *level) take(now int64, n int, l *limits) Decision {
	t := min(v.refilled(now, l), l.burst)
	var d Decision
	switch need := float64(n) * nano; {
	case n == 0:
		// A peek is allowed even while waits hold the bucket in debt.
		d.Allowed = true
	case t >= need:
		d.Allowed = true
		t -= need
		v.set(now, t)
	case need > l.burst:
		d.RetryAfter = never
	default:
		d.RetryAfter = v.until(now, need, l)
		// Less than n tokens are there, though perhaps within
		// wholeSlack of n.
		t = min(t, float64(n-1)*nano)
	}
	d.Remaining = wholeTokens(t)
	d.ResetAfter = v.until(now, l.burst, l)
	return d
}

// wholeTokens returns the whole tokens in t units: the floor, where a
// count within wholeSlack of an integer counts as it, and at least 0.
func wholeTokens(t float64) int {
	w := math.Floor(t/nano + wholeSlack)
	switch {
	case w <= 0:
		return 0
	case w >= math.MaxInt:
		return math.MaxInt
	}
	return int(w)
}

// until returns how long after now the level first holds goal tokens, in
// whole nanoseconds, rounded up: the least d for which refilled(now+d)
// >= goal, found with the arithmetic of refilled itself, so that it holds
// exactly. It returns 0 if the level holds them now, and never if the rate
// is zero or the time lies beyond the clock.
func (v *level) until(now int64, goal float64, l *limits) time.Duration {
	if v.refilled(now, l) >= goal {
		return 0
	}
	if l.perNs <= 0 {
		return never
	}
	// x, the time since last, comes first from a division, then to the
	// nanosecond from refilled's own products, which may round either way.
	est := math.Ceil((goal - v.tokens) / l.perNs)
	if est >= float64(math.MaxInt64-v.last) {
		return never
	}
	holds := func(x int64) bool { return v.tokens+refill(l.perNs, x) >= goal }
	lo := max(now-v.last, 0) // !holds(lo): the level lacks goal at now
	hi := max(int64(est), lo+1)
	for step := int64(1); !holds(hi); step *= 2 {
		if step <= 0 || step >= math.MaxInt64-v.last-hi {
			return never
		}
		lo, hi = hi, hi+step
	}
	for step := int64(1); hi-step > lo; step *= 2 {
		if !holds(hi - step) {
			lo = hi - step
			break
		}
		hi -= step
	}
	for hi-lo > 1 { // holds(hi) and !holds(lo)
		mid := lo + (hi-lo)/2
		if holds(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return time.Duration(v.last + hi - now)
}
