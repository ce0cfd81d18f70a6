package pool

import "sync/atomic"

// A batch holds the values a worker has taken from the queue. The worker
// starts them in order, claiming one at a time with a compare-and-swap on
// span; a worker that finds the queue empty steals the unstarted second half
// under the pool's mutex. So a value waits in one worker's batch only while
// size values run.
//
// vals, seq and done change only under the pool's mutex, by the owner; the
// owner reads vals[i] without it once it has claimed i.
type batch[T any] struct {
	vals  []T
	seq   uint64        // sequence number of vals[0]
	span  atomic.Uint64 // next<<32 | end: vals[next:end] are not started
	done  uint32        // vals[:done] are counted as finished
	fresh bool          // the worker has not yet looked for work

	// wake receives one value when the sleeping worker is woken, to exit
	// if exit is set (under the pool's mutex, before the send).
	wake chan struct{}
	exit bool

	// counted is set while b, taken with more than one value, has values
	// not started, and is then counted in *rests (see Pool.rests).
	counted atomic.Bool
	rests   *atomic.Int64
}

func pack(next, end uint32) uint64 { return uint64(next)<<32 | uint64(end) }

func unpack(s uint64) (next, end uint32) { return uint32(s >> 32), uint32(s) }

// claim returns the index of the next unstarted value and marks it started,
// or returns false when there is none.
func (b *batch[T]) claim() (int, bool) {
	for {
		s := b.span.Load()
		next, end := unpack(s)
		if next >= end {
			return 0, false
		}
		if b.span.CompareAndSwap(s, pack(next+1, end)) {
			if next+1 == end {
				b.uncount()
			}
			return int(next), true
		}
	}
}

// unstarted returns how many values of b are not started.
func (b *batch[T]) unstarted() int {
	next, end := unpack(b.span.Load())
	return int(end) - int(min(next, end))
}

// end returns the index after the last value the owner may still start.
func (b *batch[T]) end() uint32 {
	_, end := unpack(b.span.Load())
	return end
}

// fill makes b hold vals with sequence numbers from seq on, none started.
// vals may alias b.vals.
func (b *batch[T]) fill(seq uint64, k int) {
	b.seq, b.done = seq, 0
	b.span.Store(pack(0, uint32(k)))
	if k > 1 {
		b.counted.Store(true)
		b.rests.Add(1)
	}
}

// uncount takes b out of the count of batches with values not started,
// once its last value has been claimed or stolen.
func (b *batch[T]) uncount() {
	if b.counted.CompareAndSwap(true, false) {
		b.rests.Add(-1)
	}
}

// stealFrom moves the unstarted second half of v's values, at least one, to
// b, and reports whether there were any. Both batches' owners must be held
// off by the pool's mutex, which the caller holds.
func (b *batch[T]) stealFrom(v *batch[T]) bool {
	for {
		s := v.span.Load()
		next, end := unpack(s)
		if next >= end {
			return false
		}
		mid := next + (end-next)/2
		if v.span.CompareAndSwap(s, pack(next, mid)) {
			if mid == next {
				v.uncount()
			}
			b.vals = append(b.vals[:0], v.vals[mid:end]...)
			b.fill(v.seq+uint64(mid), int(end-mid))
			return true
		}
	}
}

// takeRest takes the values of b not started, so that its owner starts
// none of them, and returns them, with the sequence number of the first,
// in a segment that aliases b.vals. It reports whether there were any. The
// caller holds the pool's mutex, which keeps b.vals as it is.
func (b *batch[T]) takeRest() (segment[T], bool) {
	for {
		s := b.span.Load()
		next, end := unpack(s)
		if next >= end {
			return segment[T]{}, false
		}
		if b.span.CompareAndSwap(s, pack(next, next)) {
			b.uncount()
			return segment[T]{seq: b.seq + uint64(next), vals: b.vals[next:end]}, true
		}
	}
}
