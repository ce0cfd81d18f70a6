package ratelimit

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// TestKeyedMaxKeysExact checks that a Keyed flooded with keys holds exactly
// n of them under SetMaxKeys(n), also when n does not divide evenly over
// the shards it uses (129 over 2, 1000 over 15).
func TestKeyedMaxKeysExact(t *testing.T) {
	for _, n := range []int{129, 1_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			k := NewKeyed[int](1, 1)
			k.SetMaxKeys(n)
			for i := range 50 * n {
				k.Allow(i)
			}
			if got := k.Len(); got != n {
				t.Errorf("after %d keys Len() = %d, want %d", 50*n, got, n)
			}
		})
	}
}

// TestKeyedSetMaxKeysShards checks how many shards SetMaxKeys leaves in
// use: one per 64 keys of the bound, and all 32 again once the bound is
// removed.
func TestKeyedSetMaxKeysShards(t *testing.T) {
	k := NewKeyed[int](1, 1)
	for _, tc := range []struct{ n, want int }{{100, 1}, {129, 2}, {1_000, 15}, {1 << 20, keyedShards}, {10, 1}, {0, keyedShards}, {-1, keyedShards}} {
		k.SetMaxKeys(tc.n)
		if got := atomic.LoadInt32(&k.active); int(got) != tc.want {
			t.Errorf("SetMaxKeys(%d): %d shards in use, want %d", tc.n, got, tc.want)
		}
	}
}
