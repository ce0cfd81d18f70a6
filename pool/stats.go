package pool

// Stats is a snapshot of a Pool. The counters since New are exact: once Wait
// has returned, Completed equals the Submitted it waited for.
type Stats struct {
	Size    int // most workers at once, as set by New or Resize
	Workers int // live worker goroutines
	Running int // workers holding values taken from the queue
	Queued  int // values not started yet

	Submitted uint64 // values accepted by Submit, SubmitContext and TrySubmit
	Completed uint64 // values whose call of work has ended, panicked or not
	Panicked  uint64 // values whose call of work panicked
}

// Stats returns the pool's current statistics.
func (p *Pool[T]) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{
		Size:      p.size,
		Workers:   p.workers,
		Running:   p.workers - p.idle,
		Queued:    p.queue.len() + p.unstarted(),
		Submitted: p.submitted,
		Completed: p.completed,
		Panicked:  p.panicked,
	}
}
