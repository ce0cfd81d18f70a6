package group

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/gopatterns/concurrency/internal/panics"
)

// maxChunk is the most elements a worker of Map claims at once. Workers
// claim a share of what is left (see claim), so chunks shrink towards the
// end of the slice and the workers finish together.
const maxChunk = 512

// A mapper is one call of Map, ForEach or MapAll: its workers claim ranges
// of indices from next and write their results in place.
type mapper[T, R any] struct {
	parent  context.Context // the caller's ctx
	ctx     context.Context // passed to f; cancelled at the first failure
	cancel  context.CancelCauseFunc
	items   []T
	out     []R
	all     bool // MapAll: go on after an error, keeping it with its item
	f       func(context.Context, T) (R, error)
	workers int
	halt    atomic.Bool // set when m.ctx is done or f failed: start no f

	_    [64]byte     // keeps next off the cache line of the fields above
	next atomic.Int64 // first unclaimed index
	_    [56]byte

	errs    atomic.Pointer[[]error] // MapAll: every item's error, made at the first
	stopped atomic.Bool             // a worker stopped because of halt
	wg      sync.WaitGroup          // the workers
	watcher sync.WaitGroup          // the AfterFunc that sets halt

	mu   sync.Mutex
	err  error       // the first error
	perr *PanicError // the first panic
}

// span is the part [lo, hi) of a claimed range that a worker has not
// processed yet.
type span struct{ lo, hi int }

// run starts the workers and returns when they and the AfterFunc that
// watches m.ctx have all returned.
//
// The workers test the halt flag, not ctx.Err, before each call of f: a
// method call through the Context interface costs more than a trivial f.
// A cancellation of m.ctx reaches the flag through AfterFunc; an error of f
// sets it directly.
func (m *mapper[T, R]) run() {
	m.watcher.Add(1)
	stopWatch := context.AfterFunc(m.ctx, func() {
		defer m.watcher.Done()
		m.halt.Store(true)
	})
	m.wg.Add(m.workers)
	for range m.workers {
		go m.work(span{})
	}
	m.wg.Wait()
	if stopWatch() {
		m.watcher.Done() // the AfterFunc never runs
	}
	m.watcher.Wait()
}

// work calls f on the elements of rest, then on ranges of elements it
// claims, until none is left or m.ctx is done. A panic of f is recovered
// once per worker, not per call of f: it ends the worker. panics.Call
// tells it from runtime.Goexit, which recover alone cannot do under
// GODEBUG=panicnil=1, where it returns nil for panic(nil).
func (m *mapper[T, R]) work(rest span) {
	defer m.wg.Done()
	perr := panics.Call(func() { m.loop(&rest) }, func() { m.goexit(rest) })
	if perr != nil {
		m.panicked(perr)
	}
}

// loop is the body of work. It leaves in *rest the elements of its range
// after the one it was at when it ended, for goexit.
func (m *mapper[T, R]) loop(rest *span) {
	ctx, f, halt := m.ctx, m.f, &m.halt
	lo, hi, k := rest.lo, rest.hi, 0
	defer func() { rest.lo, rest.hi = lo+k+1, hi }()
	for {
		if lo >= hi {
			if lo, hi = m.claim(); lo >= hi {
				return
			}
		}
		if ctx.Err() != nil {
			// The AfterFunc has not run yet (it may wait for this
			// very P): a chunk never starts on a done ctx.
			halt.Store(true)
		}
		items, out := m.items[lo:hi], m.out[lo:hi]
		for k = range items {
			// One atomic load per element: once ctx is done or f has
			// failed no call of f starts, not just no chunk.
			if halt.Load() {
				m.skip(lo+k, hi)
				return
			}
			v, err := f(ctx, items[k])
			out[k] = v
			if err != nil && !m.failed(lo+k, err) {
				return
			}
		}
		lo, k = hi, 0
	}
}

// claim takes the next range [lo, hi) of indices; lo >= hi when none is
// left. A range is a quarter of each worker's share of what is left,
// between 1 and maxChunk: large while there is much to do, so the shared
// counter is touched rarely, and small at the end, so no worker is left
// with a long tail.
func (m *mapper[T, R]) claim() (lo, hi int) {
	n := len(m.items)
	left := n - int(m.next.Load())
	size := min(max(left/(4*m.workers), 1), maxChunk)
	hi = int(m.next.Add(int64(size)))
	return min(hi-size, n), min(hi, n)
}

// skip records that the elements [lo, hi) were not processed because of
// halt: MapAll gives them the cause of m.ctx as their error.
func (m *mapper[T, R]) skip(lo, hi int) {
	m.stopped.Store(true)
	if m.all {
		setAll(m.itemErrors()[lo:hi], context.Cause(m.ctx))
	}
}

// failed records err, returned by f for element i, and reports whether the
// worker goes on: MapAll keeps the error with the element and goes on; Map
// and ForEach stop at the first error.
func (m *mapper[T, R]) failed(i int, err error) bool {
	if m.all {
		m.itemErrors()[i] = err
		return true
	}
	m.fail(err)
	return false
}

// itemErrors returns the errors of MapAll, one per element, making them at the
// first call. A run without errors makes none: a slice of interfaces as
// long as items would cost more than a trivial f, to clear and for the
// garbage collector to scan. The workers write distinct elements.
func (m *mapper[T, R]) itemErrors() []error {
	if p := m.errs.Load(); p != nil {
		return *p
	}
	errs := make([]error, len(m.items))
	if m.errs.CompareAndSwap(nil, &errs) {
		return errs
	}
	return *m.errs.Load()
}

// fail records err if it is the first error and stops the other workers.
// When the caller's ctx is done by then, its cause is recorded instead:
// an f that returns ctx.Err(), or fails otherwise because the work was
// cut short, does not hide why.
func (m *mapper[T, R]) fail(err error) {
	m.mu.Lock()
	first := m.err == nil && m.perr == nil
	if first {
		if m.parent.Err() != nil {
			err = context.Cause(m.parent)
		}
		m.err = err
	}
	m.mu.Unlock()
	m.halt.Store(true)
	if first {
		m.cancel(err)
	}
}

// goexit records that a call of f called runtime.Goexit. It runs as the
// worker's goroutine exits, before the worker is counted done. Map and
// ForEach fail with ErrGoexit; MapAll gives the element ErrGoexit and
// starts a worker that takes over the rest of the range.
func (m *mapper[T, R]) goexit(rest span) {
	if !m.all {
		m.fail(ErrGoexit)
		return
	}
	m.itemErrors()[rest.lo-1] = ErrGoexit
	m.wg.Add(1)
	go m.work(rest)
}

// panicked records perr, a panic recovered from a call of f, if it is the
// first, and stops the other workers.
func (m *mapper[T, R]) panicked(perr *PanicError) {
	m.mu.Lock()
	if m.perr == nil {
		m.perr = perr
	}
	m.mu.Unlock()
	m.halt.Store(true)
	m.cancel(perr)
}
