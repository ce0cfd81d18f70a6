package pipeline

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
)

// The loop's side of a mapper: it runs on the goroutine of the range loop,
// takes the chunks back from the workers and yields their results.

// receive returns the next chunk of results, or nil and the error that ends
// the sequence, or nil, nil when every item has been processed.
//
// Before it blocks, receive takes the feeder's partial chunk for an idle
// worker that has no other chunk waiting for it: the feeder may itself be
// blocked inside in, and its items must not wait for the chunk to fill. The
// ordered loop does so only when the chunk it yields next has not left the
// feeder (see sealed). The loop never calls f itself, so that a slow item
// never keeps it from yielding the results of the others.
func (m *mapper[T, R]) receive() (*chunk[T, R], error) {
	done := m.ctx.Done()
	for {
		select {
		case <-done:
			return nil, context.Cause(m.ctx)
		default:
		}
		c := m.pending
		if c == nil {
			c = m.results.take()
		}
		if c == nil {
			if m.ended && m.received == m.total {
				return nil, nil
			}
			if atomic.LoadInt64(&m.idle) > 0 && len(m.work) == 0 && !m.sealed(m.next) {
				m.handOff()
			}
			// Let the goroutines that are ready run before waiting:
			// workers woken together then hand back their results
			// before the loop runs again, rather than wake it each.
			runtime.Gosched()
			if c = m.results.take(); c == nil {
				m.results.wait(nil)
				continue
			}
		}
		m.pending = c.next
		switch c {
		case &m.doneMark:
			return nil, context.Cause(m.ctx)
		case &m.endMark:
		default:
			m.received++
			return c, nil
		}
		m.ended = true
		if m.feedErr != nil {
			return nil, m.feedErr
		}
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
	m.free.push(c)
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
