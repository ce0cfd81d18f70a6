package ratelimit

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// A bucket is the state of one token bucket: tokens held at time last.
// Times are nanoseconds since the owner's base time, and the bucket's clock
// only moves forward: a time older than last refills nothing. rate.Limiter
// instead moves its clock back when, under contention, an older time
// reaches it after a newer one, and then refills the same interval twice
// (golang/go#65508). The owner keeps the limits and the lock.
type bucket struct {
	tokens float64 // negative while waits are pending
	last   int64
}

// limits are a bucket's rate and burst, in the units its methods use. The
// rate is finite.
type limits struct {
	perNs float64 // tokens added per nanosecond
	burst float64
	owed  float64 // surplus over burst a wait may use: CatchUp's worth
}

// newLimits returns the limits for rate r and burst.
func newLimits(r rate.Limit, burst int) limits {
	return limits{
		perNs: float64(r) / float64(time.Second),
		burst: float64(burst),
		owed:  float64(r) * CatchUp.Seconds(),
	}
}

// tokensAt returns the tokens the bucket holds at now. It never holds more
// than burst for an Allow. For a wait (owed true) it also keeps what
// overflowed the full bucket, as long as that surplus is at most CatchUp's
// worth of the rate: those are the tokens that fell due while a waiter
// overslept. A larger surplus means the bucket sat idle, and all of it goes.
func (b *bucket) tokensAt(now int64, l *limits, owed bool) float64 {
	t := b.tokens
	if now > b.last {
		t += l.perNs * float64(now-b.last)
	}
	if t <= l.burst || owed && t-l.burst <= l.owed {
		return t
	}
	return l.burst
}

// allow takes n tokens at now if the bucket holds them and reports whether
// it did; otherwise it leaves the bucket unchanged.
func (b *bucket) allow(now int64, n float64, l *limits) bool {
	t := b.tokensAt(now, l, false)
	if t < n {
		return false
	}
	b.set(now, t-n)
	return true
}

// reserve takes n tokens at now, going into debt if it must, and returns how
// long the caller has to wait before they are its. It fails, leaving the
// bucket unchanged, when that wait would exceed maxWait or never end.
func (b *bucket) reserve(now int64, n float64, l *limits, maxWait time.Duration) (time.Duration, bool) {
	t := b.tokensAt(now, l, true) - n
	var delay time.Duration
	if t < 0 {
		if l.perNs <= 0 {
			return 0, false
		}
		d := math.Ceil(-t / l.perNs)
		if d > float64(maxWait) {
			return 0, false
		}
		delay = time.Duration(d)
	}
	b.set(now, t)
	return delay, true
}

// unreserve gives back n tokens of a reservation that will not be used. The
// result is what the bucket would hold had the reservation never been made,
// which the burst caps: a bucket without that debt would have overflowed.
func (b *bucket) unreserve(now int64, n float64, l *limits) {
	t := b.tokensAt(now, l, true)
	b.set(now, min(t+n, max(t, l.burst)))
}

// full reports whether the bucket is indistinguishable from a new one at
// now: it holds exactly burst tokens, for an Allow and for a wait alike, so
// forgetting it changes no answer.
func (b *bucket) full(now int64, l *limits) bool {
	return b.tokensAt(now, l, true) == l.burst
}

// set records t tokens at now, never moving the clock backwards.
func (b *bucket) set(now int64, t float64) {
	b.tokens = t
	b.last = max(b.last, now)
}
