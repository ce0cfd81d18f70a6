package redislimit

import (
	"sync"
	"time"
)

// A denyCache remembers the keys Redis refused, until their tokens are due,
// so that a flood on a key over its limit does not reach Redis once per
// request. It only ever refuses: an entry says that fewer than n tokens are
// there until the time Redis named, and a refusal for n covers any request
// for n or more. Times are nanoseconds of the Limiter's clock, which runs
// behind the server's by the time the reply took to arrive, so the cache
// refuses no longer than Redis would have, give or take that trip.
//
// A refusal that was on its way while a key was forgotten (Reset, or a
// Wait giving tokens back) is not kept: every call to Redis remembers the
// cache's epoch before it starts, and forget moves the epoch on.
//
// It holds at most size entries: a put into a full cache drops expired
// entries among a few it looks at, or else one of them, which costs that
// key one more round trip. A denyCache is safe for concurrent use.
type denyCache struct {
	mu    sync.Mutex
	size  int
	epoch uint64 // moved on by forget
	m     map[string]denial
}

// A denial is one refusal by Redis.
type denial struct {
	n         int   // the tokens asked for
	remaining int   // the whole tokens left then
	until     int64 // when n tokens are there
	full      int64 // when the bucket is full
}

// evictScan is how many entries a put into a full cache looks at.
const evictScan = 8

// newDenyCache returns an empty cache of at most size entries.
func newDenyCache(size int) *denyCache {
	return &denyCache{size: size, m: make(map[string]denial)}
}

// refuse returns the entry that refuses n tokens for key at now, if any,
// and the epoch, for a put after the call to Redis that follows a miss.
func (c *denyCache) refuse(key string, n int, now int64) (e denial, ok bool, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok = c.m[key]
	switch {
	case !ok:
		return denial{}, false, c.epoch
	case now >= e.until:
		delete(c.m, key)
		return denial{}, false, c.epoch
	}
	return e, n >= e.n, c.epoch
}

// put records a refusal of key by a call that started at epoch, unless a
// key was forgotten since.
func (c *denyCache) put(key string, e denial, now int64, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= c.size {
		c.evict(now)
	}
	c.m[key] = e
}

// evict makes room for one entry. Map iteration starts at a random entry,
// so the victims are spread over the keys. The caller holds c.mu.
func (c *denyCache) evict(now int64) {
	var victim string
	found := false
	i := 0
	for k, e := range c.m {
		if now >= e.until {
			delete(c.m, k)
		} else if !found {
			victim, found = k, true
		}
		if i++; i == evictScan {
			break
		}
	}
	if found && len(c.m) >= c.size {
		delete(c.m, victim)
	}
}

// forget drops key's entry, and any refusal still on its way.
func (c *denyCache) forget(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.epoch++
	c.mu.Unlock()
}

// roundUpMicro rounds d up to a whole microsecond.
func roundUpMicro(d int64) time.Duration {
	return (time.Duration(d) + time.Microsecond - 1).Truncate(time.Microsecond)
}
