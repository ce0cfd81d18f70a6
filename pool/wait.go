package pool

// Wait blocks until every value submitted before the call has been processed,
// or taken out by Stop. Values submitted while Wait blocks are not waited
// for.
//
// If work panicked and no panic handler is set, Wait then re-panics with the
// first *PanicError not yet re-raised, so that the panic reaches the
// goroutine that waits, as it would have reached a goroutine that called
// work itself. The pool stays usable.
func (p *Pool[T]) Wait() {
	p.mu.Lock()
	var w *waiter
	if left := p.submitted - p.completed - p.dropped; left > 0 {
		// Every unfinished value was submitted before this call.
		w = &waiter{end: p.submitted, left: left, done: make(chan struct{})}
		p.waiters = append(p.waiters, w)
		p.waiting.Store(true)
	}
	p.mu.Unlock()
	if w != nil {
		<-w.done
	}
	p.rethrow()
}

// Close stops the pool accepting values: Submit returns ErrClosed from then
// on, and so do submitters blocked on a full queue. Values already queued
// still run (Stop drops them instead). Close returns once they have and every worker goroutine has
// exited. It re-panics like Wait. Close is idempotent: a later call waits
// the same way and returns.
func (p *Pool[T]) Close() {
	p.mu.Lock()
	if !p.closed {
		p.shut()
	}
	exited := p.exited
	p.mu.Unlock()
	<-exited
	p.rethrow()
}

// shut stops the pool accepting values and refuses the blocked submitters.
// The caller holds p.mu.
func (p *Pool[T]) shut() {
	p.closed = true
	p.exited = make(chan struct{})
	for _, s := range p.submitters {
		s.done <- ErrClosed
	}
	p.submitters = nil
	p.wakeAll()
	if p.workers == 0 {
		close(p.exited)
	}
}

// rethrow re-panics with the panic kept for it, if any, and forgets it.
func (p *Pool[T]) rethrow() {
	p.mu.Lock()
	e := p.panicErr
	p.panicErr = nil
	p.mu.Unlock()
	if e != nil {
		panic(e)
	}
}

// finishUpTo records the values of b before index upTo as done.
func (p *Pool[T]) finishUpTo(b *batch[T], upTo uint32) {
	p.mu.Lock()
	p.finish(b, upTo)
	p.mu.Unlock()
}

// finish records the values of b from b.done up to index upTo as done, and
// releases the Wait calls that were waiting for them.
func (p *Pool[T]) finish(b *batch[T], upTo uint32) {
	if upTo <= b.done {
		return
	}
	seq, k := b.seq+uint64(b.done), uint64(upTo-b.done)
	b.done = upTo
	p.completed += k
	p.release(seq, k)
}

// release counts the k values from seq on as done for the Wait calls
// waiting for them, and ends the calls that wait for no more.
func (p *Pool[T]) release(seq, k uint64) {
	if len(p.waiters) == 0 {
		return
	}
	kept := p.waiters[:0]
	for _, w := range p.waiters {
		if seq < w.end {
			w.left -= min(seq+k, w.end) - seq
		}
		if w.left == 0 {
			close(w.done)
			continue
		}
		kept = append(kept, w)
	}
	clear(p.waiters[len(kept):])
	p.waiters = kept
	p.waiting.Store(len(kept) > 0)
}
