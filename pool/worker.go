package pool

import (
	"runtime"
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
)

const (
	// maxBatch is the most values a worker takes from the queue at once.
	// Taking several per lock is what makes a tiny task cheap. A worker
	// whose last values were slow takes a size-th of the queue at most, so
	// that slow values are spread over all workers; one whose values took
	// under fastValue each may take a whole batch, as a batch of them
	// cannot hold the others up for long.
	maxBatch  = 64
	fastValue = time.Microsecond

	// lingerYields is how many times a worker that found the queue empty
	// yields the processor before it exits. A submitter that is only a
	// little slower than the workers then refills the queue for the same
	// worker instead of paying for a new goroutine per value.
	lingerYields = 8
)

// worker runs batch[from:], whose first value has sequence number seq, then
// takes batches from the queue until there are none or it is surplus. A new
// worker starts with a nil batch.
func (p *Pool[T]) worker(batch []T, seq uint64, from int) {
	for {
		start := time.Now()
		for from < len(batch) {
			from = p.runFrom(batch, seq, from)
		}
		fast := time.Since(start) < time.Duration(len(batch))*fastValue
		var ok bool
		if batch, seq, ok = p.next(batch, seq, fast); !ok {
			return
		}
		from = 0
	}
}

// runFrom calls work on batch[i:]. It returns len(batch), or the index after
// a value whose work panicked, the panic recovered and reported.
func (p *Pool[T]) runFrom(batch []T, seq uint64, i int) (next int) {
	defer func() {
		if i == len(batch) {
			return
		}
		if v := recover(); v != nil {
			p.report(panics.New(v))
			next = i + 1
			return
		}
		// work called runtime.Goexit, which cannot be stopped: this
		// goroutine ends. A new one takes over the rest of the batch, so
		// the worker count and the accounting of the batch stay whole.
		go p.worker(batch, seq, i+1)
	}()
	for ; i < len(batch); i++ {
		p.work(batch[i])
	}
	return i
}

// next records batch, whose first value has sequence number seq, as done and
// takes the next one, a large one if fast. It returns ok == false when the worker must exit.
func (p *Pool[T]) next(batch []T, seq uint64, fast bool) (_ []T, _ uint64, ok bool) {
	clear(batch)
	p.mu.Lock()
	if batch == nil {
		p.starting--
	}
	p.finish(seq, uint64(len(batch)))
	for lingered := false; ; lingered = true {
		if p.workers > p.size {
			break // surplus after Resize
		}
		if n := p.queue.len(); n > 0 {
			k := min(maxBatch, (n+p.size-1)/p.size)
			if fast {
				k = min(maxBatch, n)
			}
			seq = p.taken
			p.taken += uint64(k)
			batch = p.queue.take(batch, k)
			p.admit()
			p.mu.Unlock()
			return batch, seq, true
		}
		if p.closed || lingered {
			break
		}
		p.idle++
		p.admit() // an idle worker is room for a hand-off
		p.mu.Unlock()
		for range lingerYields {
			runtime.Gosched()
		}
		p.mu.Lock()
		p.idle--
	}
	p.workers--
	if p.workers == 0 && p.closed {
		close(p.exited)
	}
	p.mu.Unlock()
	return nil, 0, false
}

// finish records the k values from sequence number seq on as done, and
// releases the Wait calls that were waiting for them.
func (p *Pool[T]) finish(seq, k uint64) {
	p.completed += k
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
}

// report hands a recovered panic to the handler, or keeps the first one for
// Wait or Close to re-raise.
func (p *Pool[T]) report(e *PanicError) {
	p.mu.Lock()
	p.panicked++
	h := p.handler
	if h == nil && p.panicErr == nil {
		p.panicErr = e
	}
	p.mu.Unlock()
	if h != nil {
		h(e)
	}
}
