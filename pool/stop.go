package pool

import (
	"cmp"
	"slices"
)

// Stop stops the pool accepting values, as Close does: Submit returns
// ErrClosed from then on, and so do submitters blocked on a full queue.
// Unlike Close, it takes the values that have not started out of the queue
// without running them, and returns them in the order they were queued;
// Stats counts them in Dropped. Stop returns once the values already
// running have finished and every worker goroutine has exited.
//
// If work panicked and no panic handler is set, Stop then re-panics like
// Close, with the first *PanicError; the values it took out are then not
// returned (Stats still counts them). Stop after Close, or after Stop,
// waits the same way and returns nil. Work that calls Stop on its own Pool
// deadlocks.
func (p *Pool[T]) Stop() []T {
	p.mu.Lock()
	var dropped []T
	if !p.closed {
		dropped = p.drop()
		p.shut()
	}
	exited := p.exited
	p.mu.Unlock()
	<-exited
	p.rethrow()
	return dropped
}

// segment is a run of values not started, from a worker's batch, with the
// sequence number of the first.
type segment[T any] struct {
	seq  uint64
	vals []T
}

// drop takes every value not started out of the workers' batches and the
// queue, counts them as dropped, and returns them in queue order. The
// caller holds p.mu.
func (p *Pool[T]) drop() []T {
	var segs []segment[T]
	for _, b := range p.batches {
		if s, ok := b.takeRest(); ok {
			segs = append(segs, s)
		}
	}
	// Values in batches were taken from the queue before those still in
	// it, so they come first, in the order of their sequence numbers.
	slices.SortFunc(segs, func(a, b segment[T]) int {
		return cmp.Compare(a.seq, b.seq)
	})
	n := p.queue.len()
	for _, s := range segs {
		n += len(s.vals)
	}
	if n == 0 {
		return nil
	}
	vals := make([]T, 0, n)
	for _, s := range segs {
		vals = append(vals, s.vals...)
		p.release(s.seq, uint64(len(s.vals)))
	}
	if k := p.queue.len(); k > 0 {
		vals = p.queue.drain(vals)
		p.queued.Store(0)
		p.release(p.taken, uint64(k))
		p.taken += uint64(k)
	}
	p.dropped += uint64(n)
	return vals
}
