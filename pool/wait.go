package pool

// Wait blocks until every value submitted before the call has been processed.
// Values submitted while Wait blocks are not waited for.
//
// If work panicked and no panic handler is set, Wait then re-panics with the
// first *PanicError not yet re-raised, so that the panic reaches the
// goroutine that waits, as it would have reached a goroutine that called
// work itself. The pool stays usable.
func (p *Pool[T]) Wait() {
	p.mu.Lock()
	var w *waiter
	if left := p.submitted - p.completed; left > 0 {
		// Every unfinished value was submitted before this call.
		w = &waiter{end: p.submitted, left: left, done: make(chan struct{})}
		p.waiters = append(p.waiters, w)
	}
	p.mu.Unlock()
	if w != nil {
		<-w.done
	}
	p.rethrow()
}

// Close stops the pool accepting values: Submit returns ErrClosed from then
// on, and so do submitters blocked on a full queue. Values already queued
// still run. Close returns once they have and every worker goroutine has
// exited. It re-panics like Wait. Close is idempotent: a later call waits
// the same way and returns.
func (p *Pool[T]) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.exited = make(chan struct{})
		for _, s := range p.submitters {
			s.done <- ErrClosed
		}
		p.submitters = nil
		if p.workers == 0 {
			close(p.exited)
		}
	}
	exited := p.exited
	p.mu.Unlock()
	<-exited
	p.rethrow()
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
