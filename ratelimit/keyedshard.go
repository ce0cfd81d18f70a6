package ratelimit

import "sync"

// minSweep is the smallest size at which a shard sweeps out full buckets.
const minSweep = 64

// evictSample is how many keys a full shard looks at to choose one to evict.
const evictSample = 8

// A keyedShard is one locked part of a Keyed's map.
type keyedShard[K comparable] struct {
	mu      sync.Mutex
	m       map[K]*bucket
	max     int // most keys held; 0 means no bound
	sweepAt int // size at which the next sweep runs
	_       [32]byte
}

// get returns key's bucket, adding a full one if key has none. The caller
// holds s.mu.
func (s *keyedShard[K]) get(k *Keyed[K], key K, now int64) *bucket {
	if b := s.m[key]; b != nil {
		return b
	}
	if len(s.m) >= s.sweepAt {
		s.sweep(k, now)
	}
	for s.max > 0 && len(s.m) >= s.max {
		s.evict(k, now)
	}
	b := &bucket{tokens: k.burst, last: now}
	s.m[key] = b
	return b
}

// sweep forgets every full bucket, and schedules the next sweep for when
// the shard has doubled, so that sweeping costs O(1) per key added.
func (s *keyedShard[K]) sweep(k *Keyed[K], now int64) {
	for key, b := range s.m {
		if b.full(now, k.limit, k.burst) {
			delete(s.m, key)
		}
	}
	s.sweepAt = max(2*len(s.m), minSweep)
}

// evict forgets one key: a full bucket among a sample of evictSample keys
// if there is one, else the sampled bucket with the most tokens.
func (s *keyedShard[K]) evict(k *Keyed[K], now int64) {
	var victim K
	most, n := -1.0, 0
	for key, b := range s.m {
		if b.full(now, k.limit, k.burst) {
			victim = key
			break
		}
		if t := b.tokensAt(now, k.limit, k.burst, true); t > most || n == 0 {
			victim, most = key, t
		}
		if n++; n == evictSample {
			break
		}
	}
	delete(s.m, victim)
}
