package pool

// spinLoads is how many times a spinning worker loads the queue length,
// about a microsecond's worth, before it goes to sleep. A submitter that is
// only a little slower than the workers refills the queue within that
// time, and the worker takes the values without sleeping and being woken.
const spinLoads = 2000

// awaitBatch is how many values a worker whose last batch was small and
// fast waits a moment for, so that its next take, one lock, gets more.
const awaitBatch = maxBatch / 4

// An idle worker first spins, if fewer than GOMAXPROCS-1 workers do: it
// watches the queue length on its processor, which leaves the others to
// the submitters. It then sleeps until a submitter wakes it, unless it is
// the last worker awake: then it exits, and the last worker to exit wakes
// the sleepers to exit too, so that an idle pool holds no goroutine and no
// timer. An idle worker never yields with runtime.Gosched: a yielding
// goroutine goes to the back of the global run queue, and in a process
// with busy goroutines it would wait for all of them each time, while the
// values it was counted on to take waited for it. A woken worker is queued
// on the waker's processor instead, as a new goroutine would be.

// spin watches the queue until n values are in it, or for spinLoads loads.
// The caller holds p.mu; spin releases it while it spins.
func (p *Pool[T]) spin(n int) {
	p.idle++
	p.spinning++
	p.admit() // an idle worker is room for a hand-off
	p.mu.Unlock()
	p.await(n)
	p.mu.Lock()
	p.idle--
	p.spinning--
}

// await watches the queue, without p.mu, until it holds n values, or for
// spinLoads loads. The queue length it watches is stored as it reaches 1
// and awaitBatch, and after each take: a lower bound, which is all await
// needs.
func (p *Pool[T]) await(n int) {
	for i := 0; i < spinLoads && p.queued.Load() < int64(n); i++ {
	}
}

// sleep waits, with p.mu released, until b's worker is woken, and reports
// whether it was woken to exit. The caller holds p.mu, and another worker
// is awake.
func (p *Pool[T]) sleep(b *batch[T]) (exit bool) {
	p.idle++
	p.sleepers = append(p.sleepers, b)
	p.admit() // an idle worker is room for a hand-off
	p.mu.Unlock()
	<-b.wake
	p.mu.Lock()
	p.idle--
	if b.exit {
		return true
	}
	p.waking--
	return false
}

// lastAwake reports whether the calling worker is the only one not asleep.
func (p *Pool[T]) lastAwake() bool {
	return p.workers-len(p.sleepers) == 1
}

// wake wakes the worker that went to sleep last, to take values, or to exit
// if exit is set. The caller holds p.mu.
func (p *Pool[T]) wake(exit bool) {
	k := len(p.sleepers) - 1
	b := p.sleepers[k]
	p.sleepers[k] = nil
	p.sleepers = p.sleepers[:k]
	b.exit = exit
	if !exit {
		p.waking++
	}
	b.wake <- struct{}{}
}

// wakeAll wakes every sleeping worker, to exit unless there is work for it
// by then. The caller holds p.mu.
func (p *Pool[T]) wakeAll() {
	for len(p.sleepers) > 0 {
		p.wake(true)
	}
}
