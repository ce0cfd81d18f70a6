package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// keyedShards is how many independently locked maps a Keyed spreads its keys
// over, so that goroutines using different keys rarely contend.
const keyedShards = 32

// A Keyed keeps one token bucket per key: each key is allowed events at rate
// r with bursts of up to burst, independently of the other keys, under the
// rules of TokenBucket. The keys are spread over 32 independently locked
// shards.
//
// Waits that wake late are owed tokens as in TokenBucket: within CatchUp of
// the time D at which a key's newest Wait got its token, a Wait for that
// key may take up to r*(now-D) tokens, more than burst; a new key, or one
// whose D lies more than CatchUp back, lets exactly burst Waits pass at
// once.
//
// Memory. A key's bucket may be forgotten once it has refilled to burst
// and can no longer be owed more: it then gives the same answers a new
// bucket would, so forgetting it changes nothing. Forgetting is lazy. Such
// a bucket is kept for a second after its key's last event, as a client
// that comes back finds its bucket faster than a new one is stored; and a
// shard sweeps out the buckets it may forget only when its table is full.
// It then doubles the table if more than half of it is still in use, and
// shrinks it if less than a sixteenth is. So sweeping costs O(1) per key
// added, and the memory of a Keyed grows with the keys used within a
// second (or within burst/r + CatchUp if that is longer), not with every
// key it has seen; keys are swept out only as new ones come, never in the
// background.
//
// With SetMaxKeys(n), Len never exceeds n. A key that arrives when its
// shard is full takes the place of a full bucket if one is found among a
// sample of 8 keys of that shard, and otherwise of the sampled key with the
// most tokens, whose answers change least when it starts again from a full
// burst. New keys are never refused, so a flood of distinct keys cannot lock
// out new clients; it can only let some clients start early on a fresh
// burst.
//
// The zero value allows no event; use NewKeyed. A Keyed is safe for
// concurrent use and must not be copied after first use.
type Keyed[K comparable] struct {
	_ noCopy
	// limit, burst, lim and epoch change only while every shard's lock is
	// held (see SetLimit), so that holding one shard's lock is enough to
	// read them.
	limit rate.Limit
	burst int
	lim   limits
	epoch uint64 // as TokenBucket's
	base  time.Time
	seed  maphash.Seed
	// active is the number of shards in use: fewer than all under a
	// small SetMaxKeys. It is used only through the functions of
	// sync/atomic, not held in an atomic.Int32: Keyed is compiled into the
	// package that uses it, and there the methods of atomic.Int32 are
	// called rather than inlined unless that package imports sync/atomic
	// itself.
	active int32
	shards []keyedShard[K]
}

// NewKeyed returns a Keyed whose buckets hold up to burst tokens and refill
// at r tokens per second. With r == rate.Inf every event is allowed and no
// key is stored. As with NewTokenBucket, a burst above about 4 million
// loses fractions of a token to rounding. NewKeyed panics if r is negative,
// or finite with burst < 1.
func NewKeyed[K comparable](r rate.Limit, burst int) *Keyed[K] {
	checkLimit(r, burst)
	burst = max(burst, 1)
	k := &Keyed[K]{
		limit:  r,
		burst:  burst,
		lim:    newLimits(r, burst),
		base:   time.Now(),
		seed:   maphash.MakeSeed(),
		shards: make([]keyedShard[K], keyedShards),
	}
	k.active = keyedShards
	return k
}

// Allow reports whether an event for key may happen now, and takes its
// token if so.
func (k *Keyed[K]) Allow(key K) bool {
	if k.shards == nil {
		return false
	}
	// What follows is k.lock and s.get written out, as the compiler does
	// not inline them, and a call costs a few percent of an Allow. The
	// rate is read under the shard's lock, as SetLimit changes it while
	// holding every shard's lock.
	h := maphash.Comparable(k.seed, key)
	n := int64(atomic.LoadInt32(&k.active))
	s := &k.shards[shardOf(h, n)]
	s.mu.Lock()
	if int64(atomic.LoadInt32(&k.active)) != n {
		s.mu.Unlock()
		s = k.lock(h)
	}
	if k.limit >= rate.Inf {
		s.mu.Unlock()
		return true
	}
	now := k.now()
	i, ok := s.t.find(h, key)
	if !ok {
		i = s.add(k, h, key, now)
	}
	ok = s.t.slots[i].allow(now, nano, &k.lim)
	s.mu.Unlock()
	return ok
}

