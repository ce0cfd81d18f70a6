package pipeline

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gopatterns/concurrency/internal/panics"
)

// A mapper runs one range loop over Map or OrderedMap: a feeder goroutine
// ranges over the input, workers call f on chunks of items, and the loop's
// own goroutine yields the results. All goroutines have returned when the
// loop statement ends.
type mapper[T, R any] struct {
	ctx      context.Context // the caller's
	wctx     context.Context // the workers', cancelled when the loop ends
	cancel   context.CancelFunc
	in       iter.Seq[T]
	f        func(context.Context, T) (R, error)
	window   int // chunks in existence at most
	maxItems int // items per chunk at most

	work    chan *chunk[T, R] // feeder (or loop) to workers; one per worker
	handoff sync.Mutex        // orders the chunks on work; see handOff
	results chan *chunk[T, R] // workers to loop; never full
	free    chan *chunk[T, R] // loop to feeder; never full
	fed     chan struct{}     // closed when the feeder has returned
	total   int64             // chunks the feeder made; valid after fed
	feedErr error             // a panic of the input; valid after fed
	made    int               // chunks allocated; feeder only
	wg      sync.WaitGroup

	// fill is written for every item: it has a cache line of its own.
	_      [64]byte
	fill   int64 // open chunk's seq, count and flags; atomic only
	_      [64]byte
	open   atomic.Pointer[chunk[T, R]] // the chunk the feeder is filling
	target atomic.Int64                // flush a chunk at this many items
	idle   atomic.Int64                // workers outside process
	_      [64]byte
	quit   atomic.Bool // workers stop between items; read for every item
	_      [64]byte

	// Loop state.
	received int64 // chunks back from the workers
	next     int64 // the chunk the loop yields next; -1 in any order
}

// newMapper sets up a run with the given number of workers (GOMAXPROCS when
// workers <= 0); start starts its goroutines.
func newMapper[T, R any](ctx context.Context, in iter.Seq[T], workers int,
	f func(context.Context, T) (R, error)) *mapper[T, R] {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := max(4*workers, 16)
	wctx, cancel := context.WithCancel(ctx)
	m := &mapper[T, R]{
		ctx: ctx, wctx: wctx, cancel: cancel, in: in, f: f,
		window: window, maxItems: chunkLimit[T, R](),
		// A chunk per worker can wait, so that workers that finish at
		// the same time (as sleeping ones do) each find one at once
		// instead of waiting in turn for the feeder to run.
		work:    make(chan *chunk[T, R], workers),
		results: make(chan *chunk[T, R], window),
		free:    make(chan *chunk[T, R], window),
		fed:     make(chan struct{}),
		next:    -1,
	}
	m.target.Store(1)
	m.idle.Store(int64(workers))
	return m
}

// start starts the feeder and the workers counted idle by newMapper.
func (m *mapper[T, R]) start() {
	workers := int(m.idle.Load())
	m.wg.Add(1 + workers)
	go m.feed()
	for range workers {
		go m.worker()
	}
}

// stop ends the run: the feeder stops at its next item, the workers before
// their next call of f. It returns when every goroutine has returned.
func (m *mapper[T, R]) stop() {
	m.quit.Store(true)
	atomic.OrInt64(&m.fill, stopBit)
	m.cancel()
	m.wg.Wait()
}

func (m *mapper[T, R]) feed() {
	f := &feeder[T, R]{m: m, fill: &m.fill}
	// The input may call runtime.Goexit: Try does not return then, but the
	// deferred call still tells the loop that the feeder is gone, with an
	// error that stays in place unless in returns.
	m.feedErr = errInputGoexit
	defer func() {
		m.total = f.seq
		close(m.fed)
		m.wg.Done()
	}()
	perr := panics.Try(func() { m.in(f.yield()) })
	if perr != nil {
		m.feedErr = perr
		return
	}
	m.feedErr = nil
	if f.c != nil {
		f.flush()
	}
}

// steal takes the feeder's open chunk if it holds items, or else asks the
// feeder to flush after its next item. The loop calls it when it would
// block: the feeder may be blocked inside the input sequence, and its
// partial chunk must not wait for the chunk to fill.
func (m *mapper[T, R]) steal() *chunk[T, R] {
	for {
		s := atomic.LoadInt64(&m.fill)
		if s&(sealedBit|stopBit) != 0 || s&countMask == 0 {
			if s&(hungryBit|stopBit) != 0 || atomic.CompareAndSwapInt64(&m.fill, s, s|hungryBit) {
				return nil
			}
			continue
		}
		c := m.open.Load()
		if c.gen.Load() != s>>genShift {
			continue // the feeder is between chunks
		}
		if atomic.CompareAndSwapInt64(&m.fill, s, (s|sealedBit)&^hungryBit) {
			c.n = int(s & countMask)
			return c
		}
	}
}

