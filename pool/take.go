package pool

// take refills b from the queue and reports whether there was anything. A
// worker takes one value at a time under a queue limit, so that the limit
// counts every value not started. Otherwise it takes a size-th of the
// queue, or a whole batch if fast, at most maxBatch: a value left behind a
// blocked one in the batch is stolen by the worker that spawnFor keeps
// looking.
func (p *Pool[T]) take(b *batch[T], fast bool) bool {
	n := p.queue.len()
	if n == 0 {
		return false
	}
	k := 1
	if p.batching() {
		k = min(maxBatch, (n+p.size-1)/p.size)
		if fast {
			k = min(maxBatch, n)
		}
	}
	b.vals = p.queue.take(b.vals, k)
	p.queued.Store(int64(p.queue.len()))
	b.fill(p.taken, k)
	p.taken += uint64(k)
	return true
}

// batching reports whether workers take several values at once: not under
// a queue limit.
func (p *Pool[T]) batching() bool {
	return p.queueLimit < 0
}

// steal refills b with half the unstarted values of the batch that has the
// most, and reports whether there was any.
func (p *Pool[T]) steal(b *batch[T]) bool {
	var victim *batch[T]
	most := 0
	for _, v := range p.batches {
		if n := v.unstarted(); n > most && v != b {
			victim, most = v, n
		}
	}
	return victim != nil && b.stealFrom(victim)
}

// spawnFor makes sure that, while values wait, queued or not started in a
// worker's batch, at least one worker is spinning, starting or waking to
// look for them: it wakes a sleeping worker, or else starts one if fewer
// than size run. One is enough: a worker that finds values takes them and,
// before it starts one, calls spawnFor again, so that if it blocks the next
// one looks. Each worker thus asks for the next, and values spread over up
// to size workers without a worker being started for each value.
func (p *Pool[T]) spawnFor() {
	if p.spinning+p.starting+p.waking > 0 || p.queue.len() == 0 && p.rests.Load() == 0 {
		return
	}
	switch {
	case len(p.sleepers) > 0:
		p.wake(false)
	case p.workers < p.size:
		go p.worker(p.newWorker())
	}
}

// newWorker counts a worker about to start and returns its empty batch.
func (p *Pool[T]) newWorker() *batch[T] {
	p.workers++
	p.starting++
	b := &batch[T]{fresh: true, wake: make(chan struct{}, 1), rests: &p.rests}
	p.batches = append(p.batches, b)
	return b
}

// unregister forgets the batch of a worker that exits.
func (p *Pool[T]) unregister(b *batch[T]) {
	for i, v := range p.batches {
		if v == b {
			last := len(p.batches) - 1
			p.batches[i] = p.batches[last]
			p.batches[last] = nil
			p.batches = p.batches[:last]
			return
		}
	}
}
