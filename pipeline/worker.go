package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/internal/panics"
	"github.com/gopatterns/concurrency/internal/scope"
)

// targetCost is how long a worker should spend on one chunk. It is long
// enough to hide the cost of moving the chunk, and short enough that slow
// items are spread over the workers one by one and the last chunks end
// close together. Moving a chunk costs more than its channel operations:
// while every P runs a worker, the feeder and the loop only run when a
// worker blocks on an empty work channel, so a worker waits for them every
// few chunks; with 50 µs chunks of CPU-bound items that cost about a tenth
// of the run on two cores.
const targetCost = 200 * time.Microsecond

// While the chunk size is 1, a worker times only one in timeEvery of its
// chunks of one item; it times every other chunk. Timing a chunk of one
// item then can only grow the size, and the size is 1 only while items
// cost at least targetCost/2, so a few more of them one by one cost next
// to nothing; while reading the clock costs about 85 ns on the machines
// the benchmarks were written on (its data is cold after a slow item), a
// tenth of the rest of the way of an item that goes alone.
const timeEvery = 8

// worker processes chunks from m.work until the loop ends.
func (m *mapper[T, R]) worker() {
	defer m.wg.Done()
	var c *chunk[T, R] // the chunk in hand
	defer func() {
		// Only runtime.Goexit in f leaves a chunk in hand (call
		// recovers panics). Hand it back with an error rather than leave
		// the loop waiting for it forever.
		if c != nil {
			c.err = errGoexit
			m.results.push(c)
		}
	}()
	// Plain receives, not a select on the workers' context: stop closes
	// m.work, and a select would lock a channel shared by every worker
	// for every chunk.
	var (
		next    *chunk[T, R]    // taken before c went back
		end     time.Duration   // when the last chunk was done, if it was timed
		timed   bool            // whether the last chunk was
		untimed = timeEvery - 1 // chunks not timed in a row; the first is timed
	)
	for {
		waited := false
		if c, next = next, nil; c == nil {
			// This worker counts as idle: newMapper counted it, or it
			// did before it handed back its last chunk.
			if c = <-m.work; c == nil {
				return
			}
			waited = true
			atomic.AddInt64(&m.idle, -1)
		}
		m.took()
		if c.n > 1 || atomic.LoadInt64(&m.target) > 1 || untimed == timeEvery-1 {
			// A chunk that was waiting starts when the last one ended:
			// one clock reading per chunk, not two.
			start := end
			if waited || !timed {
				start = clock()
			}
			end = m.process(c, start)
			timed, untimed = true, 0
		} else {
			m.call(c)
			timed = false
			untimed++
		}
		// Take the next chunk before handing back this one, if one is
		// waiting, so that a worker that goes on at once never changes
		// the idle count, which every worker shares. One that is about
		// to wait counts itself idle before the loop can see the
		// results, so that a loop with nothing else to wait for takes
		// the partial chunk.
		select {
		case next = <-m.work:
		default:
			atomic.AddInt64(&m.idle, 1)
		}
		m.results.push(c)
		c = nil
	}
}

// epoch is the origin of clock.
var epoch = time.Now()

// clock returns the monotonic time since epoch: one clock reading, where
// time.Now takes two (the wall clock too).
func clock() time.Duration {
	return time.Since(epoch)
}

const (
	errGoexit      = scope.GoexitError("pipeline: f called runtime.Goexit")
	errInputGoexit = scope.GoexitError("pipeline: the input sequence called runtime.Goexit")
)

// process calls f on the items of c, stopping at the first failure, and
// adapts the chunk size to what they cost. The worker took c at start;
// process returns when it was done, both on clock.
func (m *mapper[T, R]) process(c *chunk[T, R], start time.Duration) time.Duration {
	m.call(c)
	end := clock()
	m.adapt(c.n, end-start)
	return end
}

// call sets c.out[i] = f(c.in[i]) for the items of c, and c.ok to the
// number of leading items that succeeded, until an item fails, f panics,
// or the loop has ended. It leaves c.in as it is: the items are
// overwritten when the chunk is filled again, and at most window chunks
// exist. It recovers a panic of f into c.err itself rather than through
// panics.Try: after a slow item, every frame between the worker and f is
// memory to bring back into the cache.
func (m *mapper[T, R]) call(c *chunk[T, R]) {
	returned := false
	defer func() {
		// When f calls runtime.Goexit, recover returns nil and the
		// goroutine goes on exiting: the worker then reports it.
		if !returned {
			c.err = panics.New(recover())
		}
	}()
	f, ctx := m.f, m.wctx
	in, out := c.in[:c.n], c.out[:c.n]
	c.ok = 0
	for i, v := range in {
		if atomic.LoadInt32(&m.quit) != 0 {
			break
		}
		r, err := f(ctx, v)
		if err != nil {
			c.err = err
			break
		}
		out[i] = r
		c.ok = i + 1 // counted as it goes, so that a panic in f keeps it
	}
	returned = true
}

// adapt sets the chunk size so that a chunk costs about targetCost, growing
// it at most twofold at a time.
func (m *mapper[T, R]) adapt(n int, cost time.Duration) {
	t := max(2*n, int(atomic.LoadInt64(&m.target)))
	if per := cost / time.Duration(n); per > 0 {
		t = min(t, int(targetCost/per))
	}
	// Stored only when it changes: the feeder reads it for every chunk,
	// and slow items, one per chunk, would write it for every item.
	if t := int64(min(max(t, 1), m.maxItems)); t != atomic.LoadInt64(&m.target) {
		atomic.StoreInt64(&m.target, t)
	}
}
