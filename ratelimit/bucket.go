package ratelimit

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// noDue is a bucket's due and owed times before its first reservation.
const noDue = math.MinInt64

// errZeroRate is returned by a wait on a bucket that never refills.
var errZeroRate = fmt.Errorf("%w: rate is zero", ErrNeverAllowed)

// A bucket is the state of one token bucket, counted in units of a
// billionth of a token (see nano): tokens held at time last, the time due
// at which the newest reservation's tokens are its waiter's, and the time
// owed since which the schedule has added the tokens the bucket held after
// that reservation. Times are nanoseconds since the owner's base time, and
// the bucket's clock only moves forward: a time older than last refills
// nothing. rate.Limiter instead moves its clock back when, under
// contention, an older time reaches it after a newer one, and then refills
// the same interval twice (golang/go#65508). The owner keeps the limits and
// the lock.
type bucket struct {
	level
	due  int64 // noDue until the first reservation
	owed int64 // due, or earlier when tokens were left over; noDue at first
}

// A level is the part of a bucket that an Allow reads and writes: the
// tokens held at time last. Keyed keeps it apart from the due and owed
// times, which only waits use, so that an Allow touches less memory.
type level struct {
	tokens float64 // in units; negative while waits are pending
	last   int64
}

// A reservation records what bucket.reserve took, for unreserve.
type reservation struct {
	n        float64 // units taken
	due      int64   // when they are the waiter's
	prevDue  int64   // the bucket's due and owed before this reservation
	prevOwed int64
}

// nano is the number of a bucket's units in one token. A bucket counts in
// units of a billionth of a token, so that a rate of r tokens per second
// adds r units per nanosecond, and the refill over dt nanoseconds is one
// product, r*dt: exact for an integer rate while it stays below 2^53, and
// so an exact number of tokens whenever the true number is whole. Counting
// in tokens would take r/1e9 per nanosecond first, which rounds: at 15 per
// second, 200 ms would refill 2.9999999999999996 tokens.
const nano = 1e9

// limits are a bucket's rate and burst, in the units its methods use. The
// rate is finite.
type limits struct {
	perNs float64 // units added per nanosecond: the rate in tokens per second
	burst float64 // in units
}

// newLimits returns the limits for rate r and burst.
func newLimits(r rate.Limit, burst int) limits {
	return limits{
		perNs: float64(r),
		burst: float64(burst) * nano,
	}
}

// tokensAt returns the tokens the bucket holds at now, in units. It never
// holds more than burst for an Allow. For a wait (owed true) within CatchUp
// of the newest reservation's due time, it may hold more: the tokens the rate has
// added since then, which a waiter that woke late is owed, and those the
// reservation left over (b.owed is set back by their worth). Idle time, past
// CatchUp or before any reservation, builds no more than burst.
func (b *bucket) tokensAt(now int64, l *limits, owed bool) float64 {
	most := l.burst
	if owed && b.owed >= now-int64(CatchUp) {
		most = max(most, l.perNs*float64(now-b.owed))
	}
	return min(b.refilled(now, l), most)
}

// refilled returns the tokens held at now before any cap: those held at
// last plus what the rate has added since.
func (v *level) refilled(now int64, l *limits) float64 {
	t := v.tokens
	if now > v.last {
		t += refill(l.perNs, now-v.last)
	}
	return t
}

// refill returns the units a rate of perNs adds in dt nanoseconds. The
// conversion keeps the compiler from fusing the product with the sum that
// follows (as it may on arm64), so that Decision.RetryAfter, computed with
// refill, agrees with Allow to the nanosecond.
func refill(perNs float64, dt int64) float64 {
	return float64(perNs * float64(dt))
}

// allow takes n units at now if the level holds them, at most burst as for
// any Allow, and reports whether it did; otherwise it leaves the level
// unchanged.
func (v *level) allow(now int64, n float64, l *limits) bool {
	t := min(v.refilled(now, l), l.burst)
	if t < n {
		return false
	}
	v.set(now, t-n)
	return true
}

// reserve takes n units at now, going into debt if it must, and returns how
// long the caller has to wait before they are its. It fails, leaving the
// bucket unchanged, when that wait would exceed maxWait (math.MaxInt64
// meaning no bound), never end, or end beyond the bucket's int64 clock.
func (b *bucket) reserve(now int64, n float64, l *limits, maxWait time.Duration) (time.Duration, reservation, error) {
	t := b.tokensAt(now, l, true) - n
	at := max(now, b.last)
	var delay time.Duration
	if t < 0 {
		if l.perNs <= 0 {
			return 0, reservation{}, errZeroRate
		}
		// Compare as floats: converting a wait of 2^63 ns or more to a
		// Duration would wrap it negative.
		d := math.Ceil(-t / l.perNs)
		switch {
		case maxWait < math.MaxInt64 && d > float64(maxWait):
			return 0, reservation{}, errDeadline
		case d >= float64(math.MaxInt64-at):
			return 0, reservation{}, errBeyondClock
		}
		delay = time.Duration(d)
	}
	r := reservation{n: n, due: at + int64(delay), prevDue: b.due, prevOwed: b.owed}
	b.set(now, t)
	b.due = max(b.due, r.due)
	b.owed = r.due
	if t > 0 {
		// Tokens left over stay owed as long as the refill that made them:
		// they fell due t/perNs ago, which at rate 0 (t/perNs = +Inf) is
		// never. Older than CatchUp is as good as never.
		b.owed = at - int64(min(t/l.perNs, float64(CatchUp+1)))
	}
	return delay, r, nil
}

// unreserve gives back the tokens of reservation r, which will not be used,
// as far as no later reservation counts on them. A later reservation's wait
// was computed with r's debt in place; the tokens that refill between r's
// due time and the newest one's belong to that waiter, and only the rest of
// r's tokens come back, as with rate.Reservation.Cancel. If r is the newest
// reservation, all its tokens come back and the bucket is as though r had
// never been made, except that the burst caps it: a bucket without that
// debt would have overflowed.
func (b *bucket) unreserve(now int64, r reservation, l *limits) {
	back := r.n
	switch {
	case b.due > r.due:
		back = max(0, back-l.perNs*float64(b.due-r.due))
	case b.due == r.due:
		b.due, b.owed = r.prevDue, r.prevOwed
	}
	t := b.tokensAt(now, l, true)
	b.set(now, min(t+back, max(t, l.burst)))
}

// full reports whether the bucket is indistinguishable from a new one at
// now and later: it holds exactly burst tokens, for an Allow and for a wait
// alike, and no wait can be owed more, so forgetting it changes no answer.
func (b *bucket) full(now int64, l *limits) bool {
	owedNoMore := b.owed < now-int64(CatchUp) || l.perNs*float64(CatchUp) <= l.burst
	return owedNoMore && b.tokensAt(now, l, true) == l.burst
}

// set records t tokens at now, never moving the clock backwards.
func (v *level) set(now int64, t float64) {
	v.tokens = t
	v.last = max(v.last, now)
}
