package pool

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A Pool calls a work function on values submitted to it, on at most size
// goroutines at once. Values wait in a FIFO queue, unbounded by default (see
// SetQueueLimit). Workers start on demand when a value is submitted and
// fewer than size are running. A worker that finds the queue empty exits,
// or sleeps, if fewer than GOMAXPROCS do and another worker is busy, to be
// woken for the next value; sleepers exit with the last busy worker, so an
// idle Pool holds no goroutine.
//
// A Pool must be created with New or NewTasks; the zero value is not usable.
// A Pool is safe for concurrent use by multiple goroutines and must not be
// copied after first use.
//
// Workers take values in FIFO order, several per lock when the queue is long,
// and a worker that finds the queue empty takes over values another worker
// has taken and not started; so a value waits only while size values run.
// A value taken with others may start after one submitted later, though,
// and so work that waits for another value of the same Pool may fill every
// slot and deadlock. Under a queue limit (see SetQueueLimit) workers take
// values one at a time and start them in order: work may then wait for
// another value of the same Pool as long as fewer than size values wait
// that way.
//
// Work that calls Wait, Close or Stop on its own Pool deadlocks, as does
// work that calls Submit on its own Pool while a bounded queue is full;
// Submit with the default unbounded queue never blocks and is safe from
// within work.
type Pool[T any] struct {
	work func(T)

	mu         sync.Mutex
	queue      ring[T]
	size       int // most workers at once
	queueLimit int // < 0: unbounded
	workers    int // live worker goroutines
	idle       int // workers looking for work, holding none
	starting   int // workers started that have not yet looked for work
	spinning   int // idle workers watching the queue
	waking     int // sleeping workers woken that have not yet looked for work
	maxSpin    int // most spinning workers: GOMAXPROCS-1 when New ran
	maxSleep   int // most sleeping workers: GOMAXPROCS when New ran
	sleepers   []*batch[T]
	closed     bool // set by Close and Stop
	exited     chan struct{}
	batches    []*batch[T]     // one per worker
	submitters []*submitter[T] // blocked Submit calls, oldest first
	waiters    []*waiter       // blocked Wait calls
	waiting    atomic.Bool     // len(waiters) > 0: workers report each value done
	handler    func(*PanicError)
	panicErr   *PanicError // first panic not yet re-raised, when handler is nil

	taken     uint64 // values taken from the queue: the seq of its head
	submitted uint64
	completed uint64
	panicked  uint64
	dropped   uint64

	// Written without p.mu, each on a cache line of its own: a core that
	// loads a line another core writes makes every write to it slow, and
	// the submitters write the fields above all the time.
	_      [64]byte
	queued atomic.Int64 // at most queue.len(), for idle workers to watch (see await)
	_      [56]byte
	rests  atomic.Int64 // batches taken with several values that have some not started
	_      [56]byte
}

// submitter is a Submit call blocked on a full queue. Whoever makes room
// moves v into the queue and sends nil on done; Close sends ErrClosed.
type submitter[T any] struct {
	v    T
	done chan error
}

// waiter is a Wait call: it ends when the values with seq below end, left of
// them unfinished, are done.
type waiter struct {
	end  uint64
	left uint64
	done chan struct{}
}

// New returns a Pool that calls work on each submitted value, on at most size
// goroutines at once. It panics if size < 1 or work is nil.
func New[T any](size int, work func(T)) *Pool[T] {
	if size < 1 {
		panic("pool: size < 1")
	}
	if work == nil {
		panic("pool: nil work function")
	}
	procs := runtime.GOMAXPROCS(0)
	return &Pool[T]{work: work, size: size, queueLimit: -1, maxSpin: procs - 1, maxSleep: procs}
}

// NewTasks returns a Pool whose values are functions, each called once, on
// at most size goroutines at once. It panics if size < 1. Submitting a nil
// function is reported like a panic in the function: "pool: nil task".
func NewTasks(size int) *Pool[func()] {
	return New(size, runTask)
}

func runTask(f func()) {
	if f == nil {
		panic("pool: nil task")
	}
	f()
}

// SetQueueLimit bounds the number of values waiting for a worker. With n < 0
// (the default) the queue is unbounded and Submit never blocks. With n == 0
// a value is accepted only when a worker is free to start on it at once, so
// Submit hands values over one by one. With n > 0, up to n values may wait
// beyond those that free workers are about to take: Stats.Queued counts
// exactly those. With a limit, workers take values one at a time, so that
// every value not started counts.
//
// While the limit is reached, Submit blocks, SubmitContext blocks until ctx
// is done, and TrySubmit returns false; blocked submitters are served in
// order. Lowering the limit keeps the values already queued.
func (p *Pool[T]) SetQueueLimit(n int) {
	p.mu.Lock()
	p.queueLimit = n
	p.admit()
	p.mu.Unlock()
}

// Resize sets the most workers that run at once. Growing starts workers for
// queued values and admits blocked submitters at once; shrinking lets the
// surplus workers exit after the values they hold. It panics if size < 1.
func (p *Pool[T]) Resize(size int) {
	if size < 1 {
		panic("pool: size < 1")
	}
	p.mu.Lock()
	p.size = size
	if p.workers > size {
		p.wakeAll() // let the surplus exit now
	}
	p.admit()
	p.spawnFor()
	p.mu.Unlock()
}

// SetPanicHandler sets h to be called, on the worker's goroutine, with each
// panic recovered from work, from then on. With a handler set, Wait and
// Close do not re-panic. A nil h restores the default: Wait or Close
// re-panics with the first panic. h must not panic.
func (p *Pool[T]) SetPanicHandler(h func(*PanicError)) {
	p.mu.Lock()
	p.handler = h
	p.mu.Unlock()
}
