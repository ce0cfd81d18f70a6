package pipeline

import (
	"context"
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
	// The words marked "atomic only" are plain integers used through the
	// functions of sync/atomic rather than its types. A generic function
	// compiled into a package that does not import sync/atomic itself, as
	// most users of Map do not, calls the methods of those types rather
	// than inlining them; the functions are compiler intrinsics, inlined in
	// every package. For quit, read for every item, the call cost a tenth
	// of the time per item of BenchmarkP1.
	//
	// The 64-bit ones come first, after nothing but other 64-bit words and
	// 64-byte pads: on 32-bit platforms only the start of an allocated
	// struct is 64-bit aligned, and a 64-bit atomic operation panics on a
	// word that is not.
	//
	// fill is written for every item: it has a cache line of its own.
	_    [64]byte
	fill int64 // open chunk's seq, count and flags; atomic only
	_    [64]byte
	// The feeder and the workers read target for every chunk: a line of
	// its own, away from open, which the feeder writes for every chunk.
	target int64 // flush a chunk at this many items; atomic only
	_      [64]byte
	// idle changes whenever a worker runs out of chunks: a line of its
	// own keeps the feeder's use of open and target out of its way.
	idle int64 // workers waiting for a chunk, or about to; atomic only
	_    [64]byte
	open atomic.Pointer[chunk[T, R]] // the chunk the feeder is filling
	_    [64]byte
	quit int32 // set when the loop has ended: workers stop between items; atomic only
	_    [64]byte
	// Every worker pushes results, and the loop takes them: a line of its
	// own too.
	results queue[T, R] // workers to loop, and endMark and doneMark
	_       [64]byte
	free    queue[T, R] // loop to feeder
	_       [64]byte

	ctx      context.Context // the caller's
	wctx     context.Context // the workers', cancelled when the loop ends
	cancel   context.CancelFunc
	in       iter.Seq[T]
	f        func(context.Context, T) (R, error)
	window   int // chunks in existence at most
	maxItems int // items per chunk at most

	work    chan *chunk[T, R] // feeder (or loop) to workers; one per worker
	handoff sync.Mutex        // orders the chunks on work; see handOff
	room    chan struct{}     // the feeder may fill work again; see feeder.send
	fed     chan struct{}     // closed when the feeder has returned, for stop
	total   int64             // chunks the feeder made; valid after endMark
	feedErr error             // a panic of the input; valid after endMark
	made    int               // chunks allocated; feeder only
	wg      sync.WaitGroup

	// doneMark comes on results once ctx is done, so that the loop waits
	// on one queue rather than on it and ctx. endMark comes when the feeder
	// has returned.
	doneMark chunk[T, R]
	endMark  chunk[T, R]
	unwatch  func() bool // stops the sending of doneMark; see start

	// Loop state.
	pending  *chunk[T, R] // taken from results, not yet received
	received int64        // chunks back from the workers
	ended    bool         // endMark came on results
	next     int64        // the chunk the loop yields next; -1 in any order
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
		work: make(chan *chunk[T, R], workers),
		room: make(chan struct{}, 1),
		fed:  make(chan struct{}),
		next: -1,
	}
	m.results.init()
	m.free.init()
	m.target = 1
	m.idle = int64(workers)
	return m
}

// start starts the feeder and the workers counted idle by newMapper, and
// has doneMark pushed on results once ctx is done. The function that pushes
// it runs on a goroutine of its own, counted in m.wg until it returns or
// stop keeps it from running.
func (m *mapper[T, R]) start() {
	workers := int(m.idle)
	m.wg.Add(1 + workers)
	go m.feed()
	for range workers {
		go m.worker()
	}
	if m.ctx.Done() != nil {
		m.wg.Add(1)
		m.unwatch = context.AfterFunc(m.ctx, func() {
			defer m.wg.Done()
			m.results.push(&m.doneMark)
		})
	}
}

// stop ends the run: the feeder stops at its next item, the workers before
// their next call of f. It returns when every goroutine has returned.
func (m *mapper[T, R]) stop() {
	atomic.StoreInt32(&m.quit, 1)
	atomic.OrInt64(&m.fill, stopBit)
	m.cancel()
	// The feeder may wait to send a chunk to workers that are all gone
	// (runtime.Goexit in f): take the chunks off m.work until it returns.
	// Nothing sends on m.work after that, so closing it ends the workers.
	for wait := true; wait; {
		select {
		case <-m.work:
			m.wakeFeeder()
		case <-m.fed:
			wait = false
		}
	}
	close(m.work)
	if m.unwatch != nil && m.unwatch() {
		m.wg.Done()
	}
	m.wg.Wait()
}

// took is called by a worker that has taken a chunk off m.work: it wakes
// the feeder waiting in send once half of the chunks are gone.
func (m *mapper[T, R]) took() {
	if len(m.work) <= cap(m.work)/2 {
		m.wakeFeeder()
	}
}

// wakeFeeder lets the feeder fill m.work again. The token stays in room if
// the feeder is not waiting, so that it cannot miss it.
func (m *mapper[T, R]) wakeFeeder() {
	select {
	case m.room <- struct{}{}:
	default:
	}
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
		m.results.push(&m.endMark)
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
	for !m.askNext() {
		s := atomic.LoadInt64(&m.fill)
		if s&(sealedBit|stopBit) != 0 || s&countMask == 0 {
			continue
		}
		c := m.open.Load()
		if atomic.LoadInt64(&c.gen) != s>>genShift {
			continue // the feeder is between chunks
		}
		if atomic.CompareAndSwapInt64(&m.fill, s, (s|sealedBit)&^hungryBit) {
			c.n = int(s & countMask)
			return c
		}
	}
	return nil
}

// askNext asks the feeder to flush after its next item, unless its open
// chunk holds items to steal. It reports whether there are none.
func (m *mapper[T, R]) askNext() bool {
	for {
		s := atomic.LoadInt64(&m.fill)
		if s&(sealedBit|stopBit) == 0 && s&countMask != 0 {
			return false
		}
		if s&(hungryBit|stopBit) != 0 || atomic.CompareAndSwapInt64(&m.fill, s, s|hungryBit) {
			return true
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

// handOff takes the feeder's partial chunk, if any, and sends it to the
// workers if no other chunk waits for them. The chunks on m.work stay in
// input order, so that one worker calls f on the items in the order of the
// input: the feeder seals its chunks under handoff too, and once the loop
// has sealed a chunk, the feeder cannot send a later one before taking
// handoff, that is before this send. Nothing else sends while handoff is
// held (the feeder's earlier chunks were sent before the open one was
// opened), so the send finds the room it checked and never blocks.
func (m *mapper[T, R]) handOff() {
	// Slow items go one per chunk, and then there is never a partial
	// chunk: asking for the next item takes no lock, where taking handoff
	// would contend with the feeder, which takes it for every chunk.
	if m.askNext() {
		return
	}
	m.handoff.Lock()
	defer m.handoff.Unlock()
	if len(m.work) == cap(m.work) {
		return
	}
	if c := m.steal(); c != nil {
		m.work <- c
	}
}
