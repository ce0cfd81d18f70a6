package pool

// Stats is a snapshot of a Pool, taken under its lock, so that the counts
// add up in every snapshot:
//
//	Submitted = Completed + Running + Queued + Dropped
//
// Every accepted value is in exactly one of the four. A value whose call
// of work panicked counts in Completed and in Panicked together, once the
// panic handler (if any) has returned, so Panicked never exceeds Completed. A value whose call of work called runtime.Goexit counts in
// Completed only (the worker's goroutine exits, and a new one takes its
// place).
//
// Running counts the values that have a worker: those whose call of work
// has started, and those that a worker free to take them (idle, or not yet
// started, below Size) is about to start. So right after the first Submit
// to a fresh pool, Running is 1 and Queued is 0. A value whose call has
// just returned counts as running until its worker looks for the next one,
// and one whose call panicked counts as running while the panic handler
// runs; in a snapshot taken while every worker is blocked in work or
// asleep, Running is the number of calls of work in progress.
//
// Queued counts the values that wait for a worker beyond those: exactly
// the count that the queue limit bounds (see SetQueueLimit). While Submit
// accepts a value without blocking, Queued stays at most the limit;
// lowering the limit, or the size with Resize, keeps the values already
// queued, so Queued may then exceed the new limit until workers take them.
// Without a limit, Queued includes values a worker has taken with others
// and not yet started.
//
// The counters since New are exact: once Wait has returned, Completed plus
// Dropped is at least the Submitted it waited for.
type Stats struct {
	Size    int // most workers at once, as set by New or Resize
	Workers int // live worker goroutines
	Running int // values started, or about to be by a free worker, not yet completed
	Queued  int // values waiting for a worker: what the queue limit bounds

	Submitted uint64 // values accepted by Submit, SubmitContext and TrySubmit
	Completed uint64 // values whose call of work has ended, panicked or not
	Panicked  uint64 // values whose call of work panicked (also in Completed)
	Dropped   uint64 // values that Stop took out of the queue without running them
}

// Stats returns a snapshot of the pool's state and counters.
func (p *Pool[T]) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{
		Size:      p.size,
		Workers:   p.workers,
		Submitted: p.submitted,
		Completed: p.completed,
		Panicked:  p.panicked,
		Dropped:   p.dropped,
	}
	// Each value taken from the queue and not counted as completed is in
	// a batch, between b.done and its end. Of those, the values before
	// the last one claimed have ended; the worker holds one, running or
	// about to claim it; the rest wait.
	waiting := p.queue.len()
	for _, b := range p.batches {
		next, end := unpack(b.span.Load())
		if end <= b.done {
			continue
		}
		s.Running++
		if next > b.done {
			s.Completed += uint64(next - b.done - 1)
			waiting += int(end - next)
		} else {
			waiting += int(end-b.done) - 1
		}
	}
	// Free workers, idle or not yet started, take one waiting value each.
	free := max(0, p.size-p.workers+p.idle+p.starting)
	handed := min(waiting, free)
	s.Running += handed
	s.Queued = waiting - handed
	return s
}
