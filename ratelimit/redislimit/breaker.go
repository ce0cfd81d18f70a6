package redislimit

import "sync/atomic"

// A breaker keeps calls away from a Redis that just failed. After a failure
// it is open for a cooldown: calls skip Redis. When the cooldown is over,
// the first call probes Redis while the others keep skipping it; the
// probe's success closes the breaker, its failure opens it for another
// cooldown. So a dead server costs one timeout per cooldown instead of one
// per call. Times are nanoseconds of the Limiter's clock.
//
// The zero value is closed. A breaker is safe for concurrent use.
type breaker struct {
	until   atomic.Int64 // 0 when closed; else the end of the cooldown
	probing atomic.Bool  // a probe is on its way
}

// enter reports whether a call at now may go to Redis, and whether it is
// the probe, which must report back with done.
func (b *breaker) enter(now int64) (ok, probe bool) {
	u := b.until.Load()
	if u == 0 {
		return true, false
	}
	if now < u || !b.probing.CompareAndSwap(false, true) {
		return false, false
	}
	return true, true
}

// retryAt returns the end of the cooldown, or 0 when the breaker is closed.
func (b *breaker) retryAt() int64 {
	return b.until.Load()
}

// done records the outcome of a call that went to Redis: an outage at now
// opens the breaker until now+cooldown; an answer closes it. Neither (the
// caller's context ended first) leaves it as it was, and frees the probe
// for the next call.
func (b *breaker) done(probe, answered, outage bool, now, cooldown int64) {
	switch {
	case outage:
		b.until.Store(max(now+cooldown, 1))
	case answered:
		if b.until.Load() != 0 {
			b.until.Store(0)
		}
	}
	if probe {
		b.probing.Store(false)
	}
}
