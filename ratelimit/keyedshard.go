package ratelimit

import "sync"

// minSweep is the smallest size at which a shard sweeps out full buckets.
const minSweep = 64

// evictSample is how many keys a full shard looks at to choose one to evict.
const evictSample = 8

// A keyedShard is one locked part of a Keyed's map. Its map is keyed by the
// key's 64-bit hash, which Keyed computes anyway to choose the shard:
// hashing a uint64 again is cheaper than hashing K, and the entry holds the
// key and its bucket together. Keys whose hashes collide share a chain.
type keyedShard[K comparable] struct {
	mu      sync.Mutex
	m       map[uint64]*keyedEntry[K]
	n       int // keys held
	max     int // most keys held; 0 means no bound
	sweepAt int // n at which the next sweep runs
	_       [24]byte
}

// A keyedEntry is one key's bucket.
type keyedEntry[K comparable] struct {
	b    bucket
	key  K
	next *keyedEntry[K] // another key with the same hash; almost always nil
}

// find returns the bucket of key, whose hash is h, or nil.
func (s *keyedShard[K]) find(h uint64, key K) *bucket {
	for e := s.m[h]; e != nil; e = e.next {
		if e.key == key {
			return &e.b
		}
	}
	return nil
}

// get returns the bucket of key, whose hash is h, adding a full one if key
// has none. The caller holds s.mu.
func (s *keyedShard[K]) get(k *Keyed[K], h uint64, key K, now int64) *bucket {
	if b := s.find(h, key); b != nil {
		return b
	}
	if s.n >= s.sweepAt {
		s.sweep(k, now)
	}
	for s.max > 0 && s.n >= s.max {
		s.evict(k, now)
	}
	e := &keyedEntry[K]{b: bucket{tokens: k.lim.burst, last: now}, key: key}
	s.add(h, e)
	return &e.b
}

// add puts e at the head of the chain for h.
func (s *keyedShard[K]) add(h uint64, e *keyedEntry[K]) {
	e.next = s.m[h]
	s.m[h] = e
	s.n++
}

// remove takes the entry of key out of the chain for h.
func (s *keyedShard[K]) remove(h uint64, key K) {
	p := s.m[h]
	if p == nil {
		return
	}
	if p.key == key {
		if p.next == nil {
			delete(s.m, h)
		} else {
			s.m[h] = p.next
		}
		s.n--
		return
	}
	for ; p.next != nil; p = p.next {
		if p.next.key == key {
			p.next = p.next.next
			s.n--
			return
		}
	}
}

// sweep forgets every full bucket, and schedules the next sweep for when
// the shard has doubled, so that sweeping costs O(1) per key added.
func (s *keyedShard[K]) sweep(k *Keyed[K], now int64) {
	for h, e := range s.m {
		for ; e != nil; e = e.next {
			if e.b.full(now, &k.lim) {
				s.remove(h, e.key)
			}
		}
	}
	s.sweepAt = max(2*s.n, minSweep)
}

// evict forgets one key: a full bucket among a sample of evictSample keys
// if there is one, else the sampled bucket with the most tokens.
func (s *keyedShard[K]) evict(k *Keyed[K], now int64) {
	var victim *keyedEntry[K]
	var vh uint64
	n := 0
	for h, e := range s.m {
		for ; e != nil && n < evictSample; e = e.next {
			if e.b.full(now, &k.lim) {
				s.remove(h, e.key)
				return
			}
			if victim == nil || e.b.tokensAt(now, &k.lim, true) > victim.b.tokensAt(now, &k.lim, true) {
				victim, vh = e, h
			}
			n++
		}
		if n == evictSample {
			break
		}
	}
	if victim != nil {
		s.remove(vh, victim.key)
	}
}
