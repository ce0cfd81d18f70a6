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
			if _, ok := tb.find(h, key); ok != ref[key] {
				t.Fatalf("%d: find(%d) mismatch", i, key)
			}
			if !ref[key] {
				tb.add(h, key, keyBucket(key))
				ref[key] = true
			}
		case op < 9:
			tb.sample(1, func(j uint64, b bucket) bool {
				k := tb.slots[j].key
				tb.remove(j)
				delete(ref, k)
				return false
			})
		default:
			if rng.IntN(100) == 0 {
				tb.sweep(func(b bucket) bool {
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
		i, ok := tb.find(h, key)
		if ok != ref[key] {
			t.Fatalf("final find(%d) mismatch", key)
		}
		if b := tb.bucket(i); ok && b != keyBucket(key) {
			t.Fatalf("final find(%d): bucket %+v, want %+v", key, b, keyBucket(key))
		}
	}
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
	for _, tc := range []struct {
		size  int
		homes []uint64
	}{
		// Homes near the end of a table, so the runs wrap to slot 0.
		{16, []uint64{15, 15, 15}},
		{16, []uint64{14, 15, 14, 0}},
		{16, []uint64{13, 14, 14, 15, 15, 0, 1, 15, 0}},
		{24, []uint64{23, 22, 23, 0, 22, 1}},
		{36, []uint64{34, 35, 35, 0, 34, 1, 35}},
	} {
		for victim := range tc.homes {
			removeOne(t, tc.size, tc.homes, victim)
		}
	}
}

// removeOne fills a table of size slots with keys 0, 1, ... whose home
// slots are homes, removes victim and checks that every other key is still
// found.
func removeOne(t *testing.T, size int, homes []uint64, victim int) {
	t.Helper()
	var tb keyedTable[int]
	tb.resize(size)
	// The smallest hash whose home is homes[key], with key as its tag.
	hash := func(key int) uint64 {
		return (homes[key]<<32+uint64(size)-1)/uint64(size) | uint64(key)<<32
	}
	for key := range homes {
		if h := tb.home(hash(key)); h != homes[key] {
			t.Fatalf("size %d: home(hash(%d)) = %d, want %d", size, key, h, homes[key])
		}
		tb.add(hash(key), key, keyBucket(key))
	}
	if len(tb.slots) != size {
		t.Fatalf("table has %d slots, want %d", len(tb.slots), size)
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
			t.Errorf("size %d, homes %v, removed %d: find(%d) found slot %d, want none", size, homes, victim, key, i)
		case key != victim && (!ok || tb.bucket(i) != keyBucket(key)):
			t.Errorf("size %d, homes %v, removed %d: find(%d) = %d, %v, want its bucket", size, homes, victim, key, i, ok)
		}
	}
}

// TestKeyedTableGrowsByHalf checks that a table grows by half when it is
// full to the most load, and that a sweep leaves it as full as a table that
// has just grown, 2/3 of that.
func TestKeyedTableGrowsByHalf(t *testing.T) {
	var tb keyedTable[int]
	size := 0
	for key := range 1000 {
		if n := len(tb.tags); n != size {
			if want := max(minTable, size+size/2); n != want {
				t.Fatalf("after %d keys: grew from %d to %d slots, want %d", key, size, n, want)
			}
			if size > 0 && key*maxLoadDen <= size*maxLoadNum {
				t.Fatalf("grew from %d slots at %d keys, before they were %d/%d full", size, key, maxLoadNum, maxLoadDen)
			}
			size = n
		}
		tb.add(uint64(key)*0x9E3779B97F4A7C15, key, keyBucket(key))
	}
	tb.sweep(func(b bucket) bool { return int(b.tokens)%4 != 0 })
	if want := (250*3*maxLoadDen + 2*maxLoadNum - 1) / (2 * maxLoadNum); tb.n != 250 || len(tb.tags) != want {
		t.Errorf("after a sweep: %d keys in %d slots, want 250 in %d", tb.n, len(tb.tags), want)
	}
}
