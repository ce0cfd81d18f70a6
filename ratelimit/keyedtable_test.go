package ratelimit

import (
	"math/rand/v2"
	"testing"
)

// TestKeyedTableRandom checks the table against a map under random adds,
// removes and sweeps.
func TestKeyedTableRandom(t *testing.T) {
	var tb keyedTable[int]
	ref := map[int]bool{}
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range 200000 {
		key := rng.IntN(3000)
		h := uint64(key) * 0x9E3779B97F4A7C15
		if key%8 == 0 {
			h &= 0xff // collisions
		}
		switch op := rng.IntN(10); {
		case op < 6:
			if (tb.find(h, key) != nil) != ref[key] {
				t.Fatalf("%d: find(%d) mismatch", i, key)
			}
			if !ref[key] {
				tb.add(h, key, bucket{tokens: float64(key)})
				ref[key] = true
			}
		case op < 9:
			tb.sample(1, func(j uint64, b *bucket) bool {
				k := tb.slots[j].key
				tb.remove(j)
				delete(ref, k)
				return false
			})
		default:
			if rng.IntN(100) == 0 {
				tb.sweep(func(b *bucket) bool {
					if int(b.tokens)%2 == 0 {
						delete(ref, int(b.tokens))
						return true
					}
					return false
				})
			}
		}
		if tb.n != len(ref) {
			t.Fatalf("%d: n = %d, want %d", i, tb.n, len(ref))
		}
	}
	for key := range 3000 {
		h := uint64(key) * 0x9E3779B97F4A7C15
		if key%8 == 0 {
			h &= 0xff
		}
		if (tb.find(h, key) != nil) != ref[key] {
			t.Fatalf("final find(%d) mismatch", key)
		}
	}
}
