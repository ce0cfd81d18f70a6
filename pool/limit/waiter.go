package limit

import "sync"

// A waiter is one call blocked in Acquire, linked into a FIFO queue. Waiters
// are recycled through waiterPool so that a call that waits allocates
// nothing in steady state; ready is buffered so the one send that grants a
// waiter never blocks, and a waiter that gave up after being granted can
// drain it before the waiter is reused.
type waiter struct {
	n          int64         // units wanted (Semaphore); 1 for Adaptive
	ready      chan struct{} // receives one value when granted
	granted    bool          // set under the owner's mutex with the send
	tk         *ticket       // Adaptive: the grant's ticket
	prev, next *waiter
}

var waiterPool = sync.Pool{New: func() any { return &waiter{ready: make(chan struct{}, 1)} }}

func getWaiter(n int64) *waiter {
	w := waiterPool.Get().(*waiter)
	w.n = n
	return w
}

// putWaiter recycles w, which must be out of every queue. A value left in
// ready by a grant the waiter did not take is drained first.
func putWaiter(w *waiter) {
	select {
	case <-w.ready:
	default:
	}
	*w = waiter{ready: w.ready}
	waiterPool.Put(w)
}
