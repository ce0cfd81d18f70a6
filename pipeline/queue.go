package pipeline

import "sync/atomic"

// A queue passes chunks from any number of goroutines to one that takes all
// of them at once. A push is one compare-and-swap and never blocks; a
// channel would take a lock for every chunk on both sides, which costs
// items slow enough to go one per chunk about as much as the rest of their
// way from the feeder to the loop.
type queue[T, R any] struct {
	// head is the chunk pushed last, linked to the earlier ones by next;
	// nil when the queue is empty, and &waiting while the taker waits on
	// an empty queue.
	head    atomic.Pointer[chunk[T, R]]
	waiting chunk[T, R]
	wake    chan struct{} // the push that ends a wait sends on it
}

func (q *queue[T, R]) init() {
	q.wake = make(chan struct{}, 1)
}

// push adds c to the queue, waking the taker if it waits.
func (q *queue[T, R]) push(c *chunk[T, R]) {
	for {
		h := q.head.Load()
		if h == &q.waiting {
			c.next = nil
			if q.head.CompareAndSwap(h, c) {
				q.wake <- struct{}{}
				return
			}
			continue
		}
		c.next = h
		if q.head.CompareAndSwap(h, c) {
			return
		}
	}
}

// take removes every chunk from the queue and returns the first pushed,
// linked by next to the others in the order they were pushed, or nil if
// the queue is empty. Only the taker calls it, never while it waits.
func (q *queue[T, R]) take() *chunk[T, R] {
	if q.head.Load() == nil {
		return nil
	}
	var first *chunk[T, R]
	for c := q.head.Swap(nil); c != nil; {
		next := c.next
		c.next = first
		first = c
		c = next
	}
	return first
}

// wait returns true once the queue is not empty, or false if done is closed
// first. Only the taker calls it.
func (q *queue[T, R]) wait(done <-chan struct{}) bool {
	if !q.head.CompareAndSwap(nil, &q.waiting) {
		return true
	}
	select {
	case <-q.wake:
		return true
	case <-done:
		q.endWait()
		return false
	}
}

// endWait takes the waiting mark back after done ended a wait. If a push
// has replaced it, that push sends on wake: endWait takes its token, so
// that the next wait does not return early.
func (q *queue[T, R]) endWait() {
	if !q.head.CompareAndSwap(&q.waiting, nil) {
		<-q.wake
	}
}
