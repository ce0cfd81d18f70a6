package limit

// waitQueue is a doubly linked FIFO of waiters. The zero value is empty.
type waitQueue struct {
	head, tail *waiter
	len        int
}

func (q *waitQueue) push(w *waiter) {
	w.prev, w.next = q.tail, nil
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
	q.len++
}

func (q *waitQueue) remove(w *waiter) {
	if w.prev == nil {
		q.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
	q.len--
}

// grant removes w from q and wakes it.
func (q *waitQueue) grant(w *waiter) {
	q.remove(w)
	w.granted = true
	w.ready <- struct{}{}
}