// Wait is shorthand for WaitN(ctx, key, 1).
func (k *Keyed[K]) Wait(ctx context.Context, key K) error {
	return k.WaitN(ctx, key, 1)
}

// WaitN blocks until n events for key may happen and takes their tokens,
// under the rules of TokenBucket.WaitN: context.Cause(ctx) when ctx is done
// first (the tokens are given back unless a later Wait for key counts on
// them), and an immediate error for which errors.Is(err,
// context.DeadlineExceeded) holds when the tokens would come after ctx's
// deadline, or errors.Is(err, ErrNeverAllowed) when they would never come
// (n > burst, a zero rate, or a zero Keyed). Either way it takes nothing.
// WaitN(ctx, key, 0) returns nil at once, unless ctx is done. WaitN panics
// if ctx is nil or n < 0.
func (k *Keyed[K]) WaitN(ctx context.Context, key K, n int) error {
	if ctx == nil {
		panic("ratelimit: nil context")
	}
	if n < 0 {
		panic("ratelimit: n < 0")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if n == 0 {
		return nil
	}
	if k.shards == nil {
		return fmt.Errorf("%w: zero Keyed", ErrNeverAllowed)
	}
	h := maphash.Comparable(k.seed, key)
	delay, r, epoch, err := k.reserve(h, key, n, maxWait(ctx))
	if err != nil || delay <= 0 {
		return err
	}
	if err := sleep(ctx, delay, nil); err != nil {
		k.unreserve(h, key, r, epoch)
		return err
	}
	return nil
}

// reserve takes n tokens from the bucket of key, whose hash is h, for a
// wait of at most maxWait, and returns the wait, the reservation and the
// epoch it was made in.
func (k *Keyed[K]) reserve(h uint64, key K, n int, maxWait time.Duration) (time.Duration, reservation, uint64, error) {
	s := k.lock(h)
	defer s.mu.Unlock()
	switch {
	case k.limit >= rate.Inf:
		return 0, reservation{}, 0, nil
	case n > k.burst:
		return 0, reservation{}, 0, fmt.Errorf("%w: %d tokens exceed burst %d", ErrNeverAllowed, n, k.burst)
	}
	now := k.now()
	i := s.get(k, h, key, now)
	b := s.t.bucket(i)
	delay, r, err := b.reserve(now, float64(n)*nano, &k.lim, maxWait)
	s.t.setBucket(i, b)
	return delay, r, k.epoch, err
}

// unreserve gives back the tokens of reservation r, made in epoch for key,
// whose hash is h, as TokenBucket.unreserve does. Should SetMaxKeys or
// Reset have forgotten the key meanwhile, its new bucket gets the tokens,
// capped at burst as always.
func (k *Keyed[K]) unreserve(h uint64, key K, r reservation, epoch uint64) {
	s := k.lock(h)
	defer s.mu.Unlock()
	if i, ok := s.t.find(h, key); ok && epoch == k.epoch {
		b := s.t.bucket(i)
		b.unreserve(k.now(), r, &k.lim)
		s.t.setBucket(i, b)
	}
}

// Take decides on n events for key now, as TokenBucket.Take does for a
// bucket of its own: it takes all n tokens of key's bucket if it holds them,
// and otherwise takes none, and reports what a server needs to answer the
// request and to set rate-limit headers. Take(key, 0) takes nothing and
// reports the state of key's bucket (Allowed is true), without storing a
// bucket for a key that has none; nor does a refused Take store one. With
// rate.Inf every Take is allowed and reports Remaining = Burst and zero
// times. Take panics if n < 0. See Decision for the fields.
func (k *Keyed[K]) Take(key K, n int) Decision {
	if n < 0 {
		panic("ratelimit: n < 0")
	}
	if k.shards == nil {
		var none level
		return none.take(0, n, &limits{})
	}
	h := maphash.Comparable(k.seed, key)
	s := k.lock(h)
	defer s.mu.Unlock()
	if k.limit >= rate.Inf {
		return Decision{Allowed: true, Limit: k.limit, Burst: k.burst, Remaining: k.burst}
	}
	now := k.now()
	var d Decision
	if i, ok := s.t.find(h, key); ok {
		d = s.t.slots[i].take(now, n, &k.lim)
	} else if n == 0 || n > k.burst {
		// A new bucket is full: a peek or a refusal leaves it so, and a
		// full bucket is one Keyed need not store.
		fresh := level{tokens: k.lim.burst, last: now}
		d = fresh.take(now, n, &k.lim)
	} else {
		d = s.t.slots[s.add(k, h, key, now)].take(now, n, &k.lim)
	}
	d.Limit, d.Burst = k.limit, k.burst
	return d
}

// Reset forgets key's bucket: the next event for key meets a full one, as
// for a new key. Waits for key already sleeping are not woken and keep the
// tokens they reserved; should one of them be cancelled, it gives its tokens
// to the new bucket, which never holds more than burst.
func (k *Keyed[K]) Reset(key K) {
	if k.shards == nil {
		return
	}
	h := maphash.Comparable(k.seed, key)
	s := k.lock(h)
	if i, ok := s.t.find(h, key); ok {
		s.t.remove(i)
	}
	s.mu.Unlock()
}

// SetMaxKeys bounds the number of keys held to n, evicting keys at once if
// there are more, full buckets first, and giving back the memory they held,
// so that a bound set after a flood of keys bounds memory too. Each shard
// may then hold its share of n; below 64 keys per shard, fewer shards are
// used. n <= 0 removes the bound.
func (k *Keyed[K]) SetMaxKeys(n int) {
	if k.shards == nil {
		return
	}
	for i := range k.shards {
		k.shards[i].mu.Lock()
		defer k.shards[i].mu.Unlock()
	}
	now := k.now()
	active := len(k.shards)
	if n > 0 {
		active = min(active, max(n/minShardKeys, 1))
	}
	if int(atomic.LoadInt32(&k.active)) != active {
		k.reshard(active)
	}
	for i := range k.shards[:active] {
		s := &k.shards[i]
		s.max = 0
		if n > 0 {
			s.max = n / active
			if i < n%active {
				s.max++
			}
		}
		for s.max > 0 && s.t.n > s.max {
			s.evict(k, now)
		}
		s.shrink()
	}
}

// Len returns the number of keys held, counting the full buckets that
// Keyed could forget but has not yet.
func (k *Keyed[K]) Len() int {
	n := 0
	for i := range k.shards {
		s := &k.shards[i]
		s.mu.Lock()
		n += s.t.n
		s.mu.Unlock()
	}
	return n
}

// lock locks and returns the shard of a key with hash h.
func (k *Keyed[K]) lock(h uint64) *keyedShard[K] {
	for {
		n := int64(atomic.LoadInt32(&k.active))
		s := &k.shards[shardOf(h, n)]
		s.mu.Lock()
		// SetMaxKeys changes the number of shards only while holding every
		// shard's lock: if it is unchanged now, s is key's shard.
		if int64(atomic.LoadInt32(&k.active)) == n {
			return s
		}
		s.mu.Unlock()
	}
}

// now returns the time since k.base. Callers read it after locking the
// shard, not before, though the critical section is longer for it: the
// processor then fetches the key's slot while it reads the clock, one of
// the slowest steps of a call, where the lock would have made it wait. A
// bucket's clock only moves forward, so a time read under the lock is
// never older than the bucket's last one.
func (k *Keyed[K]) now() int64 {
	return int64(time.Since(k.base))
}

// reshard spreads the keys over the first active shards. The caller holds
// every shard's lock.
func (k *Keyed[K]) reshard(active int) {
	old := make([]keyedTable[K], len(k.shards))
	for i := range k.shards {
		old[i], k.shards[i].t = k.shards[i].t, keyedTable[K]{}
	}
	atomic.StoreInt32(&k.active, int32(active))
	for _, t := range old {
		for i, tag := range t.tags {
			if tag != 0 {
				h := t.rest[i].h
				k.shards[shardOf(h, int64(active))].t.add(h, t.slots[i].key, t.bucket(uint64(i)))
			}
		}
	}
}
