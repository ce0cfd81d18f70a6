package ratelimit

import (
	"math"

	"golang.org/x/time/rate"
)

// Limit returns the rate of every key's bucket, in tokens per second.
func (k *Keyed[K]) Limit() rate.Limit {
	if k.shards == nil {
		return k.limit
	}
	s := &k.shards[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	return k.limit
}

// Burst returns the size of every key's bucket. After NewKeyed or SetBurst
// with a burst below 1 at rate.Inf, it is 1, as for a TokenBucket.
func (k *Keyed[K]) Burst() int {
	if k.shards == nil {
		return k.burst
	}
	s := &k.shards[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	return k.burst
}

// SetLimit changes the rate of every key's bucket, at once, as
// TokenBucket.SetLimit does for each: a bucket keeps the tokens it accrued
// at the old rate until now, and refills at r from now on; Waits already
// sleeping keep their times. SetLimit(rate.Inf) forgets every key, as a
// Keyed made with rate.Inf stores none: when the rate turns finite again,
// every key starts from a full bucket, and a Wait that reserved its tokens
// before and is cancelled afterwards gives nothing back. SetLimit takes
// every shard's lock and visits every bucket held: it blocks the Keyed
// for a time that grows with Len. On a zero Keyed it does nothing.
// SetLimit panics if r is negative.
func (k *Keyed[K]) SetLimit(r rate.Limit) {
	checkLimit(r, 1)
	if k.shards == nil {
		return
	}
	k.lockAll()
	defer k.unlockAll()
	if r >= rate.Inf {
		k.epoch++
		for i := range k.shards {
			k.shards[i].t = keyedTable[K]{}
		}
	} else {
		k.settle(0, math.Inf(1))
	}
	k.limit = r
	k.lim = newLimits(r, k.burst)
}

// SetBurst changes the size of every key's bucket, at once. A bucket
// holding more tokens than the new burst loses the excess, for Allow and
// Wait alike, as with TokenBucket.SetBurst. A larger burst keeps the
// tokens each bucket lacks: a full bucket stays full, and one a token short
// stays a token short, where TokenBucket.SetBurst keeps the tokens held and
// lets them refill. A key without a bucket starts from a full one, and a
// Keyed forgets full buckets: so the buckets it holds must change as the
// ones it forgot would have. As SetLimit, SetBurst takes every shard's lock
// and visits every bucket held. On a zero Keyed it does nothing. SetBurst
// panics if burst < 1 while the rate is finite; with rate.Inf a burst below
// 1 counts as 1.
func (k *Keyed[K]) SetBurst(burst int) {
	if k.shards == nil {
		checkLimit(k.limit, burst)
		return
	}
	k.lockAll()
	defer k.unlockAll()
	checkLimit(k.limit, burst)
	old := k.burst
	k.burst = max(burst, 1)
	k.settle(float64(max(k.burst-old, 0))*nano, float64(k.burst)*nano)
	k.lim = newLimits(k.limit, k.burst)
}

// settle records in every bucket the tokens it holds now for a wait, at
// the current rate and burst, plus add units but at most most, before the
// rate or the burst changes. The caller holds every shard's lock.
func (k *Keyed[K]) settle(add, most float64) {
	now := k.now()
	for i := range k.shards {
		t := &k.shards[i].t
		for j, tag := range t.tags {
			if tag != 0 {
				b := t.bucket(uint64(j))
				b.set(now, min(b.tokensAt(now, &k.lim, true)+add, most))
				t.setBucket(uint64(j), b)
			}
		}
	}
}

// lockAll locks every shard, in order.
func (k *Keyed[K]) lockAll() {
	for i := range k.shards {
		k.shards[i].mu.Lock()
	}
}

// unlockAll unlocks every shard.
func (k *Keyed[K]) unlockAll() {
	for i := range k.shards {
		k.shards[i].mu.Unlock()
	}
}
