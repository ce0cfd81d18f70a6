package ratelimit

import (
	"sync"
	"time"
)

// minShardKeys is the fewest keys per shard that SetMaxKeys allows before
// it uses fewer shards.
const minShardKeys = 64

// keepIdle is how long a full bucket stays after its key's last event
// before a sweep may forget it. Forgetting a bucket changes no answer, but
// a key that comes back must be stored anew, which costs more than finding
// it: keeping full buckets for a second lets the clients of a server that
// come back within it find theirs.
const keepIdle = time.Second

// evictSample is how many keys a full shard looks at to choose one to evict.
const evictSample = 8

// A keyedShard is one locked part of a Keyed's buckets. It fills two cache
// lines of its own, so that shards used on different processors never share
// a line, and an Allow reads only the first: the lock, and where the tags
// and slots are.
type keyedShard[K comparable] struct {
	mu  sync.Mutex
	t   keyedTable[K]
	max int // most keys held; 0 means no bound
	_   [32]byte
}

// get returns the slot of key, whose hash is h, adding one with a full
// bucket if key has none. The caller holds s.mu; the slot is valid until it
// unlocks.
func (s *keyedShard[K]) get(k *Keyed[K], h uint64, key K, now int64) uint64 {
	if i, ok := s.t.find(h, key); ok {
		return i
	}
	return s.add(k, h, key, now)
}

// add adds key, whose hash is h, with a full bucket, and returns its slot.
// It first evicts keys to keep within the shard's bound, and sweeps out
// full buckets if the table has no room for another key. The caller holds
// s.mu; the slot is valid until it unlocks.
func (s *keyedShard[K]) add(k *Keyed[K], h uint64, key K, now int64) uint64 {
	b := bucket{level: level{tokens: k.lim.burst, last: now}, due: noDue, owed: noDue}
	if i, ok := s.t.reusable(h, func(b bucket) bool { return forgettable(b, now, &k.lim) }); ok {
		s.t.replace(i, h, key, b)
		return i
	}
	for s.max > 0 && s.t.n >= s.max {
		s.evict(k, now)
	}
	if !s.t.hasRoom() {
		s.sweep(k, now)
	}
	return s.t.add(h, key, b)
}

// sweep forgets every full bucket, then resizes the table if it is more
// than half in use, to double its size, or less than a sixteenth, to a
// quarter in use. Full buckets stay in the table until it fills: a key that
// comes back after its bucket refilled, as most clients of a server do,
// then finds its slot again rather than being forgotten and stored anew,
// and the table is rebuilt only when it grows or shrinks. A sweep runs at
// most once per quarter table of keys added, so it costs O(1) per key.
func (s *keyedShard[K]) sweep(k *Keyed[K], now int64) {
	s.t.sweep(func(b bucket) bool { return forgettable(b, now, &k.lim) })
	size := len(s.t.tags)
	switch {
	case s.t.n*2 > size:
		s.t.resize(2 * size)
	case s.t.n*16 < size && size > minTable:
		small := minTable
		for small < s.t.n*4 {
			small *= 2
		}
		s.t.resize(small)
	}
}

// forgettable reports whether a sweep may forget bucket b at now: it is
// full, and idle for keepIdle.
func forgettable(b bucket, now int64, l *limits) bool {
	return now-b.last >= int64(keepIdle) && b.full(now, l)
}

// evict forgets one key: a full bucket among a sample of evictSample keys
// if there is one, else the sampled bucket with the most tokens. A bucket
// owed tokens above burst may hold more than a full one, but forgetting it
// would change its answers.
func (s *keyedShard[K]) evict(k *Keyed[K], now int64) {
	victim, most := uint64(0), 0.0
	found := false
	s.t.sample(evictSample, func(i uint64, b bucket) bool {
		if b.full(now, &k.lim) {
			victim, found = i, true
			return false
		}
		if t := b.tokensAt(now, &k.lim, true); !found || t > most {
			victim, most, found = i, t, true
		}
		return true
	})
	if found {
		s.t.remove(victim)
	}
}

// shardOf returns the shard, of n, for a key with hash h. It uses the high
// 24 bits of h, leaving the low ones to choose a slot within the shard, and
// scales them to [0, n) with a multiplication, as a division by a number
// not known at compile time costs several times more.
func shardOf(h uint64, n int64) uint64 {
	return (h >> 40) * uint64(n) >> 24
}
