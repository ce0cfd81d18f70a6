package ratelimit

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// A bucket is the state of one token bucket: tokens held at time last.
// Times are nanoseconds since the owner's base time and are read under the
// owner's lock, so last never moves backwards (golang/go#65508: rate.Limiter
// reads the time before taking its lock, and under contention an older time
// can reach it after a newer one, refilling the same interval twice).
// The owner keeps the rate and the burst; a rate given to these methods is
// finite.
type bucket struct {
	tokens float64 // negative while waits are pending
	last   int64
}

// tokensAt returns the tokens the bucket holds at now. It never holds more
// than burst for an Allow. For a wait (owed true) it also keeps what
// overflowed the full bucket, as long as that surplus is at most CatchUp's
// worth of the rate: those are the tokens that fell due while a waiter
// overslept. A larger surplus means the bucket sat idle, and all of it goes.
func (b *bucket) tokensAt(now int64, r rate.Limit, burst float64, owed bool) float64 {
	t := b.tokens
	if now > b.last {
		t += float64(r) * float64(now-b.last) / float64(time.Second)
	}
	if t <= burst || owed && t-burst <= float64(r)*CatchUp.Seconds() {
		return t
	}
	return burst
}

// allow takes n tokens at now if the bucket holds them and reports whether
// it did; otherwise it leaves the bucket unchanged.
func (b *bucket) allow(now int64, n float64, r rate.Limit, burst float64) bool {
	t := b.tokensAt(now, r, burst, false)
	if t < n {
		return false
	}
	b.set(now, t-n)
	return true
}

// reserve takes n tokens at now, going into debt if it must, and returns how
// long the caller has to wait before they are its. It fails, leaving the
// bucket unchanged, when that wait would exceed maxWait or never end.
func (b *bucket) reserve(now int64, n float64, r rate.Limit, burst float64, maxWait time.Duration) (time.Duration, bool) {
	t := b.tokensAt(now, r, burst, true) - n
	var delay time.Duration
	if t < 0 {
		d := math.Ceil(-t / float64(r) * float64(time.Second))
		if r <= 0 || d > float64(maxWait) {
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
func (b *bucket) unreserve(now int64, n float64, r rate.Limit, burst float64) {
	t := b.tokensAt(now, r, burst, true)
	b.set(now, min(t+n, max(t, burst)))
}

// full reports whether the bucket is indistinguishable from a new one at
// now: it holds exactly burst tokens, for an Allow and for a wait alike, so
// forgetting it changes no answer.
func (b *bucket) full(now int64, r rate.Limit, burst float64) bool {
	return b.tokensAt(now, r, burst, true) == burst
}

// set records t tokens at now, never moving the clock backwards.
func (b *bucket) set(now int64, t float64) {
	b.tokens = t
	b.last = max(b.last, now)
}
