package ratelimit

import (
	"math"
	"math/rand/v2"
	"testing"
)

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
