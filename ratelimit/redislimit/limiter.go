package redislimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// DefaultPrefix is what a Limiter puts before each key to name its Redis key.
const DefaultPrefix = "redislimit:"

// never is a Decision's RetryAfter for tokens that never come, as in
// package ratelimit.
const never = time.Duration(-1)

// DefaultCooldown is how long a Limiter leaves Redis alone after a failure
// (a network error, a timeout, or an answer such as READONLY that says the
// server cannot decide now), by default.
const DefaultCooldown = 500 * time.Millisecond

// A Limiter is a token bucket per key, kept in Redis, so that every process
// using the same server shares one limit per key. The bucket of key is the
// Redis key prefix+key: a string holding the bucket's GCRA time, which
// expires when the bucket is full again. Its semantics are those of
// ratelimit.TokenBucket: a bucket starts full with burst tokens and refills
// at the Limiter's rate; Take takes all n tokens or none; waits reserve their
// tokens when they start. Unlike a TokenBucket it pays no tokens to waiters
// that woke late (ratelimit.CatchUp): a waiter here is woken by its own
// timer, and the rate over a Wait loop is the configured one.
//
// Every method makes at most one round trip to Redis (a cancelled Wait makes
// a second to give its tokens back) and none with rate.Inf. Durations in
// Decisions are whole microseconds, rounded up, and at most 2^53 µs (285
// years), which a bucket slow enough to take longer reports instead.
//
// The zero value is not usable; use New. A Limiter is safe for concurrent
// use, its setters included, and must not be copied after first use.
type Limiter struct {
	c        redis.Scripter
	limit    rate.Limit
	burst    int
	interval string // microseconds per token, for the script
	base     time.Time
	br       breaker

	mu  sync.Mutex // serializes the setters
	cfg atomic.Pointer[config]
}

// config is the part of a Limiter its setters change. A setter stores a
// new one, so that a call reads a consistent set with one atomic load.
type config struct {
	prefix   string
	policy   FailurePolicy
	local    *ratelimit.Keyed[string] // for FailLocal
	onError  func(error)
	cooldown int64
	cache    *denyCache
}

// New returns a Limiter whose buckets, one per key, hold burst tokens and
// refill at r tokens per second, kept on the Redis server that c reaches.
// With r == rate.Inf every event is allowed without a call to Redis. New
// panics if c is nil, r <= 0 or burst < 1.
func New(c redis.Scripter, r rate.Limit, burst int) *Limiter {
	switch {
	case c == nil:
		panic("redislimit: nil client")
	case !(r > 0):
		panic("redislimit: rate <= 0")
	case burst < 1:
		panic("redislimit: burst < 1")
	}
	l := &Limiter{
		c:        c,
		limit:    r,
		burst:    burst,
		interval: strconv.FormatFloat(1e6/float64(r), 'f', -1, 64),
		base:     time.Now(),
	}
	l.cfg.Store(&config{prefix: DefaultPrefix, cooldown: int64(DefaultCooldown)})
	return l
}

// Limit returns the rate, in tokens per second.
func (l *Limiter) Limit() rate.Limit { return l.limit }

// Burst returns the size of each bucket.
func (l *Limiter) Burst() int { return l.burst }

// Take takes n tokens from key's bucket if it holds them, and reports the
// decision; otherwise it takes nothing. Take(ctx, key, 0) reports without
// taking. With the deny cache on (SetDenyCache), a refusal may come from
// the cache without a call to Redis.
//
// When Redis does not decide, the result depends on the failure policy
// (SetFailurePolicy): by default Take returns a zero Decision and an error
// that wraps ErrUnavailable; otherwise the policy's Decision, with Fallback
// set, and a nil error. An error that Redis answered (a key holding another type, say)
// is returned as an error that says "redislimit: " under every policy. If
// ctx is done first, Take returns context.Cause(ctx).
//
// Take panics if ctx is nil or n < 0.
func (l *Limiter) Take(ctx context.Context, key string, n int) (ratelimit.Decision, error) {
	check(ctx, n)
	if l.limit == rate.Inf {
		return l.unlimited(), nil
	}
	if ctx.Err() != nil {
		return ratelimit.Decision{}, context.Cause(ctx)
	}
	cfg := l.cfg.Load()
	rkey := cfg.prefix + key
	now := l.now()
	var epoch uint64
	if cfg.cache != nil {
		var e denial
		var ok bool
		if e, ok, epoch = cfg.cache.refuse(rkey, n, now); ok {
			return l.cached(e, now), nil
		}
	}
	v, err := l.call(ctx, cfg, takeScript, rkey, l.interval, l.burst, n, 0)
	if err != nil {
		return l.failTake(cfg, key, n, err)
	}
	r, err := parseReply(v)
	if err != nil {
		return ratelimit.Decision{}, err
	}
	if cfg.cache != nil && !r.allowed && r.wait > 0 {
		// Times are taken before the call: the entry ends no later than
		// Redis's refusal does, whatever the trip cost.
		us := int64(time.Microsecond)
		cfg.cache.put(rkey, denial{n: n, remaining: int(r.remaining), until: now + r.wait*us, full: now + r.full*us}, now, epoch)
	}
	return l.decision(r), nil
}

