package ratelimit

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestKeyedTableRandom checks the table against a map under random adds,
// replacements, removes and sweeps.
func TestKeyedTableRandom(t *testing.T) {
	var tb keyedTable[int]
	ref := map[int]bool{}
	rng := rand.New(rand.NewPCG(1, 1))
	hash := func(key int) uint64 {
		h := uint64(key) * 0x9E3779B97F4A7C15
		if key%8 == 0 {
			h &= 0xff // collisions
		}
		return h
	}
	check := func(when string) {
		t.Helper()
		for key := range 3000 {
			i, ok := tb.find(hash(key), key)
			if ok != ref[key] {
				t.Fatalf("%s: find(%d) = %v, want %v", when, key, ok, ref[key])
			}
			if b := tb.bucket(i); ok && b != keyBucket(key) {
				t.Fatalf("%s: find(%d): bucket %+v, want %+v", when, key, b, keyBucket(key))
			}
		}
	}
	for i := range 200000 {
		key := rng.IntN(3000)
		h := hash(key)
		switch op := rng.IntN(20); {
		case op < 12:
			if _, ok := tb.find(h, key); ok != ref[key] {
				t.Fatalf("%d: find(%d) mismatch", i, key)
			}
			if ref[key] {
				break
			}
			ref[key] = true
			if op%2 == 0 {
				tb.add(h, key, keyBucket(key))
				break
			}
			// A slot in h's probe run, before any empty one, may be
			// replaced.
			if len(tb.tags) == 0 {
				tb.add(h, key, keyBucket(key))
				break
			}
			mask := uint64(len(tb.tags) - 1)
			j := h & mask
			for n := rng.IntN(4); n > 0 && tb.tags[j] != 0; n-- {
				j = (j + 1) & mask
			}
			if tb.tags[j] == 0 {
				tb.add(h, key, keyBucket(key))
				break
			}
			delete(ref, tb.slots[j].key)
			tb.replace(j, h, key, keyBucket(key))
		case op < 18:
			tb.sample(1, func(j uint64, b bucket) bool {
				k := tb.slots[j].key
				tb.remove(j)
				delete(ref, k)
				return false
			})
		default:
			if rng.IntN(20) == 0 {
				m := 2 + rng.IntN(4)
				tb.sweep(func(j uint64) bool {
					if key := tb.slots[j].key; key%m == 0 {
						delete(ref, key)
						return true
					}
					return false
				})
				check(fmt.Sprintf("%d: after a sweep", i))
			}
		}
		if tb.n != len(ref) {
			t.Fatalf("%d: n = %d, want %d", i, tb.n, len(ref))
		}
	}
	check("at the end")
}

// keyBucket returns a bucket that tells which key it was added for, in
// each of the arrays a table keeps a bucket in.
func keyBucket(key int) bucket {
	return bucket{level: level{tokens: float64(key), last: int64(key)}, due: int64(key), owed: -int64(key)}
}

// TestKeyedTableRemoveWraps checks removal in probe runs that wrap past the
// end of the table: every key is placed by its home slot, and each removal
// must leave every other key findable.
func TestKeyedTableRemoveWraps(t *testing.T) {
	// Homes near the end of a 16-slot table, so the runs wrap to slot 0.
	// In {3, 5, 3} and {14, 0, 14, 14}, a key at its home follows the removed
	// one in its run and must stay there.
	for _, homes := range [][]uint64{{15, 15, 15}, {14, 15, 14, 0}, {13, 14, 14, 15, 15, 0, 1, 15, 0}, {3, 5, 3}, {14, 0, 14, 14}} {
		for victim := range homes {
			removeOne(t, homes, victim)
		}
	}
}

// removeOne fills a table with keys 0, 1, ... whose home slots are homes,
// removes victim and checks that every other key is still found.
func removeOne(t *testing.T, homes []uint64, victim int) {
	t.Helper()
	hash := func(key int) uint64 { return homes[key] | uint64(key)<<8 }
	var tb keyedTable[int]
	for key := range homes {
		tb.add(hash(key), key, keyBucket(key))
	}
	if len(tb.slots) != minTable {
		t.Fatalf("table has %d slots, want %d", len(tb.slots), minTable)
	}
	for i := range tb.slots {
		if tb.tags[i] != 0 && tb.slots[i].key == victim {
			tb.remove(uint64(i))
		}
	}
	for key := range homes {
		i, ok := tb.find(hash(key), key)
		switch {
		case key == victim && ok:
			t.Errorf("homes %v, removed %d: find(%d) found slot %d, want none", homes, victim, key, i)
		case key != victim && (!ok || tb.bucket(i) != keyBucket(key)):
			t.Errorf("homes %v, removed %d: find(%d) = %d, %v, want its bucket", homes, victim, key, i, ok)
		}
	}
}
