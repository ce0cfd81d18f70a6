package group

import (
	"context"
	"fmt"
)

// SetLimit caps how many goroutines of the group run at once: n >= 0 is the
// cap (0 lets none start, so Go waits for ever), n < 0 removes it. Set it
// while no goroutine of the group runs; changing a cap while goroutines
// started under it still run panics, with the message errgroup uses behind
// a "group: " prefix.
func (g *Group) SetLimit(n int) {
	if n < 0 {
		g.setSem(nil)
		return
	}
	if active := len(g.sem); active != 0 {
		panic(fmt.Errorf("group: modify limit while %v goroutines in the group are still active", active))
	}
	g.setSem(make(chan token, n))
}

// setSem makes sem the group's semaphore. With a context and a limit of at
// least one, it arranges for the end of the context to drain sem, so that a
// Go blocked in a plain send on a full sem wakes up, finds the context done
// and returns without starting f.
func (g *Group) setSem(sem chan token) {
	if g.wake != nil {
		g.wake()
		g.wake = nil
	}
	g.sem = sem
	if g.ctx != nil && cap(sem) > 0 {
		g.wake = context.AfterFunc(g.ctx, func() { drain(sem) })
	}
}

// drain empties sem and lets every Go blocked on it through. Taking slots
// from goroutines that still run cannot break the limit: the context is
// done by now, so no f starts after this. (It does mean that SetLimit on a
// done group may not see that goroutines still run, and so not panic.)
func drain(sem chan token) {
	for {
		select {
		case <-sem:
		default:
			return
		}
	}
}

// acquire takes a slot for one more goroutine, waiting while the group is at
// its limit, and reports whether f may start: false, holding no slot, when
// the group's context is done before or during the wait.
//
// The slot is taken with a plain send, as in errgroup: a select on the
// context as well costs about as much again as the whole of Go. A send
// blocked on a full semaphore is let through by the drain that setSem
// arranges for the end of the context, and then gives its slot back. With
// a limit, the context is checked only once the slot is taken: a Go on a
// done group then takes and returns a slot, which no running goroutine
// holds after the drain, instead of checking the context twice on every
// call.
func (g *Group) acquire() bool {
	switch {
	case g.sem == nil:
		return !g.done()
	case cap(g.sem) == 0 && g.ctx != nil:
		// Limit 0: no drain could let a send through, so wait for the
		// end of the context here.
		select {
		case g.sem <- token{}:
		case <-g.ctx.Done():
			return false
		}
	default:
		g.sem <- token{}
	}
	if g.done() {
		g.releaseSlot()
		return false
	}
	return true
}

// tryAcquire takes a slot for one more goroutine if the group is below its
// limit, and reports whether it did.
func (g *Group) tryAcquire() bool {
	if g.sem == nil {
		return true
	}
	select {
	case g.sem <- token{}:
		// Like errgroup, this lets TryGo barge ahead of a Go that waits.
		return true
	default:
		return false
	}
}

// releaseSlot frees a slot of the limit. The receive does not block, so that
// a limit set while goroutines started without one were running (a misuse
// errgroup hangs on) cannot make them hang.
func (g *Group) releaseSlot() {
	select {
	case <-g.sem:
	default:
	}
}
