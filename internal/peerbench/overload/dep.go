package main

import (
	"sync"
	"time"
)

// A dependency is the simulated service every row calls: size slots behind
// a FIFO queue. A call waits in the queue for a slot, then holds the slot
// for its service time; when its deadline passes first, it leaves the queue
// or stops its service at once, and fails.
type dependency struct {
	mu    sync.Mutex
	size  int
	busy  int
	queue []*waiter // FIFO; queue[head:] waits
	head  int
}

type waiter struct {
	ready    chan struct{}
	granted  bool
	canceled bool
}

func newDependency(size int) *dependency { return &dependency{size: size} }

// call serves one call of the given service time, giving up at deadline,
// and reports whether it finished before the deadline.
func (d *dependency) call(service time.Duration, deadline *time.Timer) bool {
	if !d.acquire(deadline) {
		return false
	}
	defer d.release()
	t := time.NewTimer(service)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-deadline.C:
		return false
	}
}

func (d *dependency) acquire(deadline *time.Timer) bool {
	d.mu.Lock()
	if d.busy < d.size && d.head == len(d.queue) {
		d.busy++
		d.mu.Unlock()
		return true
	}
	w := &waiter{ready: make(chan struct{})}
	d.queue = append(d.queue, w)
	d.mu.Unlock()
	select {
	case <-w.ready:
		return true
	case <-deadline.C:
		d.mu.Lock()
		granted := w.granted
		w.canceled = true
		d.mu.Unlock()
		if granted {
			d.release()
		}
		return false
	}
}

func (d *dependency) release() {
	d.mu.Lock()
	d.busy--
	d.wake()
	d.mu.Unlock()
}

// resize changes the number of slots; calls in service keep theirs.
func (d *dependency) resize(size int) {
	d.mu.Lock()
	d.size = size
	d.wake()
	d.mu.Unlock()
}

// wake grants free slots to the waiters at the head of the queue; d.mu is held.
func (d *dependency) wake() {
	for d.busy < d.size && d.head < len(d.queue) {
		w := d.queue[d.head]
		d.queue[d.head] = nil
		d.head++
		if w.canceled {
			continue
		}
		w.granted = true
		d.busy++
		close(w.ready)
	}
	if d.head == len(d.queue) {
		d.queue, d.head = d.queue[:0], 0
	} else if d.head > 1024 && d.head > len(d.queue)/2 {
		n := copy(d.queue, d.queue[d.head:])
		clear(d.queue[n:])
		d.queue, d.head = d.queue[:n], 0
	}
}
