package pool

import "slices"

// ring is a FIFO queue of values in a growable circular buffer whose length
// is zero or a power of two. It is not safe for concurrent use; Pool guards
// it with its mutex.
type ring[T any] struct {
	buf  []T
	head int // index of the oldest value
	n    int // number of values
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

func (r *ring[T]) grow() {
	buf := make([]T, max(16, 2*len(r.buf)))
	r.copyTo(buf, r.n)
	r.buf, r.head = buf, 0
}

// copyTo copies the oldest k values, in order, to dst.
func (r *ring[T]) copyTo(dst []T, k int) {
	n := copy(dst[:k], r.buf[r.head:min(r.head+k, len(r.buf))])
	copy(dst[n:k], r.buf[:k-n])
}

// take moves the oldest k values into dst, reusing its array when it has room,
// and clears their slots so that the queue keeps no reference to them.
func (r *ring[T]) take(dst []T, k int) []T {
	dst = slices.Grow(dst[:0], k)[:k]
	r.copyTo(dst, k)
	end := r.head + k
	if end <= len(r.buf) {
		clear(r.buf[r.head:end])
	} else {
		clear(r.buf[r.head:])
		clear(r.buf[:end-len(r.buf)])
	}
	r.head = end & (len(r.buf) - 1)
	r.n -= k
	return dst
}

// drain appends every value, oldest first, to dst, and empties the queue.
func (r *ring[T]) drain(dst []T) []T {
	n := len(dst)
	dst = slices.Grow(dst, r.n)[:n+r.n]
	r.copyTo(dst[n:], r.n)
	clear(r.buf)
	r.head, r.n = 0, 0
	return dst
}

// shrink gives back the buffer of an empty queue if it is larger than
// maxIdleBuf. It is called when a pool goes idle, not each time the queue
// empties, which a busy pool's queue does all the time.
func (r *ring[T]) shrink() {
	if r.n == 0 && len(r.buf) > maxIdleBuf {
		r.buf, r.head = nil, 0
	}
}

// maxIdleBuf is the largest buffer an idle pool's queue keeps.
const maxIdleBuf = 4096