// Allow reports whether one event may happen now for key, and takes its
// token if so. It is Take(ctx, key, 1).Allowed, with Take's errors.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, error) {
	d, err := l.Take(ctx, key, 1)
	return d.Allowed, err
}

// Reset forgets key's bucket, in Redis and in the deny cache and the local
// buckets of FailLocal: its next event meets a full bucket. Waits already
// sleeping keep their tokens. Reset returns the error of the call to Redis
// under every failure policy, wrapping ErrUnavailable when Redis did not
// answer. It panics if ctx is nil.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	check(ctx, 0)
	cfg := l.cfg.Load()
	rkey := cfg.prefix + key
	if cfg.cache != nil {
		// Again when the call is over: a refusal that Redis gave before
		// the DEL may reach the cache after the first forget.
		cfg.cache.forget(rkey)
		defer cfg.cache.forget(rkey)
	}
	if cfg.local != nil {
		cfg.local.Reset(key)
	}
	if l.limit == rate.Inf {
		return nil
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	_, err := l.call(ctx, cfg, resetScript, rkey)
	return err
}

// call runs s on Redis unless the breaker keeps calls away, and classifies
// its error: the caller's context ending gives context.Cause(ctx); a
// failure (isOutage) opens the breaker and wraps ErrUnavailable; any other
// error, one that Redis answered, says "redislimit: ".
func (l *Limiter) call(ctx context.Context, cfg *config, s script, key string, args ...any) (any, error) {
	ok, probe := l.br.enter(l.now(), cfg.cooldown)
	if !ok {
		return nil, &unavailableError{errCooldown}
	}
	v, err := s.run(ctx, l.c, key, args...).Result()
	switch {
	case err == nil:
		l.br.done(probe, true, false, 0, 0)
		return v, nil
	case ctx.Err() != nil:
		l.br.done(probe, false, false, 0, 0)
		return nil, context.Cause(ctx)
	case isOutage(err):
		l.br.done(probe, false, cfg.cooldown > 0, l.now(), cfg.cooldown)
		return nil, &unavailableError{err}
	default:
		l.br.done(probe, true, false, 0, 0)
		return nil, fmt.Errorf("redislimit: %w", err)
	}
}

// failTake applies the failure policy to a Take that Redis did not decide.
func (l *Limiter) failTake(cfg *config, key string, n int, err error) (ratelimit.Decision, error) {
	if !errors.Is(err, ErrUnavailable) || cfg.policy.kind == failError {
		return ratelimit.Decision{}, err
	}
	cfg.report(err)
	var d ratelimit.Decision
	switch cfg.policy.kind {
	case failOpen:
		d = l.unlimited()
		d.Limit = l.limit
	case failClosed:
		d = ratelimit.Decision{Allowed: n == 0, Limit: l.limit, Burst: l.burst}
		if !d.Allowed {
			d.RetryAfter = max(roundUpMicro(l.br.retryAt()-l.now()), time.Microsecond)
			if n > l.burst {
				d.RetryAfter = never
			}
			d.ResetAfter = d.RetryAfter
		}
	default:
		d = cfg.local.Take(key, n)
	}
	d.Fallback = true
	return d, nil
}

// decision turns the script's reply into a Decision.
func (l *Limiter) decision(r reply) ratelimit.Decision {
	d := ratelimit.Decision{
		Allowed:    r.allowed,
		Limit:      l.limit,
		Burst:      l.burst,
		Remaining:  int(r.remaining),
		ResetAfter: time.Duration(r.full) * time.Microsecond,
	}
	switch {
	case r.allowed:
	case r.wait < 0:
		d.RetryAfter = never
	default:
		d.RetryAfter = time.Duration(r.wait) * time.Microsecond
	}
	return d
}

// cached is the Decision for a refusal from the deny cache at now.
func (l *Limiter) cached(e denial, now int64) ratelimit.Decision {
	return ratelimit.Decision{
		Limit:      l.limit,
		Burst:      l.burst,
		Remaining:  e.remaining,
		RetryAfter: roundUpMicro(e.until - now),
		ResetAfter: max(roundUpMicro(e.full-now), 0),
	}
}

// unlimited is the Decision of rate.Inf.
func (l *Limiter) unlimited() ratelimit.Decision {
	return ratelimit.Decision{Allowed: true, Limit: rate.Inf, Burst: l.burst, Remaining: l.burst}
}

// now returns the time on the Limiter's monotonic clock, in nanoseconds.
func (l *Limiter) now() int64 {
	return int64(time.Since(l.base))
}

// report hands err to the error handler, if there is one.
func (cfg *config) report(err error) {
	if cfg.onError != nil {
		cfg.onError(err)
	}
}

// check panics on a nil ctx or a negative n.
func check(ctx context.Context, n int) {
	if ctx == nil {
		panic("redislimit: nil context")
	}
	if n < 0 {
		panic("redislimit: n < 0")
	}
}

// microseconds returns d in whole microseconds, rounded down, or math.MaxInt64.
func microseconds(d time.Duration) int64 {
	if d >= math.MaxInt64-time.Microsecond {
		return math.MaxInt64
	}
	return int64(d / time.Microsecond)
}
