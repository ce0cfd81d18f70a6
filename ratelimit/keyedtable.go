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

// hasRoom reports whether t can take one more slot without growing: it is
// at most three quarters full after the add.
func (t *keyedTable[K]) hasRoom() bool {
	return (t.n+1)*4 <= len(t.tags)*3
}

// add inserts key, which must not be in t, with bucket b and returns its
// slot, valid until the next add or remove. It grows t if t has no room.
func (t *keyedTable[K]) add(h uint64, key K, b bucket) uint64 {
	if !t.hasRoom() {
		t.resize(max(minTable, 2*len(t.tags)))
	}
	t.n++
	return t.put(h, key, b)
}

// reuseProbes is how many slots of a key's probe run add looks at for a
// bucket it may forget and put the key in its place.
const reuseProbes = 4

// reusable returns a slot among the first reuseProbes of the probe run from
// the home of hash h, before any empty slot, whose bucket forget reports
// may be forgotten: a key with hash h can take its place, as its lookups
// pass that slot before they reach an empty one, and the lookups of other
// keys are unchanged, as the slot stays in use.
func (t *keyedTable[K]) reusable(h uint64, forget func(bucket) bool) (uint64, bool) {
	if len(t.tags) == 0 {
		return 0, false
	}
	mask := uint64(len(t.tags) - 1)
	i := h & mask
	for range reuseProbes {
		if t.tags[i] == 0 {
			break
		}
		if forget(t.bucket(i)) {
			return i, true
		}
		i = (i + 1) & mask
	}
	return 0, false
}

// replace stores key, whose hash is h, with bucket b in slot i, which is in
// use, forgetting the key there.
func (t *keyedTable[K]) replace(i uint64, h uint64, key K, b bucket) {
	t.tags[i] = tagOf(h)
	t.slots[i] = keyedSlot[K]{key: key, level: b.level}
	t.rest[i] = keyedRest{h: h, due: b.due, owed: b.owed}
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

// sweep removes every slot for which drop reports true, in place: it
// empties those slots, then moves each slot left in a probe run that lost
// one back toward its home. A sweep often empties most of a table, and one
// pass over it costs less than a backward shift for each removal.
func (t *keyedTable[K]) sweep(drop func(bucket) bool) {
	if t.n == 0 {
		return
	}
	// Start after a slot that was empty before the sweep: no probe run
	// crosses it, so every run is handled from its start.
	mask := uint64(len(t.tags) - 1)
	start := uint64(0)
	for t.tags[start] != 0 {
		start++
	}
	dropped := false
	for i, tag := range t.tags {
		if tag != 0 && drop(t.bucket(uint64(i))) {
			t.tags[i], t.slots[i], t.rest[i] = 0, keyedSlot[K]{}, keyedRest{}
			t.n--
			dropped = true
		}
	}
	if !dropped {
		return
	}
	for j := range mask + 1 {
		i := (start + 1 + j) & mask
		if t.tags[i] == 0 || t.rest[i].h&mask == i {
			continue
		}
		// Take the slot out and put it back: it lands at the first free
		// place from its home, which lies at or before i.
		slot, rest := t.slots[i], t.rest[i]
		t.tags[i], t.slots[i], t.rest[i] = 0, keyedSlot[K]{}, keyedRest{}
		t.put(rest.h, slot.key, bucket{level: slot.level, due: rest.due, owed: rest.owed})
	}
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