// sealed reports whether the chunk with the given seq has left the feeder;
// it is false for a seq < 0. The ordered loop waits for chunk m.next before
// anything else, and once it has left the feeder it will come back from a
// worker: taking the feeder's partial chunk then would not let the loop
// yield any sooner, and cutting the input into small chunks costs every
// item.
func (m *mapper[T, R]) sealed(seq int64) bool {
	if seq < 0 {
		return false
	}
	s := atomic.LoadInt64(&m.fill)
	open := s >> genShift
	return seq < open || seq == open && s&(sealedBit|stopBit) != 0
}

// receive returns the next chunk of results, or nil and the error that ends
// the sequence, or nil, nil when every item has been processed.
//
// Before it blocks, receive takes the feeder's partial chunk for an idle
// worker that has no other chunk waiting for it: the feeder may itself be
// blocked inside in, and its items must not wait for the chunk to fill. The ordered loop does so only when the
// chunk it yields next has not left the feeder (see sealed). The loop never
// calls f itself, so that a slow item never keeps it from yielding the
// results of the others.
func (m *mapper[T, R]) receive() (*chunk[T, R], error) {
	done := m.ctx.Done()
	for {
		select {
		case <-done:
			return nil, context.Cause(m.ctx)
		case c := <-m.results:
			m.received++
			return c, nil
		default:
		}
		if m.fed == nil && m.received == m.total {
			return nil, nil
		}
		if m.idle.Load() > 0 && len(m.work) == 0 && !m.sealed(m.next) {
			m.handOff()
		}
		select {
		case c := <-m.results:
			m.received++
			return c, nil
		case <-m.fed:
			m.fed = nil
			if m.feedErr != nil {
				return nil, m.feedErr
			}
		case <-done:
			return nil, context.Cause(m.ctx)
		}
	}
}

// handOff takes the feeder's partial chunk, if any, and sends it to the
// workers if no other chunk waits for them. The chunks on m.work stay in
// input order, so that one worker calls f on the items in the order of the
// input: the feeder seals its chunks under handoff too, and once the loop
// has sealed a chunk, the feeder cannot send a later one before taking
// handoff, that is before this send. Nothing else sends while handoff is
// held (the feeder's earlier chunks were sent before the open one was
// opened), so the send finds the room it checked and never blocks.
func (m *mapper[T, R]) handOff() {
	m.handoff.Lock()
	defer m.handoff.Unlock()
	if len(m.work) == cap(m.work) {
		return
	}
	if c := m.steal(); c != nil {
		m.work <- c
	}
}

// emit yields the results of c and then its error, if any. It reports
// whether the sequence goes on.
func (m *mapper[T, R]) emit(c *chunk[T, R], yield func(R, error) bool) bool {
	for _, r := range c.out[:c.ok] {
		if !yield(r, nil) {
			return false
		}
	}
	if c.err != nil {
		// f sees ctx's error through the workers' context; report why ctx
		// is done instead. An error of f's own stays, even if ctx is done
		// by now.
		err := c.err
		if cerr := m.ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			err = context.Cause(m.ctx)
		}
		var zero R
		yield(zero, err)
		return false
	}
	m.free <- c
	return true
}

// unordered yields chunks as they come back from the workers.
func (m *mapper[T, R]) unordered(yield func(R, error) bool) {
	for {
		c, err := m.receive()
		if err != nil {
			var zero R
			yield(zero, err)
			return
		}
		if c == nil || !m.emit(c, yield) {
			return
		}
	}
}

// ordered yields chunks in input order, holding the ones that come back
// early. There are at most window chunks, so the ring never overflows.
func (m *mapper[T, R]) ordered(yield func(R, error) bool) {
	ring := make([]*chunk[T, R], m.window)
	var next int64
	m.next = 0
	for {
		for c := ring[next%int64(m.window)]; c != nil; c = ring[next%int64(m.window)] {
			ring[next%int64(m.window)] = nil
			next++
			m.next = next
			if !m.emit(c, yield) {
				return
			}
		}
		c, err := m.receive()
		if err != nil {
			var zero R
			yield(zero, err)
			return
		}
		if c == nil {
			return
		}
		if c.err == errGoexit {
			// The worker that exited may be the only one, and the
			// results before c may wait for it: end at once.
			var zero R
			yield(zero, c.err)
			return
		}
		ring[c.seq%int64(m.window)] = c
	}
}
