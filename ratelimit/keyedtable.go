package ratelimit

import "math/rand/v2"

// minTable is the smallest number of slots a keyedTable has.
const minTable = 16

// A keyedTable maps keys to buckets for one shard of a Keyed. It is an
// open-addressing hash table with linear probing, keyed by the 64-bit hash
// Keyed computes anyway to choose the shard. Each slot is spread over three
// arrays, so that an Allow touches little memory: a byte of the hash, the
// tag, which a probe scans, 64 to a cache line, so that the tags of every
// shard stay cached; the keys with their buckets' levels, of which a probe
// reads the one slot whose tag matches; and the full hashes with the due
// and owed times, which only waits, removals and resizes read. It is not
// safe for concurrent use; the shard's lock guards it.
type keyedTable[K comparable] struct {
	tags  []uint8        // tags[i] is slot i's tag, never 0, or 0 if it is empty
	slots []keyedSlot[K] // as long as tags: a power of 2, or 0
	rest  []keyedRest    // as long as tags
	n     int            // slots in use
}

// A keyedSlot is the key of one slot of a keyedTable, with the level of its
// bucket.
type keyedSlot[K comparable] struct {
	key K
	level
}

// A keyedRest is the rest of a slot: its key's hash, and its bucket's due
// and owed times.
type keyedRest struct {
	h         uint64
	due, owed int64
}

// tagOf returns the tag of a key with hash h: 8 bits that neither choose
// the shard, the high ones, nor the slot, the low ones.
func tagOf(h uint64) uint8 {
	return max(uint8(h>>32), 1)
}

// find returns the slot of key, whose hash is h, and whether key is in t.
func (t *keyedTable[K]) find(h uint64, key K) (uint64, bool) {
	if len(t.tags) == 0 {
		return 0, false
	}
	tag := tagOf(h)
	mask := uint64(len(t.tags) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.tags[i] {
		case tag:
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
	return bucket{level: t.slots[i].level, due: t.rest[i].due, owed: t.rest[i].owed}
}

// setBucket stores b as slot i's bucket.
func (t *keyedTable[K]) setBucket(i uint64, b bucket) {
	t.slots[i].level = b.level
	t.rest[i].due, t.rest[i].owed = b.due, b.owed
}

// add inserts key, which must not be in t, with bucket b and returns its
// slot, valid until the next add or remove.
func (t *keyedTable[K]) add(h uint64, key K, b bucket) uint64 {
	if (t.n+1)*4 > len(t.tags)*3 {
		t.resize(max(minTable, 2*len(t.tags)))
	}
	t.n++
	return t.put(h, key, b)
}

// put stores a slot in the first free place of its probe sequence.
func (t *keyedTable[K]) put(h uint64, key K, b bucket) uint64 {
	mask := uint64(len(t.tags) - 1)
	i := h & mask
	for t.tags[i] != 0 {
		i = (i + 1) & mask
	}
	t.tags[i] = tagOf(h)
	t.slots[i] = keyedSlot[K]{key: key, level: b.level}
	t.rest[i] = keyedRest{h: h, due: b.due, owed: b.owed}
	return i
}

// resize moves every slot into new arrays of n slots.
func (t *keyedTable[K]) resize(n int) {
	old := *t
	t.tags, t.slots, t.rest = make([]uint8, n), make([]keyedSlot[K], n), make([]keyedRest, n)
	for i, tag := range old.tags {
		if tag != 0 {
			t.put(old.rest[i].h, old.slots[i].key, old.bucket(uint64(i)))
		}
	}
}

// remove empties slot i, moving later slots of the same probe run back so
// that no lookup stops early (backward-shift deletion, no tombstones). Only
// the last slot moved from is cleared: the others are overwritten.
func (t *keyedTable[K]) remove(i uint64) {
	mask := uint64(len(t.tags) - 1)
	t.n--
	for j := i; ; {
		for {
			j = (j + 1) & mask
			if t.tags[j] == 0 {
				t.tags[i], t.slots[i], t.rest[i] = 0, keyedSlot[K]{}, keyedRest{}
				return
			}
			// Slot j may move to i only if its home is not in (i, j].
			home := t.rest[j].h & mask
			if (i <= j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
				break
			}
		}
		t.tags[i], t.slots[i], t.rest[i] = t.tags[j], t.slots[j], t.rest[j]
		i = j
	}
}

// sweep removes every slot for which drop reports true, and shrinks the
// table when it has become mostly empty.
func (t *keyedTable[K]) sweep(drop func(bucket) bool) {
	kept := 0
	for i, tag := range t.tags {
		if tag != 0 && !drop(t.bucket(uint64(i))) {
			kept++
		} else {
			t.tags[i] = 0
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
	mask := uint64(len(t.tags) - 1)
	i := rand.Uint64() & mask
	for seen := 0; seen < n && seen < t.n; i = (i + 1) & mask {
		if t.tags[i] == 0 {
			continue
		}
		seen++
		if !f(i, t.bucket(i)) {
			return
		}
	}
}
