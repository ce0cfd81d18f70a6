package ratelimit

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// slots returns the number of slots k's tables have, in use or not.
func (k *Keyed[K]) slots() int {
	n := 0
	for i := range k.shards {
		s := &k.shards[i]
		s.mu.Lock()
		n += len(s.t.tags)
		s.mu.Unlock()
	}
	return n
}

// TestKeyedMemoryBoundedByMaxKeys floods a Keyed with a million distinct
// keys whose buckets never refill meanwhile: with SetMaxKeys its keys, its
// tables and the heap stay within bounds set by the limit.
func TestKeyedMemoryBoundedByMaxKeys(t *testing.T) {
	const max = 10_000
	k := NewKeyed[string](1, 1)
	k.SetMaxKeys(max)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 1_000_000 {
		key := "client-" + strconv.Itoa(i)
		if !k.Allow(key) {
			t.Fatalf("Allow(%q) for a new key = false, want true", key)
		}
		if i%50_000 == 0 {
			if n := k.Len(); n > max {
				t.Fatalf("after %d keys: Len() = %d, want <= %d", i+1, n, max)
			}
		}
	}
	if n, slots := k.Len(), k.slots(); n > max || slots > 4*max {
		t.Errorf("after 10^6 keys: Len() = %d, %d slots; want <= %d keys, <= %d slots", n, slots, max, 4*max)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// Keeping every key would take about 80 MB.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("after 10^6 keys the heap grew by %d bytes, want < 8 MB", grown)
	}
	runtime.KeepAlive(k)
}

// TestKeyedMemoryBoundedByTime floods a Keyed without SetMaxKeys with
// distinct keys, 10,000 per second, whose buckets refill at once: it keeps
// about the keys of the last second, not all of them.
func TestKeyedMemoryBoundedByTime(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[int](1e6, 1)
		for i := range 300_000 {
			k.Allow(i)
			if i%100 == 99 {
				time.Sleep(10 * time.Millisecond)
			}
		}
		if n, slots := k.Len(), k.slots(); n > 3*10_000 || slots > 4*10_000 {
			t.Errorf("after 30s at 10,000 new keys per second: Len() = %d, %d slots; want <= 30,000 keys, <= 40,000 slots", n, slots)
		}
	})
}

// TestKeyedKeepsIdleBucketsForASecond checks that a full bucket is kept
// for keepIdle after its key's last event, and may be forgotten after.
func TestKeyedKeepsIdleBucketsForASecond(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := NewKeyed[int](1e6, 1)
		for i := range 1_000 {
			k.Allow(i)
		}
		time.Sleep(keepIdle - time.Millisecond) // full, but used recently
		for i := 1_000; i < 20_000; i++ {       // tables fill and sweep
			k.Allow(i)
		}
		if n := k.Len(); n != 20_000 {
			t.Errorf("within keepIdle: Len() = %d, want all 20,000 keys kept", n)
		}
		time.Sleep(keepIdle)
		for i := 20_000; i < 40_000; i++ {
			k.Allow(i)
		}
		if n := k.Len(); n >= 30_000 {
			t.Errorf("after keepIdle: Len() = %d, want most of the first 20,000 keys forgotten", n)
		}
	})
}
