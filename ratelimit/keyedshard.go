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
// It puts key in the place of a bucket it may forget near the start of
// key's probe run if there is one. Otherwise it first evicts keys to keep
// within the shard's bound, and sweeps if the table has no room for another
// key. The caller holds s.mu; the slot is valid until it unlocks.
func (s *keyedShard[K]) add(k *Keyed[K], h uint64, key K, now int64) uint64 {
	b := bucket{level: level{tokens: k.lim.burst, last: now}, due: noDue, owed: noDue}
	if i, ok := s.reusable(h, now, &k.lim); ok {
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

// sweep forgets every bucket it may forget (see forgettable), then resizes
// the table if it is more than half in use, to double its size, or less
// than a sixteenth, to a quarter in use. A sweep runs only when the table
// is full, and so at most once per quarter table of keys added: it costs
// O(1) per key. Until then full buckets stay, and a key that comes back
// after its bucket refilled, as most clients of a server do, finds its slot
// again rather than being stored anew.
func (s *keyedShard[K]) sweep(k *Keyed[K], now int64) {
	s.t.sweep(func(i uint64) bool { return s.forgettable(i, now, &k.lim) })
	if size := len(s.t.tags); s.t.n*2 > size {
		s.t.resize(2 * size)
	} else {
		s.shrink()
	}
}

// shrink resizes the table to a quarter in use if less than a sixteenth of
// it is: after a sweep, or after SetMaxKeys evicted keys, so that a bound
// set after a flood of keys gives the flood's memory back.
func (s *keyedShard[K]) shrink() {
	size := len(s.t.tags)
	if s.t.n*16 >= size || size <= minTable {
		return
	}
	small := minTable
	for small < s.t.n*4 {
		small *= 2
	}
	s.t.resize(small)
}

// reuseProbes is how many slots of a key's probe run add looks at for a
// bucket it may forget and put the key in its place.
const reuseProbes = 4

// reusable returns a slot among the first reuseProbes of the probe run from
// the home of hash h, before any empty slot, whose bucket may be forgotten
// at now. A key with hash h can take its place: its lookups pass that slot
// before they reach an empty one, and the lookups of other keys are
// unchanged, as the slot stays in use.
func (s *keyedShard[K]) reusable(h uint64, now int64, l *limits) (uint64, bool) {
	if len(s.t.tags) == 0 {
		return 0, false
	}
	mask := uint64(len(s.t.tags) - 1)
	i := h & mask
	for range reuseProbes {
		if s.t.tags[i] == 0 {
			break
		}
		if s.forgettable(i, now, l) {
			return i, true
		}
		i = (i + 1) & mask
	}
	return 0, false
}

// forgettable reports whether the bucket in slot i may be forgotten at now:
// it has been idle for keepIdle and is full (see bucket.full, which this
// computes reading the due and owed times only when it must).
func (s *keyedShard[K]) forgettable(i uint64, now int64, l *limits) bool {
	v := &s.t.slots[i].level
	if now-v.last < int64(keepIdle) || v.refilled(now, l) < l.burst {
		return false
	}
	return s.t.rest[i].owed < now-int64(CatchUp) || l.perNs*float64(CatchUp) <= l.burst
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
