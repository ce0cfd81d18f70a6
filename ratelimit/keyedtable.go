package ratelimit

import "math/rand/v2"

// minTable is the smallest number of slots a keyedTable has.
const minTable = 16

// A keyedTable maps keys to buckets for one shard of a Keyed. It is an
// open-addressing hash table with linear probing, keyed by the 64-bit hash
// Keyed computes anyway to choose the shard. Each slot holds the hash, the
// key and the bucket together, so a lookup usually touches one cache line,
// where a Go map of pointers touches three. It is not safe for concurrent
// use; the shard's lock guards it.
type keyedTable[K comparable] struct {
	slots []keyedSlot[K] // len is a power of 2, or 0
	n     int            // slots in use
}

// A keyedSlot is one slot of a keyedTable; h == 0 marks it empty. The
// slot's home, where its probe starts, comes from the hash's low bits above
// the lowest; Keyed chooses the shard from the high bits.
type keyedSlot[K comparable] struct {
	h   uint64 // the key's hash with its lowest bit set, so never 0
	key K
	b   bucket
}

// find returns the bucket of key, whose hash is h, or nil.
func (t *keyedTable[K]) find(h uint64, key K) *bucket {
	if t.n == 0 {
		return nil
	}
	h |= 1
	mask := uint64(len(t.slots) - 1)
	for i := (h >> 1) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == h && s.key == key {
			return &s.b
		}
		if s.h == 0 {
			return nil
		}
	}
}

// add inserts key, which must not be in t, with bucket b and returns where b
// now is. The pointer stays valid until the next add or remove.
func (t *keyedTable[K]) add(h uint64, key K, b bucket) *bucket {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(max(minTable, 2*len(t.slots)))
	}
	t.n++
	return t.put(h|1, key, b)
}

// put stores a slot in the first free place of its probe sequence.
func (t *keyedTable[K]) put(h uint64, key K, b bucket) *bucket {
	mask := uint64(len(t.slots) - 1)
	i := (h >> 1) & mask
	for t.slots[i].h != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = keyedSlot[K]{h: h, key: key, b: b}
	return &t.slots[i].b
}

// resize moves every slot into a new array of n slots.
func (t *keyedTable[K]) resize(n int) {
	old := t.slots
	t.slots = make([]keyedSlot[K], n)
	for i := range old {
		if s := &old[i]; s.h != 0 {
			t.put(s.h, s.key, s.b)
		}
	}
}

// remove empties slot i, moving later slots of the same probe run back so
// that no lookup stops early (backward-shift deletion, no tombstones).
func (t *keyedTable[K]) remove(i uint64) {
	mask := uint64(len(t.slots) - 1)
	t.n--
	for j := i; ; {
		t.slots[i] = keyedSlot[K]{}
		for {
			j = (j + 1) & mask
			if t.slots[j].h == 0 {
				return
			}
			// Slot j may move to i only if its home is not in (i, j].
			home := (t.slots[j].h >> 1) & mask
			if (i <= j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
				break
			}
		}
		t.slots[i] = t.slots[j]
		i = j
	}
}

// sweep removes every slot for which drop reports true, and shrinks the
// table when it has become mostly empty.
func (t *keyedTable[K]) sweep(drop func(*bucket) bool) {
	kept := 0
	for i := range t.slots {
		if s := &t.slots[i]; s.h != 0 && !drop(&s.b) {
			kept++
		} else {
			s.h = 0
		}
	}
	t.n = kept
	// Rebuild, as emptying slots in place breaks probe runs.
	size := minTable
	for size*3 < kept*4*2 {
		size *= 2
	}
	t.resize(size)
}

// sample calls f on up to n slots in use, starting at a random one, and
// stops early when f returns false.
func (t *keyedTable[K]) sample(n int, f func(i uint64, b *bucket) bool) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := rand.Uint64() & mask
	for seen := 0; seen < n && seen < t.n; i = (i + 1) & mask {
		if t.slots[i].h == 0 {
			continue
		}
		seen++
		if !f(i, &t.slots[i].b) {
			return
		}
	}
}
