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
// It holds at most size entries: a put into a full cache drops expired
// entries among a few it looks at, or else one of them, which costs that
// key one more round trip. A denyCache is safe for concurrent use.
type denyCache struct {
	mu   sync.Mutex
	size int
	m    map[string]denial
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

// refuse returns the entry that refuses n tokens for key at now, if any.
func (c *denyCache) refuse(key string, n int, now int64) (denial, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	switch {
	case !ok:
		return denial{}, false
	case now >= e.until:
		delete(c.m, key)
		return denial{}, false
	}
	return e, n >= e.n
}

// put records a refusal of key.
func (c *denyCache) put(key string, e denial, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
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

// forget drops key's entry.
func (c *denyCache) forget(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// roundUpMicro rounds d up to a whole microsecond.
func roundUpMicro(d int64) time.Duration {
	return (time.Duration(d) + time.Microsecond - 1).Truncate(time.Microsecond)
}
