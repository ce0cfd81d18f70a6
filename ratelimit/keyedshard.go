package ratelimit

import "sync"

// minSweep is the smallest size at which a shard sweeps out full buckets.
const minSweep = 64

// evictSample is how many keys a full shard looks at to choose one to evict.
const evictSample = 8

// A keyedShard is one locked part of a Keyed's buckets. It fills two cache
// lines of its own, so that shards used on different processors never share
// a line, and an Allow reads only the first: the lock, and where the tags
// and slots are.
type keyedShard[K comparable] struct {
	mu      sync.Mutex
	t       keyedTable[K]
	max     int // most keys held; 0 means no bound
	sweepAt int // size at which the next sweep runs
	_       [24]byte
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
// It first sweeps out full buckets if the shard has doubled since its last
// sweep, and evicts keys to keep within its bound. The caller holds s.mu;
// the slot is valid until it unlocks.
func (s *keyedShard[K]) add(k *Keyed[K], h uint64, key K, now int64) uint64 {
	if s.t.n >= s.sweepAt {
		s.sweep(k, now)
	}
	for s.max > 0 && s.t.n >= s.max {
		s.evict(k, now)
	}
	return s.t.add(h, key, bucket{level: level{tokens: k.lim.burst, last: now}, due: noDue, owed: noDue})
}

// sweep forgets every full bucket, and schedules the next sweep for when
// the shard has doubled, so that sweeping costs O(1) per key added.
func (s *keyedShard[K]) sweep(k *Keyed[K], now int64) {
	s.t.sweep(func(b bucket) bool { return b.full(now, &k.lim) })
	s.sweepAt = max(2*s.t.n, minSweep)
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
