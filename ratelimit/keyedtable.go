package ratelimit

import "math/rand/v2"

// minTable is the smallest number of slots a keyedTable has.
const minTable = 16

// A keyedTable maps keys to buckets for one shard of a Keyed. It is an
// open-addressing hash table with linear probing, keyed by the 64-bit hash
// Keyed computes anyway to choose the shard. The hashes are kept in an array
// of their own, eight to a cache line, so that a probe reads one line of
// hashes and then the one slot whose hash matches, where a Go map of
// pointers touches three lines. It is not safe for concurrent use; the
// shard's lock guards it.
type keyedTable[K comparable] struct {
	hs    []uint64       // hs[i] is slot i's hash, or 0 if it is empty
	slots []keyedSlot[K] // as long as hs: a power of 2, or 0
	n     int            // slots in use
}

// A keyedSlot is one slot of a keyedTable. Its hash, kept in hs, has its
// lowest bit set, so that it is never 0. The slot's home, where its probe
// starts, comes from the hash's low bits above the lowest; Keyed chooses
// the shard from the high bits.
type keyedSlot[K comparable] struct {
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
		switch t.hs[i] {
		case h:
			if s := &t.slots[i]; s.key == key {
				return &s.b
			}
		case 0:
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
	for t.hs[i] != 0 {
		i = (i + 1) & mask
	}
	t.hs[i] = h
	t.slots[i] = keyedSlot[K]{key: key, b: b}
	return &t.slots[i].b
}

// resize moves every slot into a new array of n slots.
func (t *keyedTable[K]) resize(n int) {
	oldHs, old := t.hs, t.slots
	t.hs, t.slots = make([]uint64, n), make([]keyedSlot[K], n)
	for i, h := range oldHs {
		if h != 0 {
			t.put(h, old[i].key, old[i].b)
		}
	}
}

// remove empties slot i, moving later slots of the same probe run back so
// that no lookup stops early (backward-shift deletion, no tombstones).
func (t *keyedTable[K]) remove(i uint64) {
	mask := uint64(len(t.slots) - 1)
	t.n--
	for j := i; ; {
		t.hs[i], t.slots[i] = 0, keyedSlot[K]{}
		for {
			j = (j + 1) & mask
			if t.hs[j] == 0 {
				return
			}
			// Slot j may move to i only if its home is not in (i, j].
			home := (t.hs[j] >> 1) & mask
			if (i <= j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
				break
			}
		}
		t.hs[i], t.slots[i] = t.hs[j], t.slots[j]
		i = j
	}
}

// sweep removes every slot for which drop reports true, and shrinks the
// table when it has become mostly empty.
func (t *keyedTable[K]) sweep(drop func(*bucket) bool) {
	kept := 0
	for i, h := range t.hs {
		if h != 0 && !drop(&t.slots[i].b) {
			kept++
		} else {
			t.hs[i] = 0
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
		if t.hs[i] == 0 {
			continue
		}
		seen++
		if !f(i, &t.slots[i].b) {
			return
		}
	}
}
