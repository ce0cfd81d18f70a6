package group

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gopatterns/concurrency/internal/panics"
)

// maxChunk is the most elements a worker of Map claims at once. Workers
// claim a share of what is left (see claim), so chunks shrink towards the
// end of the slice and the workers finish together.
const maxChunk = 512

// Map calls f for every element of items, in at most limit goroutines at
// once (limit <= 0 means runtime.GOMAXPROCS(0)), and returns the results in
// the order of items.
//
// The context passed to f is derived from ctx and is cancelled, with the
// error as its cause, as soon as a call of f fails. From then on no call of
// f starts (calls already running are not interrupted, and a call that was
// starting at that instant may still run), and Map returns nil and the
// first error. If ctx is done before every element was processed, Map
// returns nil and context.Cause(ctx); the cancellation reaches the workers
// through context.AfterFunc, so a call may still start in the moment before
// that function runs, and never after the end of a worker's current range
// of elements. An empty items returns an empty slice and a nil error at
// once, without calling f.
//
// A panic in f is recovered into a *PanicError, which stops the other calls
// like an error; Map re-panics with it after every goroutine has returned,
// even for a panic(nil), which recover sees as nil under
// GODEBUG=panicnil=1. A call of runtime.Goexit in f fails Map with
// ErrGoexit. Map starts min(limit, len(items)) goroutines, each calling f
// in turn on ranges of elements it claims, and joins them before it
// returns. It panics if f is nil.
func Map[T, R any](ctx context.Context, items []T, limit int, f func(context.Context, T) (R, error)) ([]R, error) {
	if f == nil {
		panic("group: Map with nil function")
	}
	out := make([]R, len(items))
	if err := mapInto(ctx, items, out, limit, f); err != nil {
		return nil, err
	}
	return out, nil
}

// ForEach calls f for every element of items, in at most limit goroutines at
// once (limit <= 0 means runtime.GOMAXPROCS(0)). It stops, reports errors
// and panics exactly as Map does, and returns the first error, or
// context.Cause(ctx) if ctx was done before every element was processed. It
// panics if f is nil.
func ForEach[T any](ctx context.Context, items []T, limit int, f func(context.Context, T) error) error {
	if f == nil {
		panic("group: ForEach with nil function")
	}
	// A []struct{} of any length takes no memory.
	return mapInto(ctx, items, make([]struct{}, len(items)), limit,
		func(ctx context.Context, v T) (struct{}, error) { return struct{}{}, f(ctx, v) })
}

// mapInto sets out[i] to f(items[i]) for every i, with the contract of Map.
func mapInto[T, R any](ctx context.Context, items []T, out []R, limit int, f func(context.Context, T) (R, error)) error {
	if len(items) == 0 {
		return nil
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	m := &mapper[T, R]{items: items, out: out, f: f, workers: min(limit, len(items))}
	m.ctx, m.cancel = context.WithCancelCause(ctx)
	defer m.cancel(nil)
	m.run()
	if m.perr != nil {
		panic(m.perr)
	}
	if m.err == nil && m.stopped.Load() {
		return context.Cause(ctx)
	}
	return m.err
}

// A mapper is one call of Map: its workers claim ranges of indices from
// next and write their results in place.
type mapper[T, R any] struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	items   []T
	out     []R
	f       func(context.Context, T) (R, error)
	workers int
	halt    atomic.Bool // set when m.ctx is done or f failed: start no f

	_    [64]byte     // keeps next off the cache line of the fields above
	next atomic.Int64 // first unclaimed index
	_    [56]byte

	stopped atomic.Bool    // a worker stopped because of halt
	wg      sync.WaitGroup // the workers
	watcher sync.WaitGroup // the AfterFunc that sets halt

	mu   sync.Mutex
	err  error       // the first error
	perr *PanicError // the first panic
}

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
		go m.work()
	}
	m.wg.Wait()
	if stopWatch() {
		m.watcher.Done() // the AfterFunc never runs
	}
	m.watcher.Wait()
}

// work calls f on ranges of elements until none is left or m.ctx is done.
// A panic of f is recovered once per worker, not per call of f: it ends
// the worker. panics.Call tells it from runtime.Goexit, which recover alone
// cannot do under GODEBUG=panicnil=1, where it returns nil for panic(nil).
func (m *mapper[T, R]) work() {
	defer m.wg.Done()
	if perr := panics.Call(m.loop, m.goexit); perr != nil {
		m.panicked(perr)
	}
}

// loop is the body of work.
func (m *mapper[T, R]) loop() {
	ctx, f, halt := m.ctx, m.f, &m.halt
	for {
		lo, hi := m.claim()
		if lo >= hi {
			return
		}
		if ctx.Err() != nil {
			// The AfterFunc has not run yet (it may wait for this
			// very P): a chunk never starts on a done ctx.
			halt.Store(true)
		}
		items, out := m.items[lo:hi], m.out[lo:hi]
		for i := range items {
			// One atomic load per element: once ctx is done or f has
			// failed no call of f starts, not just no chunk.
			if halt.Load() {
				m.stopped.Store(true)
				return
			}
			v, err := f(ctx, items[i])
			if err != nil {
				m.fail(err)
				return
			}
			out[i] = v
		}
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

// fail records err if it is the first error and stops the other workers.
func (m *mapper[T, R]) fail(err error) {
	m.mu.Lock()
	first := m.err == nil && m.perr == nil
	if first {
		m.err = err
	}
	m.mu.Unlock()
	m.halt.Store(true)
	if first {
		m.cancel(err)
	}
}

// goexit records that a call of f called runtime.Goexit. It runs as the
// worker's goroutine exits, before the worker is counted done.
func (m *mapper[T, R]) goexit() { m.fail(ErrGoexit) }

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
