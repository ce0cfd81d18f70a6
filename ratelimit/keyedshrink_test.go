package ratelimit

import "testing"

// slotsHeld returns the slots of every shard's table, in use or not.
func slotsHeld[K comparable](k *Keyed[K]) int {
	n := 0
	for i := range k.shards {
		n += len(k.shards[i].t.tags)
	}
	return n
}

// TestSetMaxKeysAfterFlood checks that SetMaxKeys called after a flood of
// keys gives back the memory of the tables, not only the keys: their slots
// stay within a small multiple of the bound.
func TestSetMaxKeysAfterFlood(t *testing.T) {
	for _, max := range []int{100, 4096} {
		k := NewKeyed[int](1, 1)
		for i := range 50_000 {
			k.Allow(i)
		}
		k.SetMaxKeys(max)
		if got := k.Len(); got != max {
			t.Errorf("SetMaxKeys(%d): Len() = %d, want %d", max, got, max)
		}
		// A shard's table shrinks to a quarter in use once less than a
		// sixteenth of it is.
		if got := slotsHeld(k); got > 16*max {
			t.Errorf("SetMaxKeys(%d) after 50,000 keys: %d slots held, want at most %d", max, got, 16*max)
		}
	}
}
