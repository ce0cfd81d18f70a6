package limit

import (
	"context"
	"sync"
	"sync/atomic"
)

// A Semaphore bounds the combined weight of the calls that hold it at once.
// It is golang.org/x/sync/semaphore's Weighted, with the same meaning for
// Acquire, TryAcquire and Release, plus Resize, Size and InUse.
//
// Waiters are served in FIFO order: a request that does not fit waits at the
// head of the queue and holds back every request behind it, even smaller ones
// that would fit (the head-of-line effect of golang/go#56910). This keeps a
// large request from starving behind a stream of small ones, as a writer
// taking the whole size of a read-write lock would. A request larger than
// Size itself is the exception: it cannot be served until a Resize, so it
// waits aside and holds nobody back; when a Resize makes it fit, it joins
// the end of the queue.
//
// The zero value is a Semaphore of size 0 (Resize can grow it); NewSemaphore
// makes one of a given size. A Semaphore is safe for concurrent use and must
// not be copied after first use.
type Semaphore struct {
	// avail is Size - InUse while nobody is queued and InUse <= Size: then
	// Acquire and Release are one compare-and-swap on it and take no lock.
	// Otherwise it is slowMode, and the state is cur and the queues, under
	// mu. Only code holding mu moves it from one mode to the other.
	avail atomic.Int64
	size  atomic.Int64 // written under mu only

	mu      sync.Mutex
	cur     int64     // units held; valid in slow mode only
	waiters waitQueue // requests that fit Size, FIFO
	aside   waitQueue // requests larger than Size, in arrival order
}

const slowMode = -1

// NewSemaphore returns a Semaphore of the given size. It panics if size < 0.
func NewSemaphore(size int64) *Semaphore {
	if size < 0 {
		panic("limit: size < 0")
	}
	s := &Semaphore{}
	s.size.Store(size)
	s.avail.Store(size)
	return s
}

// Acquire takes n units, waiting in FIFO order until they are free or ctx
// is done. On success it returns nil. Otherwise it returns
// context.Cause(ctx) and leaves the semaphore as it was: a waiter that gives
// up takes nothing. If ctx is done already, Acquire fails even when the
// units are free. A request larger than Size waits, without holding smaller
// ones back, until a Resize lets it fit or ctx is done.
//
// Acquire panics if ctx is nil or n < 0.
func (s *Semaphore) Acquire(ctx context.Context, n int64) error {
	if ctx == nil {
		panic("limit: nil context")
	}
	if n < 0 {
		panic("limit: n < 0")
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return context.Cause(ctx)
		default:
		}
	}
	for v := s.avail.Load(); v >= n; v = s.avail.Load() {
		if s.avail.CompareAndSwap(v, v-n) {
			return nil
		}
	}
	return s.acquireSlow(ctx, n, done)
}

func (s *Semaphore) acquireSlow(ctx context.Context, n int64, done <-chan struct{}) error {
	s.mu.Lock()
	s.enterSlow()
	size := s.size.Load()
	if s.waiters.len == 0 && size-s.cur >= n {
		s.cur += n
		s.leaveSlow()
		s.mu.Unlock()
		return nil
	}
	w := getWaiter(n)
	if n > size {
		s.aside.push(w)
	} else {
		s.waiters.push(w)
	}
	s.leaveSlow()
	s.mu.Unlock()

	select {
	case <-w.ready:
		putWaiter(w)
		// As x/sync does: a grant that raced with ctx loses to it.
		select {
		case <-done:
			s.Release(n)
			return context.Cause(ctx)
		default:
			return nil
		}
	case <-done:
		s.giveUp(w)
		return context.Cause(ctx)
	}
}

// giveUp takes w, whose ctx is done, out of the queue, or gives back what a
// grant that came meanwhile gave it.
func (s *Semaphore) giveUp(w *waiter) {
	s.mu.Lock()
	s.enterSlow()
	switch {
	case w.granted:
		s.cur -= w.n
	case w.n > s.size.Load():
		s.aside.remove(w)
	default:
		s.waiters.remove(w)
	}
	// Units freed, or a head waiter gone, may let the next waiters in.
	s.notify()
	s.leaveSlow()
	s.mu.Unlock()
	putWaiter(w)
}

