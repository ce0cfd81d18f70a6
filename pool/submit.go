package pool

import (
	"context"
	"slices"
)

// Submit queues v for a worker. It blocks only while a bounded queue is full
// (see SetQueueLimit). It returns ErrClosed, and drops v, once Close has been
// called; a Submit racing with Close either queues v, which then runs before
// Close returns, or returns ErrClosed. It never panics.
func (p *Pool[T]) Submit(v T) error {
	p.mu.Lock()
	if done, err := p.tryPush(v); done {
		p.mu.Unlock()
		return err
	}
	return p.block(context.Background(), v)
}

// SubmitContext is like Submit but gives up when ctx is done before v is
// queued: it then returns context.Cause(ctx) and leaves the queue unchanged.
// A ctx that is already done fails even if there is room. It panics if ctx
// is nil.
func (p *Pool[T]) SubmitContext(ctx context.Context, v T) error {
	if ctx == nil {
		panic("pool: nil context")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	p.mu.Lock()
	if done, err := p.tryPush(v); done {
		p.mu.Unlock()
		return err
	}
	return p.block(ctx, v)
}

// tryPush queues v if that needs no waiting, or reports ErrClosed, and
// reports whether it is done. The caller holds p.mu.
func (p *Pool[T]) tryPush(v T) (done bool, err error) {
	if p.closed {
		return true, ErrClosed
	}
	if len(p.submitters) > 0 || !p.hasRoom() {
		return false, nil
	}
	p.push(v)
	p.spawnFor()
	return true, nil
}

// block waits, in line behind the submitters already waiting, until v is
// queued, Close refuses it, or ctx is done. The caller holds p.mu; block
// releases it.
func (p *Pool[T]) block(ctx context.Context, v T) error {
	s := &submitter[T]{v: v, done: make(chan error, 1)}
	p.submitters = append(p.submitters, s)
	p.mu.Unlock()

	select {
	case err := <-s.done:
		return err
	case <-ctx.Done():
	}
	p.mu.Lock()
	for i, w := range p.submitters {
		if w == s {
			p.submitters = slices.Delete(p.submitters, i, i+1)
			p.mu.Unlock()
			return context.Cause(ctx)
		}
	}
	p.mu.Unlock()
	return <-s.done // v was queued, or refused by Close, while ctx ended
}

// TrySubmit queues v if that needs no waiting, and reports whether it did.
// It returns false when the queue is full, when submitters are blocked
// ahead of it, and after Close.
func (p *Pool[T]) TrySubmit(v T) bool {
	p.mu.Lock()
	done, err := p.tryPush(v)
	p.mu.Unlock()
	return done && err == nil
}

// hasRoom reports whether one more value fits in the queue: the values
// waiting may exceed the limit by the number of workers free to take them,
// idle, starting or yet to be started.
func (p *Pool[T]) hasRoom() bool {
	free := p.size - p.workers + p.idle + p.starting
	return p.queueLimit < 0 || p.queue.len() < p.queueLimit+free
}

func (p *Pool[T]) push(v T) {
	p.queue.push(v)
	// queued is stored only as the queue reaches the lengths that idle
	// workers wait for (see await), not on every push: a store on a
	// cache line that another core watches costs as much as the rest
	// of a push.
	if n := p.queue.len(); n == 1 || n == awaitBatch {
		p.queued.Store(int64(n))
	}
	p.submitted++
}

// admit moves the values of blocked submitters into the queue while there
// is room, oldest first, and starts the workers they need. It is called
// whenever room may have grown.
func (p *Pool[T]) admit() {
	for len(p.submitters) > 0 && p.hasRoom() {
		s := p.submitters[0]
		p.submitters[0] = nil
		p.submitters = p.submitters[1:]
		p.push(s.v)
		s.done <- nil
	}
	p.spawnFor()
}
