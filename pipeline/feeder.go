package pipeline

import (
	"runtime"
	"sync/atomic"
)

// A feeder runs the input sequence on its own goroutine and packs the items
// into chunks for the workers. Only that goroutine uses it.
type feeder[T, R any] struct {
	m    *mapper[T, R]
	fill *int64       // &m.fill
	c    *chunk[T, R] // open chunk, or nil
	buf  []T          // c.in[:limit], or nil
	n    int          // items in c
	base int64        // c's seq << genShift, the fill word of an empty c
	seq  int64        // seq of the next chunk
	free *chunk[T, R] // taken from m.free, linked by next
}

// yield returns the function that the input sequence calls with each item.
// It adds the item to the open chunk and returns false when the loop has
// ended. The common case is inline: one store and one compare-and-swap.
func (f *feeder[T, R]) yield() func(T) bool {
	return func(v T) bool {
		if f.n < len(f.buf) {
			f.buf[f.n] = v
			want := f.base | int64(f.n)
			if atomic.CompareAndSwapInt64(f.fill, want, want+1) {
				f.n++
				if f.n < len(f.buf) {
					return true
				}
				return f.flush()
			}
		}
		return f.pushSlow(v)
	}
}

// pushSlow is push when there is no open chunk or the loop has changed the
// fill word. It repeats yield's store and compare-and-swap rather than share
// a helper with it: with the helper, inlined, P1 measured a fifth slower.
func (f *feeder[T, R]) pushSlow(v T) bool {
	for {
		if f.c == nil && !f.open() {
			return false
		}
		f.buf[f.n] = v
		want := f.base | int64(f.n)
		if atomic.CompareAndSwapInt64(f.fill, want, want+1) {
			f.n++
			if f.n < len(f.buf) {
				return true
			}
			return f.flush()
		}
		s := atomic.LoadInt64(f.fill)
		switch {
		case s&stopBit != 0:
			return false
		case s&sealedBit != 0:
			// The loop took the chunk with the first f.n items; v goes
			// into a new one.
			f.c, f.buf = nil, nil
		case s&hungryBit != 0:
			if atomic.CompareAndSwapInt64(f.fill, s, s+1) {
				f.n++
				return f.flush()
			}
		}
	}
}

// open takes a free chunk and publishes it as the open chunk. It returns
// false when the loop has ended.
func (f *feeder[T, R]) open() bool {
	m := f.m
	c := f.acquire()
	if c == nil {
		return false
	}
	limit := int(atomic.LoadInt64(&m.target))
	if cap(c.in) < limit {
		// Cheap items grow the limit to m.maxItems in a few doublings:
		// allocate for three more at once, so that a chunk is reallocated
		// at most twice on the way, while items that settle on a small
		// limit (a few µs each) do not keep m.maxItems in every chunk.
		// Below 16 items, allocate for 16, so that the chunks the feeder
		// fills ahead while the limit is still small are not reallocated
		// at every doubling.
		size := 16
		if limit > size {
			size = min(8*limit, m.maxItems)
		}
		c.in = make([]T, size)
		c.out = make([]R, size)
	}
	c.in, c.out = c.in[:limit], c.out[:limit]
	// Bring the lines into this core's cache in one sweep: the item stores
	// that follow sit behind a compare-and-swap each, which would otherwise
	// wait for every cache miss.
	clear(c.in)
	c.seq, c.n, c.ok, c.err = f.seq, 0, 0, nil
	atomic.StoreInt64(&c.gen, f.seq)
	m.open.Store(c)
	f.base = f.seq << genShift
	f.seq++
	for {
		s := atomic.LoadInt64(&m.fill)
		if s&stopBit != 0 {
			return false
		}
		if atomic.CompareAndSwapInt64(&m.fill, s, f.base|s&hungryBit) {
			break
		}
	}
	f.c, f.buf, f.n = c, c.in, 0
	return true
}

// acquire takes a chunk from the free list, or makes one while fewer than
// the window exist, or waits for one. It returns nil when the loop has ended.
func (f *feeder[T, R]) acquire() *chunk[T, R] {
	m := f.m
	for {
		if f.free == nil {
			f.free = m.free.take()
		}
		if c := f.free; c != nil {
			f.free = c.next
			return c
		}
		if m.made < m.window {
			m.made++
			return newChunk[T, R](int(atomic.LoadInt64(&m.target)))
		}
		if !m.free.wait(m.wctx.Done()) {
			return nil
		}
	}
}

// flush seals the open chunk and hands it to a worker, unless the loop
// sealed it first and hands it over itself. It seals under handoff and
// sends after releasing it, so that a send that waits for a worker never
// keeps the loop waiting; see mapper.handOff.
func (f *feeder[T, R]) flush() bool {
	m := f.m
	c := f.c
	f.c, f.buf = nil, nil
	m.handoff.Lock()
	sealed, ok := f.seal()
	m.handoff.Unlock()
	if !sealed {
		return ok
	}
	c.n = f.n
	f.send(c)
	return true
}

// send puts c on m.work. When m.work is full, it waits until the workers
// have taken half of it (see mapper.took), not just one chunk: items slow
// enough to go one per chunk would otherwise wake the feeder for every
// item, and with many workers waking goroutines is much of what they cost.
// Once the loop has ended, stop takes the chunks off m.work and wakes the
// feeder until it has returned.
//
// A woken feeder lets the goroutines that are ready run first: the worker
// that woke it puts it next in line, ahead of the other workers woken with
// that one (as sleeping ones are), and half of m.work is still there.
func (f *feeder[T, R]) send(c *chunk[T, R]) {
	m := f.m
	for {
		select {
		case m.work <- c:
			return
		default:
		}
		<-m.room
		runtime.Gosched()
	}
}

// seal closes the open chunk to new items. It reports whether it did so
// (not when the loop sealed it first) and whether the loop goes on.
func (f *feeder[T, R]) seal() (sealed, ok bool) {
	for {
		s := atomic.LoadInt64(f.fill)
		if s&stopBit != 0 {
			return false, false
		}
		if s&sealedBit != 0 {
			return false, true
		}
		if atomic.CompareAndSwapInt64(f.fill, s, (s|sealedBit)&^hungryBit) {
			return true, true
		}
	}
}