// TryAcquire takes n units if they are free and nobody waits for them, and
// reports whether it did. It never waits. It panics if n < 0.
func (s *Semaphore) TryAcquire(n int64) bool {
	if n < 0 {
		panic("limit: n < 0")
	}
	for {
		v := s.avail.Load()
		if v == slowMode {
			break
		}
		if v < n {
			return false
		}
		if s.avail.CompareAndSwap(v, v-n) {
			return true
		}
	}
	s.mu.Lock()
	s.enterSlow()
	ok := s.waiters.len == 0 && s.size.Load()-s.cur >= n
	if ok {
		s.cur += n
	}
	s.leaveSlow()
	s.mu.Unlock()
	return ok
}

// Release gives back n units and wakes the waiters that now fit, in FIFO
// order. It panics if n < 0 or if more units would be released than are held.
func (s *Semaphore) Release(n int64) {
	if n < 0 {
		panic("limit: n < 0")
	}
	for v := s.avail.Load(); v != slowMode; v = s.avail.Load() {
		if v+n > s.size.Load() || v+n < v {
			panic("limit: released more than held")
		}
		if s.avail.CompareAndSwap(v, v+n) {
			return
		}
	}
	s.mu.Lock()
	s.enterSlow()
	if s.cur < n {
		s.leaveSlow()
		s.mu.Unlock()
		panic("limit: released more than held")
	}
	s.cur -= n
	s.notify()
	s.leaveSlow()
	s.mu.Unlock()
}

// Resize sets the size to size at once, while units are held. Growing wakes
// the waiters that now fit, in FIFO order. Shrinking below InUse takes
// nothing back from the holders: nobody gets in until releases bring InUse
// under the new size. Waiters larger than the new size step aside and stop
// holding smaller ones back. Resize panics if size < 0.
func (s *Semaphore) Resize(size int64) {
	if size < 0 {
		panic("limit: size < 0")
	}
	s.mu.Lock()
	s.enterSlow()
	s.size.Store(size)
	// Waiters move between the queues keeping their order; one coming back
	// from aside joins the end of the queue.
	for w := s.waiters.head; w != nil; {
		next := w.next
		if w.n > size {
			s.waiters.remove(w)
			s.aside.push(w)
		}
		w = next
	}
	for w := s.aside.head; w != nil; {
		next := w.next
		if w.n <= size {
			s.aside.remove(w)
			s.waiters.push(w)
		}
		w = next
	}
	s.notify()
	s.leaveSlow()
	s.mu.Unlock()
}

// Size returns the size: the most units that can be held at once.
func (s *Semaphore) Size() int64 { return s.size.Load() }

// InUse returns how many units are held. After a Resize that shrank the
// semaphore it can be larger than Size.
func (s *Semaphore) InUse() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.avail.Load(); v != slowMode {
		return s.size.Load() - v
	}
	return s.cur
}

// enterSlow moves the semaphore to slow mode, where no compare-and-swap
// succeeds and cur is exact. It must be called with mu held.
func (s *Semaphore) enterSlow() {
	for {
		v := s.avail.Load()
		if v == slowMode {
			return
		}
		if s.avail.CompareAndSwap(v, slowMode) {
			s.cur = s.size.Load() - v
			return
		}
	}
}

// leaveSlow returns to fast mode when nobody is queued and InUse <= Size.
// It must be called with mu held, in slow mode.
func (s *Semaphore) leaveSlow() {
	if size := s.size.Load(); s.waiters.len == 0 && s.cur <= size {
		s.avail.Store(size - s.cur)
	}
}

// notify grants the waiters at the head of the queue that fit, in order,
// and stops at the first one that does not. It must be called with mu held,
// in slow mode.
func (s *Semaphore) notify() {
	size := s.size.Load()
	for w := s.waiters.head; w != nil && size-s.cur >= w.n; w = s.waiters.head {
		s.cur += w.n
		s.waiters.grant(w)
	}
}
