package limit

import "sync"

// A waiter is one call blocked in Acquire, linked into a FIFO queue.
//
// The struct is recycled through waiterPool, but its channel is made anew
// for every wait: a channel made in a testing/synctest bubble may not be
// used outside it, and a pool is shared by every bubble of the process.
type waiter struct {
	n          int64         // units wanted (Semaphore); 1 for Adaptive
	ready      chan struct{} // receives one value when granted
	granted    bool          // set under the owner's mutex with the send
	tk         *ticket       // Adaptive: the grant's ticket
	prev, next *waiter
}

var waiterPool = sync.Pool{New: func() any { return new(waiter) }}

func getWaiter(n int64) *waiter {
	w := waiterPool.Get().(*waiter)
	w.n = n
	w.ready = make(chan struct{}, 1)
	return w
}

// putWaiter recycles w, which must be out of every queue.
func putWaiter(w *waiter) {
	*w = waiter{}
	waiterPool.Put(w)
}
