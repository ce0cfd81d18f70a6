package pool

import (
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
)

const (
	// maxBatch is the most values a worker takes from the queue at once.
	// Taking several per lock is what makes a tiny task cheap. A worker
	// whose last values were slow takes a size-th of the queue at most, so
	// that slow values are spread over the workers; one whose values took
	// under fastValue each may take a whole batch. Either way, an idle
	// worker steals from a batch whose values have not started.
	maxBatch  = 64
	fastValue = time.Microsecond
)

// worker runs the values of b, then takes more from the queue or from other
// workers' batches until there are none or it is surplus.
func (p *Pool[T]) worker(b *batch[T]) {
	start := time.Now()
	for {
		for p.run(b) {
		}
		// One clock reading per batch: the time since the last one
		// includes taking the batch, which only errs towards slow.
		n := int(b.end())
		now := time.Now()
		fast := now.Sub(start) < time.Duration(n)*fastValue
		start = now
		if !p.next(b, fast && n < awaitBatch, fast) {
			return
		}
	}
}

// run calls work on the values of b it claims, until there are none, and
// returns false; or until one panics, which it recovers and reports, and
// returns true. A call of runtime.Goexit cannot be stopped and ends this
// goroutine: a new one takes over b, so the worker count and the
// accounting of b stay whole. One recovery serves a run of values, not
// each value.
func (p *Pool[T]) run(b *batch[T]) (panicked bool) {
	perr := panics.Call(func() {
		for i, ok := b.claim(); ok; i, ok = b.claim() {
			p.work(b.vals[i])
			if p.waiting.Load() {
				p.finishUpTo(b, uint32(i+1))
			}
		}
	}, func() { go p.worker(b) })
	if perr != nil {
		p.report(b, perr)
		return true
	}
	return false
}

// report hands a recovered panic to the handler, or keeps the first one for
// Wait or Close to re-raise. A panic in the handler is kept the same way;
// a runtime.Goexit in it hands b over to a new goroutine, as in run. The
// value counts as panicked once the handler has returned.
func (p *Pool[T]) report(b *batch[T], e *PanicError) {
	p.mu.Lock()
	h := p.handler
	if h == nil {
		p.keep(e)
		p.countPanic(b)
	}
	p.mu.Unlock()
	if h == nil {
		return
	}
	perr := panics.Call(func() { h(e) }, func() {
		p.mu.Lock()
		p.countPanic(b)
		p.mu.Unlock()
		go p.worker(b)
	})
	p.mu.Lock()
	if perr != nil {
		p.keep(perr)
	}
	p.countPanic(b)
	p.mu.Unlock()
}

// countPanic counts the value of b whose call of work panicked, the last
// one its owner claimed, in Panicked and as done, together, so that no
// snapshot counts it as panicked and not completed. The caller holds p.mu
// and runs for b's owner.
func (p *Pool[T]) countPanic(b *batch[T]) {
	p.panicked++
	next, _ := unpack(b.span.Load())
	p.finish(b, next)
}

// keep records e for Wait or Close to re-raise, unless one is kept already.
func (p *Pool[T]) keep(e *PanicError) {
	if p.panicErr == nil {
		p.panicErr = e
	}
}

// next records b as done and refills it from the queue or by stealing, a
// large batch if fast. If small is set, the last batch was small and fast:
// the submitters barely keep ahead, so the worker first gives them a moment
// to queue a few more values, that one lock then takes. next returns false
// when the worker must exit.
func (p *Pool[T]) next(b *batch[T], small, fast bool) bool {
	p.mu.Lock()
	if b.fresh {
		b.fresh = false
		p.starting--
	}
	p.finish(b, b.end())
	clear(b.vals)
	if small && p.batching() && p.queue.len() < awaitBatch && p.spinning < p.maxSpin {
		p.spin(awaitBatch)
	}
	for spun, exit := false, false; ; {
		if p.workers > p.size {
			break // surplus after Resize
		}
		if p.take(b, fast) || p.steal(b) {
			p.admit() // wakes a worker to cover b too (see spawnFor)
			p.mu.Unlock()
			return true
		}
		if p.closed || exit {
			break
		}
		if !spun && p.spinning < p.maxSpin {
			p.spin(1)
			spun = true
			continue
		}
		if p.lastAwake() || len(p.sleepers) >= p.maxSleep {
			break
		}
		exit = p.sleep(b)
		spun = false
	}
	p.leave(b)
	p.mu.Unlock()
	return false
}

// leave counts out the worker of b, which exits. The caller holds p.mu.
func (p *Pool[T]) leave(b *batch[T]) {
	p.workers--
	p.unregister(b)
	if p.workers == len(p.sleepers) {
		p.wakeAll() // no worker is left awake to wake them
	}
	p.admit() // a worker fewer may be room below the limit
	if p.workers == 0 {
		p.queue.shrink() // idle: a burst is over
		if p.closed {
			close(p.exited)
		}
	}
}
