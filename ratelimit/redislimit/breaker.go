package redislimit

import "sync/atomic"

// A breaker keeps calls away from a Redis that just failed. After a failure
// it is open for a cooldown: calls skip Redis. When the cooldown is over,
// the first call probes Redis while the others keep skipping it; the
// probe's success closes the breaker, its failure opens it for another
// cooldown. So a dead server costs one timeout per cooldown instead of one
// per call. A probe that has not come back after a cooldown (a client
// without timeouts, a server that accepts and never answers) no longer
// holds the others back: the next call probes too, so one stuck call never
// keeps the Limiter from Redis for good. Times are nanoseconds of the
// Limiter's clock.
//
// The zero value is closed. A breaker is safe for concurrent use.
type breaker struct {
	until   atomic.Int64 // 0 when closed; else the end of the cooldown
	probing atomic.Int64 // when the probe on its way started; 0 if none
}

// enter reports whether a call at now may go to Redis and, if it is the
// probe, when it started (else 0), which it hands back to done.
func (b *breaker) enter(now, cooldown int64) (ok bool, probe int64) {
	u := b.until.Load()
	if u == 0 {
		return true, 0
	}
	if now < u {
		return false, 0
	}
	p := b.probing.Load()
	if p != 0 && now-p < cooldown || !b.probing.CompareAndSwap(p, now) {
		return false, 0
	}
	return true, now
}

// retryAt returns the end of the cooldown, or 0 when the breaker is closed.
func (b *breaker) retryAt() int64 {
	return b.until.Load()
}

// done records the outcome of a call that went to Redis: an outage at now
// opens the breaker until now+cooldown; an answer closes it. Neither (the
// caller's context ended first) leaves it as it was, and frees the probe
// for the next call, unless a later probe took its place.
func (b *breaker) done(probe int64, answered, outage bool, now, cooldown int64) {
	switch {
	case outage:
		b.until.Store(max(now+cooldown, 1))
	case answered:
		if b.until.Load() != 0 {
			b.until.Store(0)
		}
	}
	if probe != 0 {
		b.probing.CompareAndSwap(probe, 0)
	}
}
