package ratelimit

import "testing"

// TestShardForgettable checks which buckets a sweep may forget: those idle
// for keepIdle that bucket.full reports full, at the boundaries of each
// condition.
func TestShardForgettable(t *testing.T) {
	const now = int64(10 * keepIdle)
	fast := newLimits(1_000, 1) // owed tokens can exceed the burst
	zero := newLimits(0, 1)
	even := newLimits(100, 1) // owed tokens reach the burst, never more
	for _, tc := range []struct {
		name string
		l    limits
		b    bucket
		want bool
	}{
		{"full, idle 2s", fast, bucket{level{0, now - 2*int64(keepIdle)}, noDue, noDue}, true},
		{"full, idle exactly keepIdle", fast, bucket{level{nano, now - int64(keepIdle)}, noDue, noDue}, true},
		{"full, used 500ms ago", fast, bucket{level{nano, now - int64(keepIdle)/2}, noDue, noDue}, false},
		{"exactly full at rate 0", zero, bucket{level{nano, now - 2*int64(keepIdle)}, noDue, noDue}, true},
		{"short of full at rate 0", zero, bucket{level{nano - 1, now - 2*int64(keepIdle)}, noDue, noDue}, false},
		{"owed until now", fast, bucket{level{0, now - 2*int64(keepIdle)}, now, now - int64(CatchUp)}, false},
		{"owed until a nanosecond ago", fast, bucket{level{0, now - 2*int64(keepIdle)}, now, now - int64(CatchUp) - 1}, true},
		{"owed no more than burst", even, bucket{level{0, now - 2*int64(keepIdle)}, now, now - int64(CatchUp)/2}, true},
	} {
		var s keyedShard[int]
		s.t.add(1, 1, tc.b)
		i, _ := s.t.find(1, 1)
		if got := s.forgettable(i, now, &tc.l); got != tc.want {
			t.Errorf("%s: forgettable = %v, want %v", tc.name, got, tc.want)
		}
		if full := tc.b.full(now, &tc.l) && now-tc.b.last >= int64(keepIdle); full != tc.want {
			t.Errorf("%s: full and idle = %v, want %v", tc.name, full, tc.want)
		}
	}
}

// TestTableSample checks that sample visits n distinct slots in use, or
// every one if fewer are, and stops when f returns false.
func TestTableSample(t *testing.T) {
	for _, tc := range []struct{ keys, n, stop, want int }{
		{20, 8, -1, 8}, {3, 8, -1, 3}, {8, 8, -1, 8}, {20, 8, 2, 2}, {0, 8, -1, 0},
	} {
		for range 16 { // the sample starts at a random slot
			var tb keyedTable[int]
			for key := range tc.keys {
				tb.add(uint64(key)*0x9E3779B97F4A7C15, key, keyBucket(key))
			}
			seen := map[uint64]bool{}
			tb.sample(tc.n, func(i uint64, b bucket) bool {
				if tb.tags[i] == 0 || seen[i] || b != tb.bucket(i) {
					t.Errorf("%d keys: sample visited slot %d again, or an empty one", tc.keys, i)
				}
				seen[i] = true
				return len(seen) != tc.stop
			})
			if len(seen) != tc.want {
				t.Errorf("%d keys, sample(%d) stopping after %d: %d slots visited, want %d", tc.keys, tc.n, tc.stop, len(seen), tc.want)
			}
		}
	}
}
