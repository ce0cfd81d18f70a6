package ratelimit

import "math/rand/v2"

// minTable is the smallest number of slots a keyedTable has.
const minTable = 16

// A keyedTable maps keys to buckets for one shard of a Keyed. It is an
// open-addressing hash table with linear probing, keyed by the 64-bit hash
// Keyed computes anyway to choose the shard. Each slot is spread over three
// arrays, so that an Allow touches little memory: the hashes, eight to a
// cache line, which a probe scans; the keys with their buckets' levels,
// the one slot whose hash matches; and the due and owed times, which only
// waits read. It is not safe for concurrent use; the shard's lock guards
// it.
type keyedTable[K comparable] struct {
	hs    []uint64       // hs[i] is slot i's hash, or 0 if it is empty
	slots []keyedSlot[K] // as long as hs: a power of 2, or 0
	dues  []keyedDue     // as long as hs
	n     int            // slots in use
}

// A keyedSlot is the key of one slot of a keyedTable, with the level of its
// bucket. Its hash, kept in hs, has its lowest bit set, so that it is never
// 0. The slot's home, where its probe starts, comes from the hash's low bits
// above the lowest; Keyed chooses the shard from the high bits.
type keyedSlot[K comparable] struct {
	key K
	level
}

// A keyedDue is the rest of a slot's bucket: its due and owed times.
type keyedDue struct {
	due, owed int64
}

// find returns the slot of key, whose hash is h, and whether key is in t.
func (t *keyedTable[K]) find(h uint64, key K) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	h |= 1
	mask := uint64(len(t.hs) - 1)
	for i := (h >> 1) & mask; ; i = (i + 1) & mask {
		switch t.hs[i] {
		case h:
			if t.slots[i].key == key {
				return i, true
			}
		case 0:
			return 0, false
		}
	}
}

// bucket returns a copy of slot i's bucket.
func (t *keyedTable[K]) bucket(i uint64) bucket {
	return bucket{level: t.slots[i].level, due: t.dues[i].due, owed: t.dues[i].owed}
}

// setBucket stores b as slot i's bucket.
func (t *keyedTable[K]) setBucket(i uint64, b bucket) {
	t.slots[i].level = b.level
	t.dues[i] = keyedDue{due: b.due, owed: b.owed}
}

// add inserts key, which must not be in t, with bucket b and returns its
// slot, valid until the next add or remove.
func (t *keyedTable[K]) add(h uint64, key K, b bucket) uint64 {
	if (t.n+1)*4 > len(t.hs)*3 {
		t.resize(max(minTable, 2*len(t.hs)))
	}
	t.n++
	return t.put(h|1, key, b)
}

// put stores a slot in the first free place of its probe sequence.
func (t *keyedTable[K]) put(h uint64, key K, b bucket) uint64 {
	mask := uint64(len(t.hs) - 1)
	i := (h >> 1) & mask
	for t.hs[i] != 0 {
		i = (i + 1) & mask
	}
	t.hs[i] = h
	t.slots[i].key = key
	t.setBucket(i, b)
	return i
}

// resize moves every slot into new arrays of n slots.
func (t *keyedTable[K]) resize(n int) {
	old := *t
	t.hs, t.slots, t.dues = make([]uint64, n), make([]keyedSlot[K], n), make([]keyedDue, n)
	for i, h := range old.hs {
		if h != 0 {
			t.put(h, old.slots[i].key, old.bucket(uint64(i)))
		}
	}
}

// remove empties slot i, moving later slots of the same probe run back so
// that no lookup stops early (backward-shift deletion, no tombstones).
func (t *keyedTable[K]) remove(i uint64) {
	mask := uint64(len(t.hs) - 1)
	t.n--
	for j := i; ; {
		t.hs[i], t.slots[i], t.dues[i] = 0, keyedSlot[K]{}, keyedDue{}
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
		t.hs[i], t.slots[i], t.dues[i] = t.hs[j], t.slots[j], t.dues[j]
		i = j
	}
}

// sweep removes every slot for which drop reports true, and shrinks the
// table when it has become mostly empty.
func (t *keyedTable[K]) sweep(drop func(bucket) bool) {
	kept := 0
	for i, h := range t.hs {
		if h != 0 && !drop(t.bucket(uint64(i))) {
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
func (t *keyedTable[K]) sample(n int, f func(i uint64, b bucket) bool) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.hs) - 1)
	i := rand.Uint64() & mask
	for seen := 0; seen < n && seen < t.n; i = (i + 1) & mask {
		if t.hs[i] == 0 {
			continue
		}
		seen++
		if !f(i, t.bucket(i)) {
			return
		}
	}
}
