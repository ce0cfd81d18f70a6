package ratelimit

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A TokenBucket allows events at rate r with bursts of up to burst events.
// It is the token bucket of golang.org/x/time/rate: the same rate type, the
// same meaning of rate.Inf and of a zero rate, the same rules for Allow and
// for waits that reserve their tokens on entry. It keeps its own state,
// rather than wrapping a rate.Limiter, for two corrections that need it:
//
//   - Its clock never runs backwards. rate.Limiter reads the time before
//     taking its lock, and under contention an older time can reach it after
//     a newer one: it then moves its clock back and refills the same interval
//     twice, allowing more than burst + r*elapsed (golang/go#65508). A
//     TokenBucket reads the time under its lock and never moves its clock
//     back.
//   - A Wait that the runtime wakes late does not lose the tokens that fall
//     due meanwhile. Let D be the time the newest Wait's tokens became its
//     own (for a Wait that took tokens at once and left some, the time the
//     rate had added those left: that many tokens' worth earlier). Until
//     CatchUp (10 ms) after D, Wait and WaitN may take more than burst, up to
//     the tokens the rate has added since D, r*(now-D): what a Wait loop
//     that woke late is owed. So such a loop keeps the configured rate where
//     rate.Limiter fell 1-17% short at 10,000/s with burst 10 in our runs. Idle time
//     builds no larger burst: a new bucket, or one whose D lies more than
//     CatchUp back, lets exactly burst Waits pass at once, as rate.Limiter
//     does. Allow, AllowN and Tokens never see more than burst.
//
// So over any interval of length d the bucket grants at most burst + r*d
// tokens to Allow and AllowN, and at most burst + r*(d+CatchUp) in all.
//
// The zero value allows no event; use NewTokenBucket. A TokenBucket is safe
// for concurrent use and must not be copied after first use.
type TokenBucket struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	lim   limits    // limit and burst for b
	base  time.Time // zero until first needed
	b     bucket
	// epoch counts the times SetLimit set rate.Inf, which forgives every
	// debt: a reservation made in an older epoch has nothing to give back.
	epoch uint64
}

// NewTokenBucket returns a full bucket of burst tokens refilled at r tokens
// per second. With r == rate.Inf every event is allowed and burst is ignored
// (should the rate later become finite, a burst below 1 counts as 1).
// Tokens are counted in billionths of a token, in a float64: exactly up to
// a burst of about 4 million; with a larger burst, fractions of a token are
// lost to rounding, and above about 2^52, single tokens.
// NewTokenBucket panics if r is negative, or finite with burst < 1.
func NewTokenBucket(r rate.Limit, burst int) *TokenBucket {
	checkLimit(r, burst)
	burst = max(burst, 1)
	return &TokenBucket{
		limit: r,
		burst: burst,
		lim:   newLimits(r, burst),
		base:  time.Now(),
		b:     bucket{level: level{tokens: float64(burst) * nano}, due: noDue, owed: noDue},
	}
}

// checkLimit panics on a rate and burst that allow no event at all.
func checkLimit(r rate.Limit, burst int) {
	if r < 0 || math.IsNaN(float64(r)) {
		panic("ratelimit: rate < 0")
	}
	if r < rate.Inf && burst < 1 {
		panic("ratelimit: burst < 1")
	}
}

// Allow reports whether an event may happen now, and takes its token if so.
func (b *TokenBucket) Allow() bool {
	return b.AllowN(1)
}

