package redislimit

import (
	"math"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
	"golang.org/x/time/rate"
)

// localMaxKeys bounds the local buckets of FailLocal.
const localMaxKeys = 100_000

// SetPrefix sets what the Limiter puts before each key to name its Redis
// key (DefaultPrefix until then). The key itself is used unchanged, so each
// call touches one Redis key and works on Redis Cluster as it is. Cluster
// users who want a client's buckets on one node put a hash tag in the keys
// ("{user42}:search"), or in the prefix to put every bucket of the Limiter
// in one slot ("{api}:"), which then lives on one node.
func (l *Limiter) SetPrefix(prefix string) {
	l.update(func(c *config) { c.prefix = prefix })
}

// SetFailurePolicy sets what the Limiter decides when Redis does not:
// FailError (the default), FailOpen, FailClosed or FailLocal(fraction).
// Under any policy but FailError, Take and Allow return the policy's
// decision with a nil error, and the error handler (SetErrorHandler) hears
// of each failure. Every Decision a policy makes has Fallback set, so that
// the caller can tell it from one of Redis (httplimit answers a refusal
// with Fallback set with 503, not 429). Network errors, timeouts and the
// answers with which a server says it cannot decide now (LOADING,
// READONLY, MASTERDOWN, BUSY, CLUSTERDOWN, TRYAGAIN, NOREPLICAS: see the
// package documentation) count as failures; the caller's context ending,
// and other errors that Redis answered (NOSCRIPT is handled by sending the
// script; WRONGTYPE is a key in use by something else), never do.
func (l *Limiter) SetFailurePolicy(p FailurePolicy) {
	var local *ratelimit.Keyed[string]
	if p.kind == failLocal {
		burst := max(1, int(math.Ceil(p.fraction*float64(l.burst))))
		local = ratelimit.NewKeyed[string](rate.Limit(p.fraction)*l.limit, burst)
		local.SetMaxKeys(localMaxKeys)
	}
	l.update(func(c *config) { c.policy, c.local = p, local })
}

// SetErrorHandler sets a function that hears of every failure a policy
// other than FailError handled, and of errors when a cancelled Wait gave its
// tokens back. Each error says "redislimit: " and, for a failure of Redis,
// wraps ErrUnavailable. h is called in the caller's goroutine, before the
// method returns, so it should be quick; nil removes the handler.
func (l *Limiter) SetErrorHandler(h func(error)) {
	l.update(func(c *config) { c.onError = h })
}

// SetCooldown sets how long the Limiter leaves Redis alone after a failure
// (DefaultCooldown until then). Calls in that time fail at
// once, as though Redis had failed again, and are decided by the failure
// policy. After it, one call probes Redis while the others keep failing
// fast; its success ends the cooldown, its failure starts another. A probe
// not back within a cooldown lets the next call probe too, so a call that
// hangs (a client without timeouts) never keeps the others from Redis for
// good. With 0 every call tries Redis. SetCooldown panics if d < 0.
func (l *Limiter) SetCooldown(d time.Duration) {
	if d < 0 {
		panic("redislimit: cooldown < 0")
	}
	l.update(func(c *config) { c.cooldown = int64(d) })
}

// SetDenyCache turns on a cache in this process of at most size keys known
// to be over their limit (size <= 0 turns it off, the default). While Redis
// has said that a key's n tokens come only after some time, Take refuses n
// or more of them for that key without a call to Redis, reporting what
// Redis said then (Remaining as it was, RetryAfter and ResetAfter counted
// down). The cache never allows an event and never refuses past the time
// Redis named, so the limit is as exact as without it; under a flood on one
// key over its limit, about two calls per token reach Redis instead of one
// per request. Reset, and a cancelled Wait giving its tokens back, clear
// the key's entry (and a refusal still on its way); done in another
// process, they are not seen until its time runs out. Turning the cache off
// or on again empties it.
func (l *Limiter) SetDenyCache(size int) {
	var c *denyCache
	if size > 0 {
		c = newDenyCache(size)
	}
	l.update(func(cfg *config) { cfg.cache = c })
}

// update changes a copy of the configuration and publishes it.
func (l *Limiter) update(f func(*config)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := *l.cfg.Load()
	f(&c)
	l.cfg.Store(&c)
}
