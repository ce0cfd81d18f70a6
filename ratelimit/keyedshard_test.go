package ratelimit

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestKeyedAllowWhileResharding calls Allow while SetMaxKeys moves the keys
// between one shard and all of them, in a bubble whose time stands still:
// each key must allow exactly burst events, as an Allow that used a shard
// its key has left would find no bucket and start a fresh one.
func TestKeyedAllowWhileResharding(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		conctest.Bubble(t, func(t *testing.T) {
			const burst, keys = 5, 50
			k := NewKeyed[int](1, burst)
			var counts [keys]atomic.Int64
			var stop atomic.Bool
			var resharder, users sync.WaitGroup
			resharder.Go(func() {
				// SetMaxKeys(64) uses one shard, SetMaxKeys(0) all of them.
				for i := 0; !stop.Load(); i++ {
					k.SetMaxKeys(64 * (i % 2))
					runtime.Gosched()
				}
			})
			for g := range 4 {
				users.Go(func() {
					for i := range 20_000 {
						if key := (i + 13*g) % keys; k.Allow(key) {
							counts[key].Add(1)
						}
					}
				})
			}
			users.Wait()
			stop.Store(true)
			resharder.Wait()
			for key := range counts {
				if n := counts[key].Load(); n != burst {
					t.Errorf("key %d: %d events allowed, want %d", key, n, burst)
				}
			}
		})
	})
}

// TestKeyedNoAtomicTypes: Keyed is generic, compiled into the user's
// package, so its files use the functions of sync/atomic rather than its
// types.
func TestKeyedNoAtomicTypes(t *testing.T) {
	conctest.NoAtomicTypes(t, "keyed*.go")
}

// TestKeyedShardSize checks that a shard fills two cache lines exactly, so
// that no two shards share one, and that what Allow reads of it lies in
// the first.
func TestKeyedShardSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the layout is sized for 64-bit platforms")
	}
	var s keyedShard[string]
	if size := unsafe.Sizeof(s); size != 128 {
		t.Errorf("keyedShard is %d bytes, want 128", size)
	}
	if end := unsafe.Offsetof(s.t) + unsafe.Offsetof(s.t.slots) + unsafe.Sizeof(s.t.slots); end > 64 {
		t.Errorf("the lock, tags and slots of a keyedShard end at byte %d, want <= 64", end)
	}
}

// TestShardOf checks that shardOf maps every hash to one of n shards, from
// the first for the smallest hash to the last for the largest, and spreads
// random hashes evenly over them.
func TestShardOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const draws = 64_000
	for n := int64(1); n <= keyedShards; n++ {
		if got := shardOf(0, n); got != 0 {
			t.Errorf("shardOf(0, %d) = %d, want 0", n, got)
		}
		if got := shardOf(math.MaxUint64, n); got != uint64(n-1) {
			t.Errorf("shardOf(MaxUint64, %d) = %d, want %d", n, got, n-1)
		}
		hits := make([]int, n)
		for range draws {
			s := shardOf(rng.Uint64(), n)
			if s >= uint64(n) {
				t.Fatalf("shardOf(_, %d) = %d, want < %d", n, s, n)
			}
			hits[s]++
		}
		for s, c := range hits {
			if want := draws / int(n); c < want*3/4 || c > want*5/4 {
				t.Errorf("n = %d: shard %d got %d of %d hashes, want about %d", n, s, c, draws, want)
			}
		}
	}
}

// TestShardSweepResizes checks the sizes a sweep leaves: the table doubles
// when more than half of it is still in use, shrinks to a quarter in use
// when less than a sixteenth is, and otherwise keeps its size; the buckets
// kept are found again.
func TestShardSweepResizes(t *testing.T) {
	for _, tc := range []struct {
		live, idle int // buckets kept, and full ones idle for keepIdle
		size       int // the table's size before the sweep
		want       int // and after
	}{
		{live: 700, idle: 68, size: 1024, want: 2048},
		{live: 400, idle: 368, size: 1024, want: 1024},
		{live: 100, idle: 1436, size: 2048, want: 512},
		{live: 3, idle: 1533, size: 2048, want: minTable},
		{live: 64, idle: 1000, size: 2048, want: 256}, // exactly a quarter in use
	} {
		k := NewKeyed[int](1, 1)
		var s keyedShard[int]
		now := int64(2 * keepIdle)
		hash := func(key int) uint64 { return uint64(key) * 0x9E3779B97F4A7C15 }
		for key := range tc.live + tc.idle {
			b := bucket{level: level{tokens: k.lim.burst}, due: noDue, owed: noDue}
			if key < tc.live {
				b.level = level{tokens: 0, last: now} // refilling
			}
			s.t.add(hash(key), key, b)
		}
		if len(s.t.tags) != tc.size {
			t.Fatalf("%d live, %d idle: %d slots before the sweep, want %d", tc.live, tc.idle, len(s.t.tags), tc.size)
		}
		s.sweep(k, now)
		if len(s.t.tags) != tc.want || s.t.n != tc.live {
			t.Errorf("%d live, %d idle: after the sweep %d keys in %d slots, want %d in %d",
				tc.live, tc.idle, s.t.n, len(s.t.tags), tc.live, tc.want)
		}
		for key := range tc.live + tc.idle {
			if _, ok := s.t.find(hash(key), key); ok != (key < tc.live) {
				t.Errorf("%d live, %d idle: after the sweep find(%d) = %v", tc.live, tc.idle, key, ok)
			}
		}
	}
}

// TestShardReusable checks which slot a new key may take: the first
// forgettable one among the first reuseProbes of its probe run, and none
// past an empty slot.
func TestShardReusable(t *testing.T) {
	k := NewKeyed[int](1000, 1) // owed tokens can exceed the burst
	now := int64(2 * keepIdle)
	idle := bucket{level: level{tokens: k.lim.burst}, due: noDue, owed: noDue}
	busy := bucket{level: level{tokens: 0, last: now}, due: noDue, owed: noDue}
	owed := idle
	owed.owed = now // a late Wait is owed tokens: not to be forgotten
	for _, tc := range []struct {
		name string
		run  []bucket // slots 0, 1, ... of a table of minTable slots
		want int      // the slot reusable(0) returns, or -1
	}{
		{"idle at home", []bucket{idle, busy}, 0},
		{"idle second", []bucket{busy, idle}, 1},
		{"owed, then idle", []bucket{owed, busy, idle}, 2},
		{"idle past an empty slot", []bucket{busy, {}, idle}, -1},
		{"idle past the probes", []bucket{busy, busy, busy, busy, idle}, -1},
		{"no keys", nil, -1},
	} {
		var s keyedShard[int]
		s.t.resize(minTable)
		for i, b := range tc.run {
			if b != (bucket{}) {
				s.t.put(uint64(i), 100+i, b)
				s.t.n++
			}
		}
		i, ok := s.reusable(0, now, &k.lim)
		if got := map[bool]int{true: int(i), false: -1}[ok]; got != tc.want {
			t.Errorf("%s: reusable = %d, want %d", tc.name, got, tc.want)
		}
	}
}