// AllowN reports whether n events may happen now, and takes their n tokens
// if so; otherwise it leaves the bucket unchanged. AllowN(0) reports true;
// AllowN panics if n < 0.
func (b *TokenBucket) AllowN(n int) bool {
	if n < 0 {
		panic("ratelimit: n < 0")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit >= rate.Inf || n == 0 {
		return true
	}
	return b.b.allow(b.now(), float64(n)*nano, &b.lim)
}

// Take decides on n events now, as AllowN does, and reports what a server
// needs to answer the request and to set rate-limit headers: it takes all n
// tokens if the bucket holds them, and otherwise takes none. Tokens that
// waits have reserved are taken already: while a Wait sleeps, Take sees
// fewer tokens, down to a debt, and its RetryAfter counts the debt. Take(0)
// takes nothing and reports the bucket's state (Allowed is true). With
// rate.Inf every Take is allowed and reports Remaining = Burst and zero
// times. Take panics if n < 0. See Decision for the fields.
func (b *TokenBucket) Take(n int) Decision {
	if n < 0 {
		panic("ratelimit: n < 0")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit >= rate.Inf {
		return Decision{Allowed: true, Limit: b.limit, Burst: b.burst, Remaining: b.burst}
	}
	d := b.b.take(b.now(), n, &b.lim)
	d.Limit, d.Burst = b.limit, b.burst
	return d
}

// Wait is shorthand for WaitN(ctx, 1).
func (b *TokenBucket) Wait(ctx context.Context) error {
	return b.WaitN(ctx, 1)
}

// WaitN blocks until n events may happen and takes their tokens. Waiters
// are served in the order they call, as with rate.Limiter: each reserves its
// tokens on entry.
//
// If ctx is done first, WaitN returns context.Cause(ctx) and gives back the
// tokens no later Wait counts on, as rate.Reservation.Cancel does: all n if
// no Wait has reserved since, otherwise n less what the rate refills
// between this Wait's time and the newest Wait's, which that Wait's time
// already assumed taken.
//
// If the tokens would come only after ctx's deadline, WaitN returns at once
// with an error for which errors.Is(err, context.DeadlineExceeded) holds. If
// they would never come (n > burst, a zero rate, or, for a ctx without a
// deadline, a wait beyond the bucket's clock of about 292 years), it
// returns at once with an error for which errors.Is(err, ErrNeverAllowed)
// holds. Either way it takes nothing. WaitN panics if ctx is nil or n < 0.
func (b *TokenBucket) WaitN(ctx context.Context, n int) error {
	if ctx == nil {
		panic("ratelimit: nil context")
	}
	if n < 0 {
		panic("ratelimit: n < 0")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	delay, undo, err := b.reserveN(n, maxWait(ctx), true)
	if err != nil || delay <= 0 {
		return err
	}
	if err := sleep(ctx, delay, nil); err != nil {
		undo()
		return err
	}
	return nil
}

// reserve takes one token for All.
func (b *TokenBucket) reserve(maxWait time.Duration, wait bool) (time.Duration, func(bool), error) {
	d, undo, err := b.reserveN(1, maxWait, wait)
	if err != nil {
		return 0, nil, err
	}
	return d, func(bool) { undo() }, nil
}

// reserveN takes n tokens, waiting at most maxWait for them, and returns the
// wait and a function that gives them back. A wait (owed true) may use the
// tokens owed to late waiters; an Allow may not.
func (b *TokenBucket) reserveN(n int, maxWait time.Duration, owed bool) (time.Duration, func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit >= rate.Inf || n == 0 {
		return 0, func() {}, nil
	}
	if n > b.burst {
		return 0, nil, fmt.Errorf("%w: %d tokens exceed burst %d", ErrNeverAllowed, n, b.burst)
	}
	now, epoch := b.now(), b.epoch
	if !owed {
		if !b.b.allow(now, float64(n)*nano, &b.lim) {
			return 0, nil, errDeadline
		}
		r := reservation{n: float64(n) * nano, due: now, prevDue: b.b.due, prevOwed: b.b.owed}
		return 0, func() { b.unreserve(r, epoch) }, nil
	}
	delay, r, err := b.b.reserve(now, float64(n)*nano, &b.lim, maxWait)
	if err != nil {
		return 0, nil, err
	}
	return delay, func() { b.unreserve(r, epoch) }, nil
}

// unreserve gives back the tokens of reservation r, made in epoch, as far
// as no later reservation counts on them. A reservation made before the
// rate last became rate.Inf gives nothing back: SetLimit(rate.Inf) forgave
// its debt, and the bucket was full when the rate turned finite again (at
// rate.Inf itself no reservation is pending in the current epoch).
func (b *TokenBucket) unreserve(r reservation, epoch uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if epoch == b.epoch {
		b.b.unreserve(b.now(), r, &b.lim)
	}
}

// SetLimit changes the rate. Tokens accrued so far are kept; waits already
// reserved keep their times, as with rate.Limiter.
//
// SetLimit(rate.Inf) forgives every debt: when the rate turns finite again
// the bucket is full, as a new one, and owes no late Wait more than burst.
// A Wait that reserved its tokens before and is cancelled afterwards gives
// nothing back, since the full bucket never counted them as taken. Waits
// already sleeping still sleep until their times. SetLimit panics if r is
// negative.
func (b *TokenBucket) SetLimit(r rate.Limit) {
	checkLimit(r, 1)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.settle()
	if r >= rate.Inf {
		b.epoch++
		b.b.due, b.b.owed = noDue, noDue
	}
	b.limit = r
	b.lim = newLimits(b.limit, b.burst)
}

// Limit returns the rate, in tokens per second.
func (b *TokenBucket) Limit() rate.Limit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit
}

// Burst returns the burst: the most tokens the bucket holds. After
// NewTokenBucket or SetBurst with a burst below 1 at rate.Inf, it is 1, the
// burst the bucket has should its rate become finite.
func (b *TokenBucket) Burst() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.burst
}

// SetBurst changes the burst. A bucket holding more tokens than the new
// burst loses the excess at once, for Allow and Wait alike. SetBurst panics
// if burst < 1 while the rate is finite; with rate.Inf a burst below 1
// counts as 1.
func (b *TokenBucket) SetBurst(burst int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	checkLimit(b.limit, burst)
	b.settle()
	b.burst = max(burst, 1)
	b.lim = newLimits(b.limit, b.burst)
	b.b.tokens = min(b.b.tokens, b.lim.burst)
}

// Tokens returns the tokens an Allow would find now: at most burst, and
// negative while waits hold reserved tokens that have not refilled yet.
// With rate.Inf it returns burst.
func (b *TokenBucket) Tokens() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit >= rate.Inf {
		return float64(b.burst)
	}
	return b.b.tokensAt(b.now(), &b.lim, false) / nano
}

// settle records the tokens accrued at the current rate and burst, before
// either changes. The caller holds b.mu.
func (b *TokenBucket) settle() {
	now := b.now()
	if b.limit >= rate.Inf {
		b.b.set(now, float64(b.burst)*nano)
		return
	}
	b.b.set(now, b.b.tokensAt(now, &b.lim, true))
}

// now returns the time since b.base, starting the clock of a zero
// TokenBucket. The caller holds b.mu.
func (b *TokenBucket) now() int64 {
	if b.base.IsZero() {
		b.base = time.Now()
	}
	return int64(time.Since(b.base))
}
